/**
 * Regenerates the documentation that derives from code: docs/checks.md (every
 * check) and docs/report.schema.json (the report's JSON Schema).
 * Run: npm run docs. test/docs.test.ts fails when they are stale.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RULES } from '../src/rules/index.ts';
import { checksMarkdown } from '../src/rules/docs.ts';
import { reportSchemaJson } from '../src/report/schema-json.ts';

const root = new URL('..', import.meta.url).pathname;
writeFileSync(join(root, 'docs/checks.md'), checksMarkdown(RULES));
writeFileSync(join(root, 'docs/report.schema.json'), reportSchemaJson());
console.log('wrote docs/checks.md and docs/report.schema.json');
