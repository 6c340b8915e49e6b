/**
 * The differential run on real JARs from Maven Central
 * (test/corpus/maven-jars.json, recorded by scripts/corpus/jar-facts.ts):
 * every corpus JAR is fetched (pinned sha256, cached), audited end to end, and
 * the audit is compared with what tools independent of distaudit recorded:
 *
 * - Python zipfile: the native libraries (by magic bytes; path, sha256) and
 *   the nested JARs read one level deep;
 * - `jar tf`: each archive's class files (count and list);
 * - readelf / llvm-readobj (ELF: machine, class, byte order, NEEDED, SONAME,
 *   RPATH, RUNPATH, highest GLIBC/GLIBCXX/CXXABI/GCC, executable stack, libc
 *   by the corpus's rule), llvm-objdump (Mach-O per slice), llvm-readobj (PE
 *   imports and delay imports);
 * - nm / llvm-nm / llvm-readobj --coff-exports with the script's own JNI name
 *   decoding: the classes the Java_ exports bind, their count, JNI_OnLoad,
 *   and the findings that follow (classes absent from the JAR, libraries with
 *   no entry point, names no JVM looks up);
 * - the script's own manifest reading: Bundle-NativeCode clauses and the
 *   paths that name no entry;
 * - the known defects of published JARs (the corpus states them and checks
 *   them against the tool facts): each must produce its finding, and no file
 *   the facts show well placed may get an architecture finding;
 * - the glibc and macOS floors the tools read against the targets distaudit
 *   gives each binary.
 *
 * Every disagreement is listed in DISAGREEMENTS with the reason; an unlisted
 * one fails, and so does a listed one that no longer happens (the list stays
 * exact). Those whose reason is a distaudit bug are marked `bug` and shown as
 * a TODO test, so they stay visible until fixed.
 *
 * Then the coverage matrix of the classifier-JAR releases (netty epoll,
 * netty-tcnative) from auditRelease.
 */
import { createHash } from 'node:crypto';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { auditFile } from '../src/audit/audit.ts';
import type { AuditContext, Finding, Rule } from '../src/audit/types.ts';
import { RULES } from '../src/rules/index.ts';
import { binaryJniBindings, JNI_SYMBOL } from '../src/artifact/jar/jni.ts';
import { auditRelease } from '../src/release/release.ts';
import { renderReleaseText } from '../src/release/render.ts';
import type { Report } from '../src/report/schema.ts';
import { fetchMaven, readMavenCorpus, type JarCorpusJar, type JarCorpusNative } from './support/maven.ts';
import { compareFloors, compareNative, compareTargetArches, Ledger, sorted, targetFloor, toolArches, type Disagreement, type TargetFloor } from './support/native-compare.ts';

// None today: the riscv32/mips64el glibc floors and zipkin's 0o177777 directories, once listed here, are fixed.
const DISAGREEMENTS: Disagreement[] = [];

// ---------------------------------------------------------------------------
// What the audit computes beside its report (captured by an extra rule)


interface CapturedJni {
  classes: string[];
  javaExports: number;
  jniOnLoad: boolean;
}

interface Captured {
  targetsOf: Map<string, TargetFloor[]>;
  jni: Map<string, CapturedJni>;
  /** Per archive ('' or the nested path): its class file entries, sorted. */
  classFiles: Map<string, string[]>;
  bundleNativeCode: Map<string, { paths: string[]; osname: string[]; processor: string[] }[] | null>;
  bundleOptional: Map<string, boolean>;
  deeperJars: string[];
}

function captureRule(into: Captured): Rule {
  return {
    name: 'corpus-capture',
    kinds: ['jar'],
    checks: [],
    definedSymbols: JNI_SYMBOL,
    run(ctx: AuditContext) {
      if (ctx.artifact.kind !== 'jar') return;
      const jar = ctx.artifact.jar;
      for (const b of ctx.binaries) {
        into.targetsOf.set(b.path, ctx.targetsOf(b).map(targetFloor));
        const slices = binaryJniBindings(b.parsed);
        const symbols = new Set(slices.flatMap((s) => s.bindings.methods.filter((m) => m.kind === 'method').map((m) => m.symbol.replace(/^_/, '').replace(/@\d+$/, ''))));
        into.jni.set(b.path, {
          classes: sorted(new Set(slices.flatMap((s) => s.bindings.methods.filter((m) => m.kind === 'method').map((m) => m.className)))),
          javaExports: symbols.size,
          jniOnLoad: slices.some((s) => s.bindings.lifecycle.some((l) => l.kind === 'onload' && l.library === null)),
        });
      }
      for (const a of jar.archives) {
        into.classFiles.set(a.path, sorted(a.files.filter((f) => f.endsWith('.class'))));
        const nc = a.manifest?.bundleNativeCode ?? null;
        into.bundleNativeCode.set(
          a.path,
          nc && nc.clauses.map((c) => ({ paths: c.paths.map((p) => p.replace(/^\/+/, '')), osname: c.osnames.map((o) => o.value), processor: c.processors.map((p) => p.value) })),
        );
        if (nc) into.bundleOptional.set(a.path, nc.optional);
      }
      into.deeperJars = [...jar.deeperJars];
    },
  };
}

function emptyCapture(): Captured {
  return { targetsOf: new Map(), jni: new Map(), classFiles: new Map(), bundleNativeCode: new Map(), bundleOptional: new Map(), deeperJars: [] };
}

// ---------------------------------------------------------------------------
// Comparisons

function findingsOn(report: Report, file: string, checks: readonly string[]): Finding[] {
  return report.findings.filter((f) => f.file === file && checks.includes(f.check));
}

function compareInventory(l: Ledger, j: JarCorpusJar, report: Report, cap: Captured): void {
  const c = (tool: string, field: string, ours: unknown, theirs: unknown) => l.compare(j.coordinates, tool, field, ours, theirs);
  c('zipfile', 'native binaries (path, sha256)', sorted(report.binaries.map((b) => `${b.path} ${b.sha256}`)), sorted(j.natives.map((n) => `${n.path} ${n.sha256}`)));
  c('zipfile', 'nested JARs read', sorted(report.jar?.nestedJars ?? []), sorted(j.archives.slice(1).map((a) => a.path)));
  c('zipfile', 'JARs nested deeper (not read)', sorted(cap.deeperJars), sorted(j.deeperJars));
  for (const a of j.archives) {
    const ours = cap.classFiles.get(a.path) ?? [];
    c('jar tf', `${a.path || '(the JAR)'}: class files`, ours.length, a.classFiles);
    c('jar tf', `${a.path || '(the JAR)'}: class file list (sha256)`, createHash('sha256').update(ours.join('\n')).digest('hex'), a.classListSha256);
  }
  const [g, art] = j.coordinates.split(':');
  if (j.archives[0]?.pomProperties.includes(`META-INF/maven/${g}/${art}/pom.properties`)) c('coordinates', 'name (pom.properties)', report.jar?.name, `${g}:${art}`);
  compareStructure(l, j, report);
}

const STRUCTURE_CHECKS = ['archive.leading-data', 'archive.duplicate-entry', 'archive.overlapping-entries', 'archive.hidden-data', 'archive.special-file'];

/** The zip layout zipfile reads vs the archive.* findings; any other archive error has no counterpart in the tools' reading. */
function compareStructure(l: Ledger, j: JarCorpusJar, report: Report): void {
  const c = (field: string, ours: unknown, theirs: unknown) => l.compare(j.coordinates, 'zipfile', field, ours, theirs);
  const entryNames = (check: string, prefix: string) =>
    sorted(new Set(report.findings.filter((f) => f.check === check && f.file !== null && f.file.startsWith(prefix) && !f.file.slice(prefix.length).includes('!/')).map((f) => f.file!.slice(prefix.length))));
  c('bytes before the first local header (archive.leading-data)', report.findings.some((f) => f.check === 'archive.leading-data'), j.archives[0]!.structure.leadingBytes > 0);
  for (const a of j.archives) {
    const where = a.path || '(the JAR)';
    const prefix = a.path ? `${a.path}!/` : '';
    const s = a.structure;
    c(`${where}: names listed twice (archive.duplicate-entry)`, entryNames('archive.duplicate-entry', prefix), s.duplicateNames);
    c(`${where}: records sharing a local header (archive.overlapping-entries)`, entryNames('archive.overlapping-entries', prefix), s.sharedLocalHeaders);
    const nested = new Set(j.archives.slice(1).map((x) => x.path));
    const hidden = report.findings.filter(
      (f) => f.check === 'archive.hidden-data' && (a.path ? f.file === a.path || f.file?.startsWith(prefix) : f.file === null || (!f.file.includes('!/') && !nested.has(f.file))),
    ).length;
    c(`${where}: bytes no header accounts for (archive.hidden-data)`, hidden > 0, s.hiddenData.length > 0);
  }
  const dirs = new Set(j.archives.flatMap((a) => a.structure.directoriesWithOtherModes.map((d) => (a.path ? `${a.path}!/${d.name}` : d.name))));
  c(
    'directories (name ending in "/") read as special files (archive.special-file)',
    sorted(new Set(report.findings.filter((f) => f.check === 'archive.special-file' && f.file !== null && dirs.has(f.file)).map((f) => f.file!))),
    [],
  );
  const others = sorted(new Set(report.findings.filter((f) => f.check.startsWith('archive.') && f.severity === 'error' && !STRUCTURE_CHECKS.includes(f.check)).map((f) => f.check)));
  c('other archive errors (zipfile and jar tf read every entry)', others, []);
}

function compareBinaries(l: Ledger, j: JarCorpusJar, report: Report): void {
  const byPath = new Map(report.binaries.map((b) => [b.path, b.facts]));
  for (const n of j.natives) {
    const facts = byPath.get(n.path);
    if (facts) compareNative(l, j.coordinates, n, facts); // a missing one is counted in the inventory
  }
}

/** The stored spellings no JVM looks up: a stdcall `@N` without MSVC's leading underscore (MinGW without --kill-at). */
function unbindableSpellings(n: JarCorpusNative): string[] {
  return Object.keys(n.jni.spellings).filter((s) => /^(Java_|JNI_On).*@N$/.test(s));
}

function compareJni(l: Ledger, j: JarCorpusJar, report: Report, cap: Captured): void {
  const c = (field: string, ours: unknown, theirs: unknown) => l.compare(j.coordinates, 'nm', field, ours, theirs);
  for (const n of j.natives) {
    const ours = cap.jni.get(n.path);
    if (!ours) continue;
    c(`${n.path}: Java_ export classes`, ours.classes, n.jni.classes);
    c(`${n.path}: Java_ exports`, ours.javaExports, n.jni.javaExports);
    c(`${n.path}: JNI_OnLoad`, ours.jniOnLoad, n.jni.jniOnLoad);
    const missing = findingsOn(report, n.path, ['jni.binding-without-class']).flatMap((f) => (Array.isArray(f.evidence.classes) ? (f.evidence.classes as string[]) : [String(f.evidence.class)]));
    c(`${n.path}: jni.binding-without-class classes`, sorted(new Set(missing)), n.jni.missingClasses);
    c(`${n.path}: jni.no-entry-points`, findingsOn(report, n.path, ['jni.no-entry-points']).length > 0, n.jni.javaExports === 0 && !n.jni.jniOnLoad);
    c(`${n.path}: jni.unbindable-export`, findingsOn(report, n.path, ['jni.unbindable-export']).length > 0, unbindableSpellings(n).length > 0);
  }
}

function compareManifest(l: Ledger, j: JarCorpusJar, report: Report, cap: Captured): void {
  const c = (field: string, ours: unknown, theirs: unknown) => l.compare(j.coordinates, 'manifest', field, ours, theirs);
  for (const a of j.archives) {
    const where = a.path || '(the JAR)';
    const theirs = a.bundleNativeCode?.clauses.map((cl) => ({ paths: cl.paths, osname: cl.parameters.osname ?? [], processor: cl.parameters.processor ?? [] })) ?? null;
    c(`${where}: Bundle-NativeCode clauses`, cap.bundleNativeCode.get(a.path) ?? null, theirs);
    if (a.bundleNativeCode) c(`${where}: Bundle-NativeCode optional (*)`, cap.bundleOptional.get(a.path), a.bundleNativeCode.optional);
    const missing = report.findings
      .filter((f) => f.check === 'jar.native-code-missing' && f.evidence.archive === a.path)
      .map((f) => String(f.evidence.path).replace(/^\/+/, ''));
    c(`${where}: Bundle-NativeCode paths with no entry (jar.native-code-missing)`, sorted(new Set(missing)), a.bundleNativeCode?.missing ?? []);
  }
}

const PLACEMENT_CHECKS = ['binary.arch-mismatch', 'jar.native-path-mismatch', 'jar.native-code-mismatch'];

/** The checks each kind of known defect must produce on its file. */
const DEFECT_CHECKS: Record<string, string[]> = {
  placement: PLACEMENT_CHECKS,
  'bundle-native-code': ['jar.native-code-missing', 'jar.native-code-mismatch'],
  'glibc-floor': ['elf.symbol-version-too-new'],
  jni: ['jni.no-entry-points', 'jni.binding-without-class', 'jni.unbindable-export'],
  stale: ['jar.native-code-unlisted'],
};

function compareDefects(l: Ledger, j: JarCorpusJar, report: Report): void {
  const c = (field: string, ours: unknown, theirs: unknown) => l.compare(j.coordinates, 'known defects', field, ours, theirs);
  for (const d of j.knownDefects) {
    const checks = DEFECT_CHECKS[d.kind]!;
    const found = d.path === null ? report.findings.filter((f) => checks.includes(f.check)) : findingsOn(report, d.path, checks);
    c(`${d.path ?? d.what}: a finding of ${checks.join(' / ')}`, found.length > 0, true);
  }
  // No file the tools show well placed may get an architecture finding.
  const placed = new Set(j.knownDefects.filter((d) => d.kind === 'placement' || d.kind === 'bundle-native-code').flatMap((d) => (d.path ? [d.path] : [])));
  for (const n of j.natives) {
    if (placed.has(n.path)) continue;
    const got = sorted(new Set(findingsOn(report, n.path, PLACEMENT_CHECKS).filter((f) => f.severity === 'error').map((f) => f.check)));
    c(`${n.path}: architecture findings`, got, []);
  }
}

/** Floors the tools read against the targets distaudit gives each binary (the known glibc-floor defects are judged above). */
function compareJarFloors(l: Ledger, j: JarCorpusJar, report: Report, cap: Captured): void {
  const judged = new Set(j.knownDefects.filter((d) => d.kind === 'glibc-floor').map((d) => d.path));
  for (const n of j.natives) if (!judged.has(n.path)) compareFloors(l, j.coordinates, n, cap.targetsOf.get(n.path) ?? [], report.findings);
}

/** Every target a binary serves has the binary's architecture, unless a known defect says the file is misplaced. */
function compareTargets(l: Ledger, j: JarCorpusJar, cap: Captured): void {
  const placed = new Set(j.knownDefects.filter((d) => d.kind === 'placement').flatMap((d) => (d.path ? [d.path] : [])));
  for (const n of j.natives) if (!placed.has(n.path)) compareTargetArches(l, j.coordinates, n, cap.targetsOf.get(n.path) ?? []);
}

// ---------------------------------------------------------------------------

const ledger = new Ledger(DISAGREEMENTS);

test('the JAR corpus: distaudit agrees with zipfile, jar tf, readelf, llvm-readobj, llvm-objdump and nm, or the disagreement is listed with its reason', async (t) => {
  const corpus = readMavenCorpus();
  let targets = 0;
  for (const j of corpus.jars) {
    const cap = emptyCapture();
    const report = await auditFile(await fetchMaven(j), { rules: [...RULES, captureRule(cap)] });
    assert.equal(report.artifact.sha256, j.sha256, `${j.coordinates}: the audit read other bytes than the corpus pins`);
    assert.equal(report.artifact.kind, 'jar', j.coordinates);
    targets += report.targets.length;
    compareInventory(ledger, j, report, cap);
    compareBinaries(ledger, j, report);
    compareJni(ledger, j, report, cap);
    compareManifest(ledger, j, report, cap);
    compareDefects(ledger, j, report);
    compareJarFloors(ledger, j, report, cap);
    compareTargets(ledger, j, cap);
  }

  t.diagnostic(
    `JAR corpus: ${corpus.jars.length} JARs, ${corpus.jars.reduce((n, j) => n + j.natives.length, 0)} natives, ${corpus.jars.reduce((n, j) => n + j.knownDefects.length, 0)} known defects, ${targets} targets: ` +
      `${ledger.agreed} facts agree, ${ledger.listed.length} listed disagreements (${ledger.listed.filter((d) => d.bug).length} distaudit bugs), ${ledger.unlisted.length} unlisted`,
  );
  ledger.assertExact((line) => t.diagnostic(line));
});

test('distaudit bugs the JAR corpus shows', { todo: DISAGREEMENTS.some((d) => d.bug) ? 'listed in DISAGREEMENTS with bug: true' : false }, () => {
  const bugs = DISAGREEMENTS.filter((d) => d.bug);
  assert.deepEqual(bugs.map((d) => `${d.artifact} ${d.field}`), [], bugs.map((d) => d.reason).join('\n'));
});

test('coverage matrices of classifier-JAR releases (netty epoll, netty-tcnative)', async (t) => {
  const corpus = readMavenCorpus();
  assert.ok(corpus.releases.length >= 1);
  for (const rel of corpus.releases) {
    const jars = rel.coordinates.map((c) => corpus.jars.find((j) => j.coordinates === c)!);
    const r = await auditRelease(await Promise.all(jars.map((j) => fetchMaven(j))));
    // The release part alone, one diagnostic per line: the spec reporter shows only the first line of each.
    for (const line of [`${rel.name}:`, ...renderReleaseText({ ...r, artifacts: [] }).trimEnd().split('\n')]) t.diagnostic(line);
    // Each column covers exactly the architectures of its own natives (by the tools).
    r.matrix.artifacts.forEach((_, col) => {
      const arches = new Set(jars[col]!.natives.flatMap(toolArches));
      const covered = r.matrix.platforms.filter((_, row) => r.matrix.cells[row]![col] !== null);
      assert.ok(covered.length > 0, `${jars[col]!.coordinates} covers no platform`);
      for (const p of covered) assert.ok(arches.has(p.split('-')[1]!), `${jars[col]!.coordinates} covers ${p}, but its natives are ${[...arches].join(', ')}`);
    });
    // What no JAR of the release serves is named.
    const missing = r.findings.filter((f) => f.check === 'release.missing-platform').map((f) => String(f.evidence.platform));
    const platforms = new Set(r.matrix.platforms);
    for (const p of missing) assert.ok(!platforms.has(p), `${p} is both covered and missing`);
    assert.ok(missing.length > 0, `${rel.name}: a Linux-only or partial release has gaps among the common platforms`);
  }
});

test('the JAR corpus spans what the JAR audit must handle', () => {
  const { jars, about } = readMavenCorpus();
  assert.ok(jars.length >= 12, `${jars.length} JARs`);
  for (const a of ['sqlite-jdbc', 'jna', 'zstd-jni', 'snappy-java', 'lz4-java', 'netty-transport-native-epoll', 'netty-tcnative-boringssl-static', 'conscrypt-openjdk-uber', 'javacpp']) {
    assert.ok(jars.some((j) => j.coordinates.split(':')[1] === a), `no ${a} JAR`);
  }
  const epoll = jars.filter((j) => j.coordinates.startsWith('io.netty:netty-transport-native-epoll:')).map((j) => j.coordinates.split(':')[3]);
  assert.deepEqual(sorted(epoll), ['linux-aarch_64', 'linux-x86_64']);
  assert.ok(jars.some((j) => j.natives.length === 0 && j.archives.length === 1), 'a control JAR without natives');
  assert.ok(jars.some((j) => j.archives.length > 1 && j.natives.some((n) => n.archive !== '')), 'a fat JAR whose nested JARs hold natives');
  const formats = new Set(jars.flatMap((j) => j.natives.map((n) => n.format)));
  for (const f of ['elf', 'macho', 'pe']) assert.ok(formats.has(f as never), `no ${f} native`);
  const kinds = new Set(jars.flatMap((j) => j.knownDefects.map((d) => d.kind)));
  for (const k of ['placement', 'bundle-native-code', 'glibc-floor', 'jni']) assert.ok(kinds.has(k as never), `no known defect of kind ${k}`);
  for (const j of jars) assert.match(j.sha256, /^[0-9a-f]{64}$/, j.coordinates);
  assert.ok(about.tools.readelf && about.tools['llvm-readobj'] && about.tools.jar, 'tool versions recorded');
});
