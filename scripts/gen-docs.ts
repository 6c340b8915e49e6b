/**
 * Regenerates the documentation that derives from code: docs/checks.md (every
 * check), docs/report.schema.json and docs/release.schema.json (the JSON Schemas).
 * Run: npm run docs. test/docs.test.ts fails when they are stale.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DOCUMENTED_CHECKS } from '../src/rules/index.ts';
import { checksMarkdown } from '../src/rules/docs.ts';
import { releaseSchemaJson, reportSchemaJson } from '../src/report/schema-json.ts';

const root = new URL('..', import.meta.url).pathname;
writeFileSync(join(root, 'docs/checks.md'), checksMarkdown(DOCUMENTED_CHECKS));
writeFileSync(join(root, 'docs/release.schema.json'), releaseSchemaJson());
writeFileSync(join(root, 'docs/report.schema.json'), reportSchemaJson());
console.log('wrote docs/checks.md, docs/report.schema.json and docs/release.schema.json');
