/**
 * The real-world corpus: every binary listed in test/corpus/npm.json, fetched
 * with `npm pack` (sha256 verified, cached), must parse to the listed format,
 * architecture, libc, needed libraries / imports, highest GLIBC and GLIBCXX
 * versions, RPATH/RUNPATH, macOS minimum and signature kind. A contradiction
 * is a bug in distaudit until an independent tool shows the fact is wrong.
 *
 * The addon facts (addon kind, minimum N-API level, NODE_MODULE_VERSION,
 * runtime) are checked through the whole pipeline: each tarball is audited by
 * `auditFile` as `distaudit audit` would, and the report's Node addon facts
 * of each listed binary must be the listed ones.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { bytesSource } from '../src/binary/source.ts';
import { parseBinary } from '../src/binary/index.ts';
import { describe, type BinaryFacts } from '../src/binary/describe.ts';
import { auditFile } from '../src/audit/audit.ts';
import type { Report } from '../src/report/schema.ts';
import { fetchNpm, npmCorpus, readTgzMembers, sharedCorpusCopy, type CorpusArtifact, type CorpusBinaryFacts } from './support/corpus.ts';
import { repoRoot } from './support/fixture-builder.ts';

const ADDON_FACTS = ['addon', 'min_napi', 'node_module_version', 'runtime'] as const;

function uniqueSorted(xs: string[]): string[] {
  return [...new Set(xs)].sort();
}

/** Compares one binary's Node addon facts in an audit report with the corpus's; returns how many were checked. */
function checkAddon(expected: CorpusBinaryFacts, report: Report, where: string): number {
  const bin = report.binaries.find((b) => b.path === expected.path);
  assert.ok(bin, `${where}: not among the audited binaries`);
  const node = bin.node ?? null;
  let n = 0;
  if (expected.addon !== undefined) {
    const kind = /resolved at run time/.test(expected.addon) ? 'napi-dynamic' : expected.addon;
    assert.equal(node?.kind, kind, `${where}: addon kind`);
    n++;
  }
  if (expected.min_napi !== undefined) {
    assert.equal(node?.minNapi, expected.min_napi, `${where}: minimum N-API level`);
    n++;
  }
  if (expected.node_module_version !== undefined) {
    assert.equal(node?.moduleVersion, expected.node_module_version, `${where}: NODE_MODULE_VERSION`);
    n++;
  }
  if (expected.runtime !== undefined) {
    assert.ok(node?.runtimes.some((r) => r.runtime === expected.runtime), `${where}: runtime ${expected.runtime}`);
    n++;
  }
  // The binary facts the rules judged, as the report carries them.
  const f = bin.facts.length === 1 ? bin.facts[0] : bin.facts.find((s) => s.arch === expected.arch);
  if (expected.libc) {
    assert.equal(f?.libc, expected.libc, `${where}: libc in the report`);
    n++;
  }
  if (expected.max_glibc) {
    assert.equal(f?.versionFloors.GLIBC, expected.max_glibc, `${where}: highest GLIBC version in the report`);
    n++;
  }
  return n;
}

const NPM_CPU: Record<string, string> = { x64: 'x86_64', arm64: 'arm64', ia32: 'i386', arm: 'arm' };

/** The package.json claims (os, cpu, libc) as the report's targets: every target is that platform. */
function checkClaims(claims: NonNullable<CorpusArtifact['claims']>, report: Report, where: string): number {
  assert.ok(report.targets.length > 0, `${where}: no target`);
  for (const t of report.targets) {
    assert.equal(t.os, claims.os === 'darwin' ? 'macos' : claims.os === 'win32' ? 'windows' : claims.os, `${where}: target ${t.id} os`);
    assert.equal(t.arch, NPM_CPU[claims.cpu] ?? claims.cpu, `${where}: target ${t.id} arch`);
    if (claims.libc) assert.equal(t.libc?.kind, claims.libc, `${where}: target ${t.id} libc`);
  }
  return claims.libc ? 3 : 2;
}

/** Compares one binary's facts; returns how many facts were checked and how many addon facts the audit checks instead. */
function check(expected: CorpusBinaryFacts, slices: BinaryFacts[], where: string): { checked: number; deferred: number } {
  const f = slices.length === 1 ? slices[0] : slices.find((s) => s.arch === expected.arch);
  assert.ok(f, `${where}: no slice for ${expected.arch} (have ${slices.map((s) => s.arch).join(', ')})`);
  let checked = 0;
  const eq = (actual: unknown, wanted: unknown, what: string) => {
    assert.deepEqual(actual, wanted, `${where}: ${what}`);
    checked++;
  };
  eq(f.format, expected.format, 'format');
  eq(f.arch, expected.arch, 'arch');
  if (expected.libc) eq(f.libc, expected.libc, 'libc');
  // DT_NEEDED order is the loader's search order: exact. The corpus lists Mach-O
  // dylibs sorted, not in load-command order (llvm-objdump --dylibs-used agrees
  // with our order), so those compare as sets.
  if (expected.needed && f.format === 'elf') eq(f.needed, expected.needed, 'needed libraries (in DT_NEEDED order)');
  else if (expected.needed) eq(uniqueSorted(f.needed), uniqueSorted(expected.needed), 'needed libraries');
  if (expected.imports) eq(uniqueSorted(f.needed), uniqueSorted(expected.imports), 'imported DLLs (imports + delay imports)');
  if (expected.max_glibc) eq(f.versionFloors.GLIBC, expected.max_glibc, 'highest GLIBC version');
  if (expected.max_glibcxx) eq(f.versionFloors.GLIBCXX, expected.max_glibcxx, 'highest GLIBCXX version');
  if (expected.runpath_or_rpath) eq([...f.rpath, ...f.runpath], [expected.runpath_or_rpath], 'RPATH/RUNPATH');
  if (expected.macos_min) eq(f.minOs?.version, expected.macos_min, 'macOS minimum');
  if (expected.signature) eq(f.signature, expected.signature, 'signature kind');
  return { checked, deferred: ADDON_FACTS.filter((k) => expected[k] !== undefined).length };
}

test('the repository copy of the npm corpus matches the shared corpus', (t) => {
  const shared = sharedCorpusCopy('npm.json');
  if (!shared) {
    t.diagnostic('no ../shared/corpus beside this checkout (CI): using the repository copy test/corpus/npm.json');
    return;
  }
  assert.equal(readFileSync(`${repoRoot}/test/corpus/npm.json`, 'utf8'), readFileSync(shared, 'utf8'), 'test/corpus/npm.json is stale: copy ../shared/corpus/npm.json over it');
});

test('every binary in the npm corpus parses to its listed facts', async (t) => {
  let binaries = 0;
  let facts = 0;
  let deferred = 0;
  for (const artifact of npmCorpus()) {
    const tgz = fetchNpm(artifact);
    const members = await readTgzMembers(tgz, new Set(artifact.binaries.map((b) => b.path)));
    for (const expected of artifact.binaries) {
      const where = `${artifact.spec} ${expected.path}`;
      const bytes = members.get(expected.path);
      assert.ok(bytes, `${where}: not in the tarball`);
      const parsed = parseBinary(bytesSource(bytes));
      assert.ok(parsed, `${where}: not recognised as a native binary`);
      const r = check(expected, describe(parsed), where);
      binaries++;
      facts += r.checked;
      deferred += r.deferred;
    }
  }
  const msg = `npm corpus: ${binaries} binaries in ${npmCorpus().length} artifacts, ${facts} facts equal; ${deferred} addon facts (N-API / module ABI) are checked through the audit below`;
  t.diagnostic(msg);
  assert.ok(binaries > 0);
});

test('every addon fact, libc, glibc floor and package claim of the npm corpus is what the audit of its tarball reports', async (t) => {
  let checked = 0;
  let listed = 0;
  for (const artifact of npmCorpus()) {
    const report = await auditFile(fetchNpm(artifact));
    assert.ok(report.artifact.kind === 'npm', `${artifact.spec}: audited as an npm package`);
    assert.deepEqual(report.findings.filter((f) => f.check === 'audit.internal-error' || f.check.startsWith('archive.')), [], `${artifact.spec}: a clean tarball, every rule completed`);
    for (const expected of artifact.binaries) {
      checked += checkAddon(expected, report, `${artifact.spec} ${expected.path}`);
      listed += [...ADDON_FACTS, 'libc' as const, 'max_glibc' as const].filter((k) => expected[k] !== undefined).length;
    }
    if (artifact.claims) {
      checked += checkClaims(artifact.claims, report, artifact.spec);
      listed += artifact.claims.libc ? 3 : 2;
    }
  }
  t.diagnostic(`npm corpus: ${checked} facts (addon kind, minimum N-API, NODE_MODULE_VERSION, runtime, libc, GLIBC floor, package.json os/cpu/libc as targets) equal in the audit reports`);
  assert.equal(checked, listed);
  assert.ok(checked > 0);
});
