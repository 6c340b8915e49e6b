/**
 * The runner the e2e check tables share (wheel-, jar- and npm-checks): each
 * case is an artifact that has the defect and a clean twin of the same shape;
 * both are written to disk and audited by `auditFile`, as `distaudit audit`
 * runs them.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { auditFile } from '../../src/audit/audit.ts';
import type { ArchiveLimits } from '../../src/artifact/archive/types.ts';
import type { ArtifactKind } from '../../src/audit/types.ts';
import type { Report } from '../../src/report/schema.ts';
import { RULES } from '../../src/rules/index.ts';

export interface Artifact {
  filename: string;
  bytes: Buffer;
}
export type Make = () => Artifact | Promise<Artifact>;

export interface CheckCase {
  check: string;
  /** What is wrong with `bad` (in the test name). */
  defect: string;
  bad: Make;
  /** The entry the finding names; null when it is about the artifact as a whole; omitted when not asserted. */
  file?: string | null;
  /** What `clean` is (in the test name). */
  twin: string;
  clean: Make;
  /** Archive limits for both audits (only the archive checks whose defaults are huge). */
  limits?: Partial<ArchiveLimits>;
}

const dir = mkdtempSync(join(tmpdir(), 'distaudit-e2e-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));
let counter = 0;

/** Writes the artifact (each in its own directory, under its own file name) and audits it. */
export async function auditMade(make: Make, limits?: Partial<ArchiveLimits>): Promise<Report> {
  const artifact = await make();
  const sub = join(dir, String(counter++));
  mkdirSync(sub);
  const path = join(sub, basename(artifact.filename));
  writeFileSync(path, artifact.bytes);
  return auditFile(path, limits ? { limits } : {});
}

export const summary = (r: Report) => JSON.stringify(r.findings.map((f) => `${f.check} ${f.file ?? '-'}: ${f.message}`), null, 1);

/** What holds for any report: one of these kinds, the check ran, no rule failed, findings name only the report's targets. */
export function assertSane(r: Report, check: string, kinds: readonly ArtifactKind[]): void {
  assert.ok(r.artifact.kind !== null && kinds.includes(r.artifact.kind), `kind ${r.artifact.kind}`);
  assert.ok(r.checksRun.includes(check), `${check} was not run`);
  assert.deepEqual(r.findings.filter((f) => f.check === 'audit.internal-error'), [], summary(r));
  const ids = new Set(r.targets.map((t) => t.id));
  for (const f of r.findings) for (const t of f.targets) assert.ok(ids.has(t), `${f.check} names target ${t}, not among ${[...ids].join(', ')}`);
}

/** Two tests per case: the check fires on the defect (naming the culprit entry), and stays silent on the twin. */
export function testCheckTable(cases: readonly CheckCase[], kinds: readonly ArtifactKind[]): void {
  for (const c of cases) {
    test(`${c.check} fires: ${c.defect}`, async () => {
      const r = await auditMade(c.bad, c.limits);
      assertSane(r, c.check, kinds);
      const hits = r.findings.filter((f) => f.check === c.check);
      assert.ok(hits.length > 0, `no ${c.check} finding; got ${summary(r)}`);
      if (c.file !== undefined) {
        assert.ok(hits.some((f) => f.file === c.file), `no ${c.check} finding names ${c.file}; got ${summary(r)}`);
      }
    });
    test(`${c.check} stays silent on the clean twin: ${c.twin}`, async () => {
      const r = await auditMade(c.clean, c.limits);
      assertSane(r, c.check, kinds);
      assert.deepEqual(r.findings.filter((f) => f.check === c.check), [], summary(r));
    });
  }
}

/** A test that fails when a check of the rules for these kinds has no case (or two), beside those `elsewhere` covers. */
export function testTableCovers(what: string, cases: readonly CheckCase[], kinds: readonly ArtifactKind[], elsewhere: readonly string[] = []): void {
  test(`the table covers exactly the checks of the rules that apply to ${what}, each once`, () => {
    const tableIds = cases.map((c) => c.check);
    assert.deepEqual(tableIds.filter((id, i) => tableIds.indexOf(id) !== i), [], 'a check with two cases');
    const ids = [...new Set(RULES.filter((r) => kinds.some((k) => r.kinds.includes(k))).flatMap((r) => r.checks.map((c) => c.id)))];
    for (const id of elsewhere) assert.ok(ids.includes(id), `${id} is covered elsewhere but no rule for ${what} has it`);
    assert.deepEqual([...tableIds, ...elsewhere].sort(), ids.sort());
  });
}
