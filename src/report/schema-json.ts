/** The reports' published JSON Schemas (docs/*.schema.json), from the TypeBox schemas. */
import { ReportSchema } from './schema.ts';
import { ReleaseReportSchema } from '../release/schema.ts';

export function reportSchemaJson(): string {
  return JSON.stringify({ $schema: 'https://json-schema.org/draft/2020-12/schema', ...ReportSchema }, null, 2) + '\n';
}

/** docs/release.schema.json: the release report, which embeds each artifact's report. */
export function releaseSchemaJson(): string {
  return JSON.stringify({ $schema: 'https://json-schema.org/draft/2020-12/schema', ...ReleaseReportSchema }, null, 2) + '\n';
}
