/**
 * The documentation that derives from code is current, and every check is
 * documented, uniquely named, and exercised by some test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DOCUMENTED_CHECKS } from '../src/rules/index.ts';
import { checksMarkdown } from '../src/rules/docs.ts';
import { releaseSchemaJson, reportSchemaJson } from '../src/report/schema-json.ts';
import { repoRoot } from './support/fixture-builder.ts';

const checks = DOCUMENTED_CHECKS.flatMap((g) => g.checks);

test('docs/checks.md is generated from the checks (run `npm run docs` after changing one)', () => {
  assert.equal(readFileSync(join(repoRoot, 'docs/checks.md'), 'utf8'), checksMarkdown(DOCUMENTED_CHECKS));
});

test('docs/report.schema.json and docs/release.schema.json are generated from the schemas (run `npm run docs`)', () => {
  assert.equal(readFileSync(join(repoRoot, 'docs/report.schema.json'), 'utf8'), reportSchemaJson());
  assert.equal(readFileSync(join(repoRoot, 'docs/release.schema.json'), 'utf8'), releaseSchemaJson());
});

test('every check has a unique family.problem id and user-facing documentation', () => {
  const seen = new Set<string>();
  for (const c of checks) {
    assert.match(c.id, /^[a-z0-9]+\.[a-z0-9]+(-[a-z0-9]+)*$/, `check id ${c.id}`);
    assert.ok(!seen.has(c.id), `duplicate check id ${c.id}`);
    seen.add(c.id);
    assert.ok(c.title.length > 5 && c.explain.length > 40 && c.fix.length > 5, `${c.id} needs a title, an explanation and a fix`);
  }
});

test('every check id is exercised by at least one test', () => {
  const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : e.name.endsWith('.ts') ? [join(d, e.name)] : []));
  const corpus = walk(join(repoRoot, 'test'))
    .filter((f) => !f.endsWith('docs.test.ts'))
    .map((f) => readFileSync(f, 'utf8'))
    .join('\n');
  // The id as a whole word: in an assertion, a test title, or a fixture's description.
  const mentioned = (id: string) => new RegExp(`(^|[^\\w.-])${id.replace(/[.]/g, '\\.')}(?![\\w-])`).test(corpus);
  const untested = checks.map((c) => c.id).filter((id) => !mentioned(id));
  assert.deepEqual(untested, [], 'checks that no test names');
});
