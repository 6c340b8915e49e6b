/**
 * The differential run on real npm packages with native addons
 * (test/corpus/npm-prebuilds.json, recorded by
 * scripts/corpus/npm-prebuild-facts.ts): every corpus package is fetched
 * (pinned tarball sha256, cached), audited end to end, and compared with what
 * tools independent of distaudit recorded:
 *
 * - Python tarfile: the native binaries (by magic bytes; path, sha256);
 * - readelf / llvm-readobj / llvm-objdump per binary (see
 *   test/support/native-compare.ts);
 * - per .node: the addon kind, the N-API imports (nm / llvm-nm /
 *   llvm-readobj with PE delay imports) and their highest version by
 *   node-api-headers' table, the declared version read from llvm-objdump's
 *   disassembly of node_api_module_get_api_version_v1, the registration
 *   exports and imports, and for dyn-symbols builds the N-API names in the
 *   strings;
 * - package.json as written: name, version, engines.node, the pinned
 *   platform packages, and the targets its os / cpu / libc fields or its
 *   prebuilds/ directory names claim; a binary fetched at install when the
 *   tarball has none;
 * - the glibc and macOS floors the tools read against the targets distaudit
 *   gives each binary.
 *
 * Every disagreement is listed in DISAGREEMENTS with the reason; an unlisted
 * one fails, and so does a listed one that no longer happens. Then the
 * coverage matrix of the @napi-rs/canvas release (root + platform packages).
 */
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { auditFile } from '../src/audit/audit.ts';
import type { AuditContext, Rule } from '../src/audit/types.ts';
import { RULES } from '../src/rules/index.ts';
import { auditRelease } from '../src/release/release.ts';
import { renderReleaseText } from '../src/release/render.ts';
import type { Report } from '../src/report/schema.ts';
import { fetchNpm } from './support/corpus.ts';
import { readNpmPrebuildCorpus, type NapiFacts, type NpmPrebuildBinary, type NpmPrebuildPackage } from './support/npm-prebuilds.ts';
import {
  compareFloors,
  compareNative,
  compareTargetArches,
  Ledger,
  sorted,
  targetFloor,
  toolArches,
  type Disagreement,
  type TargetFloor,
} from './support/native-compare.ts';

const DISAGREEMENTS: Disagreement[] = [];

// ---------------------------------------------------------------------------
// Independent readings of the recorded facts

const require = createRequire(import.meta.url);

/** node-api-headers' symbols table: name → the first N-API version that has it. */
const NAPI_TABLE: Map<string, number> = (() => {
  const symbols = (require('node-api-headers') as { symbols: Record<string, { js_native_api_symbols: string[]; node_api_symbols: string[] }> }).symbols;
  const out = new Map<string, number>();
  for (const [key, v] of Object.entries(symbols)) {
    const version = Number(key.replace(/^v/, ''));
    for (const name of [...v.js_native_api_symbols, ...v.node_api_symbols]) out.set(name, Math.min(version, out.get(name) ?? Infinity));
  }
  return out;
})();

/** The addon kind by the rule of reference/notes/node-addons-and-jars.md §1.2–1.3, from the tool facts. */
function toolKind(n: NapiFacts): string | null {
  if (n.nodeRegisterExports.length > 0 || (n.v8Imports > 0 && n.imports.length === 0)) return 'v8';
  if (n.imports.length > 0) return 'napi';
  if (n.exportsRegisterModule) return 'napi-dynamic';
  return null;
}

const NPM_OS: Record<string, string> = { linux: 'linux', darwin: 'macos', win32: 'windows', android: 'android', freebsd: 'freebsd' };
const NPM_CPU: Record<string, string> = { x64: 'x86_64', arm64: 'arm64', ia32: 'i386', arm: 'arm', riscv64: 'riscv64', s390x: 's390x', ppc64: 'ppc64le' };

/**
 * The platforms a package claims, from its own words: package.json os / cpu /
 * libc (a per-platform package), or the prebuilds/ tree as node-gyp-build
 * reads it: `<platform>-<arch>[+<arch>...]/<name>.<tags>.node`, where a `musl`
 * or `glibc` tag picks that libc and an untagged Linux build serves both.
 * As `os-arch[-libc]`.
 */
function claimedPlatforms(p: NpmPrebuildPackage): string[] {
  const out = new Set<string>();
  const libcs = (os: string, tags: string[]) => (os !== 'linux' ? [null] : tags.includes('musl') ? ['musl'] : tags.includes('glibc') ? ['glibc'] : ['glibc', 'musl']);
  for (const f of p.prebuilds) {
    const m = /^[^/]+\/prebuilds\/([a-z0-9]+)-([a-z0-9+]+)\/([^/]+)\.node$/.exec(f);
    if (!m) continue;
    const os = NPM_OS[m[1]!] ?? m[1]!;
    for (const cpu of m[2]!.split('+')) {
      for (const libc of os === 'android' ? ['bionic'] : libcs(os, m[3]!.split('.'))) out.add([os, NPM_CPU[cpu] ?? cpu, ...(libc ? [libc] : [])].join('-'));
    }
  }
  const pj = p.packageJson;
  if (p.prebuilds.length === 0 && pj.os && pj.cpu && p.binaries.length > 0) {
    for (const o of pj.os) {
      const os = NPM_OS[o] ?? o;
      for (const cpu of pj.cpu) for (const libc of os === 'linux' ? (pj.libc ?? ['glibc', 'musl']) : [null]) out.add([os, NPM_CPU[cpu] ?? cpu, ...(libc ? [libc] : [])].join('-'));
    }
  }
  return sorted(out);
}

/** The tarball has no binary, and package.json says it comes at install: node-pre-gyp's `binary` host, or prebuild-install. */
function fetchedAtInstall(p: NpmPrebuildPackage): boolean {
  return p.binaries.length === 0 && (typeof p.packageJson.binary?.host === 'string' || /prebuild-install/.test(p.packageJson.installScript ?? ''));
}

// ---------------------------------------------------------------------------
// What the audit computes beside its report

function captureRule(into: Map<string, TargetFloor[]>): Rule {
  return {
    name: 'corpus-capture',
    kinds: ['npm'],
    checks: [],
    run(ctx: AuditContext) {
      for (const b of ctx.binaries) into.set(b.path, ctx.targetsOf(b).map(targetFloor));
    },
  };
}

// ---------------------------------------------------------------------------
// Comparisons

function compareAddon(l: Ledger, p: NpmPrebuildPackage, b: NpmPrebuildBinary, report: Report): void {
  const n = b.napi!;
  const node = report.binaries.find((x) => x.path === b.path)?.node ?? null;
  const c = (tool: string, what: string, ours: unknown, theirs: unknown) => l.compare(p.spec, tool, `${b.path}: ${what}`, ours, theirs);
  c('nm', 'addon kind', node?.kind ?? null, toolKind(n));
  if (!node) return;
  const slices = node.slices;
  c('node-api-headers', 'minimum N-API (imports)', node.minNapi, n.minVersion);
  c('nm', 'N-API imports outside the table', sorted(node.experimentalImports), n.unknown);
  c('nm', 'N-API imports (count, highest over slices)', Math.max(...slices.map((s) => s.napiImports)), n.imports.length);
  c('llvm-objdump', 'declared N-API (node_api_module_get_api_version_v1)', node.declaredNapi, n.declaredVersion);
  c('nm', 'exports napi_register_module_v1', slices.some((s) => s.registration.napiRegisterModuleExport), n.exportsRegisterModule);
  c('nm', 'imports napi_module_register', slices.some((s) => s.registration.napiModuleRegisterImport), n.importsModuleRegister);
  c('nm', 'V8 / node C++ imports', Math.max(...slices.map((s) => s.v8Imports)), n.v8Imports);
  c('nm', 'exported node_register_module_v<N>', sorted(slices.flatMap((s) => (s.registration.nodeRegisterModuleExport ? [s.registration.nodeRegisterModuleExport] : []))), n.nodeRegisterExports);
  if (n.peSources) {
    c('llvm-readobj', 'N-API delay imports', slices.reduce((k, s) => k + s.napiDelayImports, 0), n.peSources.filter((x) => x.delay).reduce((k, x) => k + x.count, 0));
    c('llvm-readobj', 'DLLs the N-API imports come from', sorted(new Set(slices.flatMap((s) => s.napiLibraries))), sorted(new Set(n.peSources.map((x) => x.dll))));
  }
  if (n.napiNameStrings) {
    const known = n.napiNameStrings.filter((s) => NAPI_TABLE.has(s));
    const ceiling = known.length === 0 ? null : Math.max(...known.map((s) => NAPI_TABLE.get(s)!));
    c('strings', 'N-API ceiling of a run-time-resolved build (names in its strings)', node.dynamicNapiCeiling, ceiling);
  }
}

function comparePackage(l: Ledger, p: NpmPrebuildPackage, report: Report, targetsOf: Map<string, TargetFloor[]>): void {
  const c = (tool: string, field: string, ours: unknown, theirs: unknown) => l.compare(p.spec, tool, field, ours, theirs);
  c('tarfile', 'native binaries (path, sha256)', sorted(report.binaries.map((b) => `${b.path} ${b.sha256}`)), sorted(p.binaries.map((b) => `${b.path} ${b.sha256}`)));
  c('package.json', 'name, version', [report.npm?.name, report.npm?.version], [p.packageJson.name, p.packageJson.version]);
  c('package.json', 'engines.node', report.npm?.engines ?? null, p.packageJson.engines?.node ?? null);
  c('package.json', 'pinned platform packages (optionalDependencies)', report.npm?.platformPackages ?? {}, p.packageJson.optionalDependencies ?? {});
  c('package.json', 'claimed platforms (os / cpu / libc, prebuilds/ names)', sorted(new Set(report.targets.map((t) => [t.os, t.arch, ...(t.libc ? [t.libc.kind] : [])].join('-')))), claimedPlatforms(p));
  c('package.json', 'binary fetched at install (npm.binary-downloaded-at-install)', report.findings.some((f) => f.check === 'npm.binary-downloaded-at-install'), fetchedAtInstall(p));
  const byPath = new Map(report.binaries.map((b) => [b.path, b.facts]));
  for (const b of p.binaries) {
    const facts = byPath.get(b.path);
    if (!facts) continue; // counted above
    compareNative(l, p.spec, b, facts);
    if (b.napi) compareAddon(l, p, b, report);
    const targets = targetsOf.get(b.path) ?? [];
    compareFloors(l, p.spec, b, targets, report.findings);
    if (b.napi) compareTargetArches(l, p.spec, b, targets);
  }
}

// ---------------------------------------------------------------------------

test('the npm prebuild corpus: distaudit agrees with tarfile, readelf, llvm-readobj, llvm-objdump, nm and node-api-headers, or the disagreement is listed with its reason', async (t) => {
  const corpus = readNpmPrebuildCorpus();
  const ledger = new Ledger(DISAGREEMENTS);
  for (const p of corpus.packages) {
    const targetsOf = new Map<string, TargetFloor[]>();
    const report = await auditFile(fetchNpm({ spec: p.spec, sha256: p.sha256, binaries: [] }), { rules: [...RULES, captureRule(targetsOf)] });
    assert.equal(report.artifact.sha256, p.sha256, `${p.spec}: the audit read other bytes than the corpus pins`);
    assert.equal(report.artifact.kind, 'npm', p.spec);
    comparePackage(ledger, p, report, targetsOf);
  }
  const addons = corpus.packages.flatMap((p) => p.binaries.filter((b) => b.napi));
  t.diagnostic(
    `npm prebuild corpus: ${corpus.packages.length} packages, ${corpus.packages.reduce((n, p) => n + p.binaries.length, 0)} binaries (${addons.length} addons): ` +
      `${ledger.agreed} facts agree, ${ledger.listed.length} listed disagreements (${ledger.listed.filter((d) => d.bug).length} distaudit bugs), ${ledger.unlisted.length} unlisted`,
  );
  ledger.assertExact((line) => t.diagnostic(line));
});

test('distaudit bugs the npm prebuild corpus shows', { todo: DISAGREEMENTS.some((d) => d.bug) ? 'listed in DISAGREEMENTS with bug: true' : false }, () => {
  const bugs = DISAGREEMENTS.filter((d) => d.bug);
  assert.deepEqual(bugs.map((d) => `${d.artifact} ${d.field}`), [], bugs.map((d) => d.reason).join('\n'));
});

test('coverage matrix of the @napi-rs/canvas release (root + platform packages)', async (t) => {
  const corpus = readNpmPrebuildCorpus();
  const rel = corpus.releases.find((r) => r.name.startsWith('@napi-rs/canvas '));
  assert.ok(rel, 'the corpus names the @napi-rs/canvas release');
  const packages = rel.specs.map((s) => corpus.packages.find((p) => p.spec === s)!);
  // Under the names `npm pack` gives them (the cache names tarballs by sha256), so the matrix reads.
  const dir = mkdtempSync(join(tmpdir(), 'distaudit-release-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const files = packages.map((p) => {
    const file = join(dir, `${p.packageJson.name.replace(/^@/, '').replace('/', '-')}-${p.packageJson.version}.tgz`);
    symlinkSync(fetchNpm({ spec: p.spec, sha256: p.sha256, binaries: [] }), file);
    return file;
  });
  const r = await auditRelease(files);
  // The release part alone, one diagnostic per line: the spec reporter shows only the first line of each.
  for (const line of [`${rel.name}:`, ...renderReleaseText({ ...r, artifacts: [] }).trimEnd().split('\n')]) t.diagnostic(line);

  // The root claims no platform; each platform package covers what its package.json and its binary say.
  packages.forEach((p, col) => {
    const covered = r.matrix.platforms.filter((_, row) => r.matrix.cells[row]![col] !== null);
    assert.deepEqual(covered, claimedPlatforms(p), `${p.spec}: its column`);
    const arches = new Set(p.binaries.flatMap(toolArches));
    for (const platform of covered) assert.ok(arches.has(platform.split('-')[1]!), `${p.spec} covers ${platform}, but its binary is ${[...arches].join(', ')}`);
  });
  // The platform packages the root pins but the release lacks are named, each at its pinned version.
  const root = packages[0]!;
  const present = new Set(packages.map((p) => p.packageJson.name));
  const expected = Object.entries(root.packageJson.optionalDependencies ?? {}).filter(([name]) => !present.has(name)).map(([name, v]) => `${name}@${v}`);
  const named = r.findings.filter((f) => f.check === 'release.missing-package').map((f) => `${String(f.evidence.package)}@${String(f.evidence.pinned)}`);
  assert.deepEqual(sorted(named), sorted(expected));
  assert.deepEqual(r.findings.filter((f) => f.check === 'release.pin-mismatch' || f.check === 'release.version-skew'), [], 'every package is at the version the root pins');
});

test('the npm prebuild corpus spans what the Node addon audit must handle', () => {
  const { packages, releases, about } = readNpmPrebuildCorpus();
  assert.ok(packages.length >= 8, `${packages.length} packages`);
  const names = new Set(packages.map((p) => p.packageJson.name));
  for (const n of ['classic-level', 'better-sqlite3', '@napi-rs/canvas', 'sharp', '@img/sharp-linux-x64', 'bcrypt']) assert.ok(names.has(n), `no ${n}`);
  assert.ok(packages.filter((p) => p.packageJson.name.startsWith('@napi-rs/canvas-')).length >= 3, 'at least three @napi-rs/canvas platform packages');
  const addons = packages.flatMap((p) => p.binaries.filter((b) => b.napi));
  for (const f of ['elf', 'macho', 'macho-fat', 'pe']) assert.ok(addons.some((b) => b.format === f), `no ${f} addon`);
  assert.ok(addons.some((b) => b.napi!.peSources?.some((s) => s.delay)), 'a PE addon with N-API delay imports');
  assert.ok(addons.some((b) => b.napi!.imports.length === 0 && b.napi!.exportsRegisterModule), 'a run-time-resolved (dyn-symbols) addon');
  assert.ok(addons.some((b) => b.napi!.declaredVersion !== null && b.napi!.minVersion !== null && b.napi!.declaredVersion > b.napi!.minVersion), 'an addon declaring more than its imports need');
  assert.ok(addons.some((b) => b.libc === 'musl') && addons.some((b) => b.libc === 'glibc') && addons.some((b) => b.libc === 'bionic'), 'musl, glibc and bionic addons');
  assert.ok(packages.some(fetchedAtInstall), 'a package whose binary is fetched at install');
  assert.ok(releases.length >= 1);
  for (const p of packages) assert.match(p.sha256, /^[0-9a-f]{64}$/, p.spec);
  assert.ok(about.tools['node-api-headers'] && about.tools['llvm-objdump'], 'tool versions recorded');
});
