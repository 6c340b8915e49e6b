/**
 * Musl availability (src/rules/jar/musl.ts) and the musl-loadability test it
 * rests on (src/rules/linux/musl-load.ts, src/policy/musl.ts):
 *
 * - jar.no-musl-build through the pipeline: a glibc build that needs
 *   __snprintf_chk under a libc-blind convention (JNA) warns on the musl
 *   target; the plain glibc build (loads on musl) and a JAR with a musl build
 *   where sqlite-jdbc looks for one stay quiet; a sqlite-jdbc JAR without
 *   Linux-Musl/<arch> warns, naming where the loader looks;
 * - differentially against musl's own loader: for every x86_64 ELF fixture,
 *   the glibc-only symbols and the missing libraries muslLoadProblems finds
 *   are exactly what `ld-musl-x86_64.so.1 --list` fails on;
 * - the committed musl symbol list is what the generator renders from this
 *   machine's musl libc.so.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { auditFile } from '../../src/audit/audit.ts';
import { parseBinary } from '../../src/binary/index.ts';
import { withFile } from '../../src/binary/source.ts';
import type { ElfFile } from '../../src/binary/elf/parse.ts';
import { muslLoadProblems } from '../../src/rules/linux/musl-load.ts';
import { renderMuslSymbolData } from '../../src/policy/musl-symbols.codegen.ts';
import { MUSL_SYMBOLS_SOURCE } from '../../src/policy/musl-symbols.data.ts';
import { muslDefines } from '../../src/policy/musl.ts';
import { jniFixtures, JNI_LIBS } from '../fixtures/jni.ts';
import { jarAuditFixtures, JAR_AUDIT_LIBS } from '../fixtures/jar-audit.ts';
import { linuxFixtures } from '../fixtures/linux.ts';
import { repoRoot, toolPath } from '../support/fixture-builder.ts';
import { auditJar, cleanupJars, demoClassFiles, findings, summary } from './jar-helpers.ts';

after(cleanupJars);

const fx = jniFixtures();
const jfx = jarAuditFixtures();
const lfx = linuxFixtures();
const lib = (name: keyof typeof JNI_LIBS) => readFileSync(fx[JNI_LIBS[name]]!);
const demoClasses = demoClassFiles(fx['classes/org/example/demo/Native_Lib.class']!);

test('a fortified glibc build under JNA\'s libc-blind prefix: the musl target warns, naming __snprintf_chk', async () => {
  const r = await auditJar({ ...demoClasses, 'linux-x86-64/libdemo.so': readFileSync(jfx[JAR_AUDIT_LIBS.fortify]!), 'linux-aarch64/libdemo.so': lib('linuxArm64') });
  const f = findings(r, 'jar.no-musl-build');
  assert.equal(f.length, 1, summary(r));
  assert.deepEqual([f[0]!.file, f[0]!.severity, f[0]!.targets], ['linux-x86-64/libdemo.so', 'warning', ['linux-x86_64-musl']]);
  assert.match(f[0]!.message, /__snprintf_chk@GLIBC_2\.3\.4 \(glibc-only\)/);
  assert.deepEqual(f[0]!.evidence.muslCandidates, [{ path: 'linux-x86-64/libdemo.so', sameFileAsGlibc: true, problems: ['__snprintf_chk@GLIBC_2.3.4 (glibc-only)'] }]);
  // The verdict: glibc passes, musl warns.
  assert.deepEqual(r.verdicts.filter((v) => v.target.startsWith('linux-x86_64')).map((v) => [v.target, v.verdict]), [
    ['linux-x86_64-glibc2.17', 'pass'],
    ['linux-x86_64-musl', 'warn'],
  ]);
  // The twins: the plain glibc build loads on musl (jna-like.jar); a musl build beside the fortified one is what the loader finds.
  assert.deepEqual(findings(await auditFile(fx['jna-like.jar']!), 'jar.no-musl-build'), []);
  const withMusl = await auditJar({
    ...demoClasses,
    'org/sqlite/native/Linux/x86_64/libdemo.so': readFileSync(jfx[JAR_AUDIT_LIBS.fortify]!),
    'org/sqlite/native/Linux-Musl/x86_64/libdemo.so': lib('linuxX64Musl'),
  });
  assert.deepEqual(findings(withMusl, 'jar.no-musl-build'), [], summary(withMusl));
});

test('sqlite-jdbc without Linux-Musl/<arch>: the warning says where the loader looks', async () => {
  const r = await auditFile(fx['sqlite-like.jar']!);
  const f = findings(r, 'jar.no-musl-build');
  assert.deepEqual(f.map((x) => [x.file, x.targets]), [['org/sqlite/native/Linux/aarch64/libdemo.so', ['linux-arm64-musl']]]);
  assert.match(f[0]!.message, /the loader looks in org\/sqlite\/native\/Linux-Musl\/aarch64\/, which the JAR lacks/);
});

test('a glibc build at a path that claims musl is elf.libc-mismatch, not jar.no-musl-build', async () => {
  const r = await auditFile(fx['sqlite-like-mislabeled.jar']!);
  assert.deepEqual(findings(r, 'elf.libc-mismatch').map((x) => [x.file, x.targets]), [['org/sqlite/native/Linux-Musl/x86_64/libdemo.so', ['linux-x86_64-musl']]]);
  assert.deepEqual(findings(r, 'jar.no-musl-build').map((x) => x.evidence.arch), ['arm64']);
});

// ---------------------------------------------------------------------------
// Against musl's own loader

const MUSL_LOADER = '/lib/ld-musl-x86_64.so.1';
const GLIBC_LIB = /^(libc\.so\.6|libm\.so\.6|libpthread\.so\.0|libdl\.so\.2|librt\.so\.1)$/;

function elfOf(path: string): ElfFile | null {
  const bin = withFile(path, (src) => parseBinary(src));
  return bin?.format === 'elf' && bin.header.arch === 'x86_64' && bin.dynamic ? bin : null;
}

/** What musl's loader in ldd mode fails on: libraries it cannot load, symbols it cannot bind. */
function muslList(path: string): { libraries: Set<string>; symbols: Set<string> } {
  toolPath(MUSL_LOADER);
  const out = spawnSync(MUSL_LOADER, ['--list', path], { encoding: 'utf8' });
  const text = `${out.stdout}${out.stderr}`;
  return {
    libraries: new Set([...text.matchAll(/Error loading shared library ([^:]+): No such file/g)].map((m) => m[1]!)),
    symbols: new Set([...text.matchAll(/Error relocating [^:]+: ([^:]+): symbol not found/g)].map((m) => m[1]!)),
  };
}

test('muslLoadProblems agrees with ld-musl-x86_64.so.1 --list on every x86_64 ELF fixture', () => {
  const files = [
    ...Object.values(JNI_LIBS).map((k) => fx[k]!),
    ...Object.values(JAR_AUDIT_LIBS).map((k) => jfx[k]!),
    ...Object.values(lfx).filter((p) => typeof p === 'string' && /\.so(\.\d+)*$/.test(p)),
  ];
  let compared = 0;
  for (const path of files) {
    const elf = elfOf(path);
    if (!elf) continue;
    compared++;
    // What the artifact would bundle: files musl finds through the fixture's own RPATH / RUNPATH ($ORIGIN is its directory).
    const dirs = [elf.dynamic?.rpath, elf.dynamic?.runpath].flatMap((v) => (v ? v.split(':') : [])).map((d) => d.replace(/\$(ORIGIN\b|\{ORIGIN\})/g, dirname(path)));
    const ours = muslLoadProblems(elf, (name) => dirs.some((d) => existsSync(join(d, name))));
    const musl = muslList(path);
    // Libraries: musl fails on every NEEDED it lacks; zlib (which every Alpine has) is not installed for this musl.
    const ourLibs = ours.flatMap((p) => (p.kind === 'symbol' ? [] : [p.library])).sort();
    const theirLibs = [...musl.libraries].filter((l) => l !== 'libz.so.1').sort();
    assert.deepEqual(ourLibs, theirLibs, `${path}: libraries`);
    // Symbols: only those bound to glibc's libraries are ours to judge (musl also fails on symbols of the missing libraries, and on Python's).
    const glibcBound = new Set(elf.dynamicSymbols.filter((s) => !s.defined && s.version?.file && GLIBC_LIB.test(s.version.file)).map((s) => s.name));
    const ourSyms = ours.flatMap((p) => (p.kind === 'symbol' ? [p.symbol] : [])).sort();
    const theirSyms = [...musl.symbols].filter((s) => glibcBound.has(s)).sort();
    assert.deepEqual(ourSyms, theirSyms, `${path}: symbols`);
  }
  assert.ok(compared >= 25, `only ${compared} x86_64 ELF fixtures compared`);
});

test('the committed musl symbol list is what this machine\'s musl libc.so renders to', () => {
  const libc = readFileSync(MUSL_SYMBOLS_SOURCE.file);
  const committed = readFileSync(`${repoRoot}/src/policy/musl-symbols.data.ts`, 'utf8');
  assert.equal(renderMuslSymbolData(libc, MUSL_SYMBOLS_SOURCE.file, MUSL_SYMBOLS_SOURCE.version), committed);
  for (const s of ['snprintf', 'getrandom', 'explicit_bzero', 'stat64', '__stack_chk_fail', '___tls_get_addr']) assert.ok(muslDefines(s), s);
  for (const s of ['__snprintf_chk', '__strdup', 'fcntl64', '__isnan', 'gnu_get_libc_version', '__libc_single_threaded']) assert.ok(!muslDefines(s), s);
});
