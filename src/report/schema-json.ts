/** The report's published JSON Schema (docs/report.schema.json), from the TypeBox schema. */
import { ReportSchema } from './schema.ts';

export function reportSchemaJson(): string {
  return JSON.stringify({ $schema: 'https://json-schema.org/draft/2020-12/schema', ...ReportSchema }, null, 2) + '\n';
}
