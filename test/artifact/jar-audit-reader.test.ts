/**
 * The JAR reader (src/artifact/jar/reader.ts): nested JARs one level deep,
 * merged under `outer!/inner` names; the caller's keep and consume hooks see
 * nested entries; the limits are shared between the JAR and the JARs nested
 * in it; hostile and broken nested archives are problems of the artifact;
 * natives are found by their bytes. Differential: the merged listing equals
 * what `jar tf` lists for the JAR and for the nested JAR (JDK 17).
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scanJar, innerPath, archiveOf, MAX_NESTED_JARS, type JarScan } from '../../src/artifact/jar/reader.ts';
import type { KeptContent, ScanOptions } from '../../src/artifact/archive/types.ts';
import { mightBeNative } from '../../src/binary/sniff.ts';
import { buildZip, type ZipEntrySpec } from '../support/zip-writer.ts';
import { toolPath } from '../support/fixture-builder.ts';
import { cleanup, deflatedZeros, sha256, tempDir } from './zip-helpers.ts';
import { jniFixtures, JNI_LIBS } from '../fixtures/jni.ts';

after(cleanup);

const fx = jniFixtures();
const lib = (name: keyof typeof JNI_LIBS) => readFileSync(fx[JNI_LIBS[name]]!);
const MANIFEST = { name: 'META-INF/MANIFEST.MF', data: 'Manifest-Version: 1.0\r\nCreated-By: test\r\n\r\n' };

let n = 0;
function writeJar(entries: ZipEntrySpec[], name = `t${n++}.jar`): string {
  const dir = tempDir('jar-reader-');
  const path = join(dir, name);
  writeFileSync(path, buildZip({ entries }));
  return path;
}

interface Seen {
  kept: string[];
  consumed: string[];
}

/** Scans with a keep hook like the pipeline's (manifests and natives) and a consume hook that frees natives. */
async function scan(path: string, opts: Partial<ScanOptions> = {}): Promise<{ s: JarScan; seen: Seen; spoolDir: string }> {
  const seen: Seen = { kept: [], consumed: [] };
  const spoolDir = join(tempDir('jar-spool-'), 'spool');
  const s = await scanJar(path, {
    spoolDir,
    keep: (p, head) => {
      const k = /MANIFEST\.MF$/.test(p) || mightBeNative(head);
      if (k) seen.kept.push(p);
      return k;
    },
    consume: (p: string, c: KeptContent) => {
      seen.consumed.push(p);
      return mightBeNative((c.kind === 'memory' ? c.bytes : readFileSync(c.path)).subarray(0, 64));
    },
    ...opts,
  });
  return { s, seen, spoolDir };
}

const jarTf = (path: string) => execFileSync(toolPath('jar'), ['tf', path], { encoding: 'utf8' }).split('\n').filter((l) => l !== '');

test('the Spring Boot fat JAR: nested entries under BOOT-INF/lib/inner.jar!/, as `jar tf` lists them', async () => {
  const fat = fx['fat.jar']!;
  const { s, seen } = await scan(fat);
  assert.deepEqual(s.problems, []);
  assert.deepEqual(s.jar.nestedJars, ['BOOT-INF/lib/inner.jar']);
  const outer = jarTf(fat);
  const inner = jarTf(fx['jna-like.jar']!).map((p) => `BOOT-INF/lib/inner.jar!/${p}`);
  assert.deepEqual(s.entries.map((e) => e.path).sort(), [...outer, ...inner].sort());
  // The nested JAR's own bytes were freed once read; its natives were found by their bytes and handed over.
  assert.equal(s.entries.find((e) => e.path === 'BOOT-INF/lib/inner.jar')!.content, null);
  assert.deepEqual(s.jar.natives.sort(), [
    'BOOT-INF/lib/inner.jar!/darwin-aarch64/libdemo.dylib',
    'BOOT-INF/lib/inner.jar!/linux-aarch64/libdemo.so',
    'BOOT-INF/lib/inner.jar!/linux-x86-64/libdemo.so',
    'BOOT-INF/lib/inner.jar!/win32-x86-64/demo.dll',
    'BOOT-INF/lib/inner.jar!/win32-x86/demo.dll',
  ]);
  for (const p of s.jar.natives) assert.ok(seen.consumed.includes(p), p);
  // Both manifests are kept, the nested one under its !/ name.
  assert.ok(seen.kept.includes('META-INF/MANIFEST.MF') && seen.kept.includes('BOOT-INF/lib/inner.jar!/META-INF/MANIFEST.MF'));
  assert.ok(s.entries.find((e) => e.path === 'BOOT-INF/lib/inner.jar!/META-INF/MANIFEST.MF')!.content !== null);
  // Every nested entry's sha256 is that of the bytes unzip -p extracts from the nested JAR.
  const innerFile = join(tempDir('jar-inner-'), 'inner.jar');
  writeFileSync(innerFile, execFileSync('unzip', ['-p', fat, 'BOOT-INF/lib/inner.jar'], { maxBuffer: 1 << 26 }));
  for (const e of s.entries.filter((x) => archiveOf(x.path) !== '' && !x.isDirectory)) {
    assert.equal(e.sha256, sha256(execFileSync('unzip', ['-p', innerFile, innerPath(e.path)], { maxBuffer: 1 << 26 })), e.path);
  }
  assert.equal(innerPath('BOOT-INF/lib/inner.jar!/linux-x86-64/libdemo.so'), 'linux-x86-64/libdemo.so');
  assert.equal(archiveOf('BOOT-INF/lib/inner.jar!/linux-x86-64/libdemo.so'), 'BOOT-INF/lib/inner.jar');
  assert.equal(archiveOf('linux-x86-64/libdemo.so'), '');
});

test('a nested JAR larger than maxInMemory is spooled, read the same way, and its spool file removed', async () => {
  const fat = fx['fat.jar']!;
  const small = await scan(fat, { limits: { maxInMemory: 1024 } });
  const big = await scan(fat);
  assert.deepEqual(small.s.entries.map((e) => [e.path, e.sha256]), big.s.entries.map((e) => [e.path, e.sha256]));
  assert.deepEqual(small.s.problems, []);
  // What is left in the spool directory is kept content only (the manifests), never a nested JAR.
  const left = existsSync(small.spoolDir) ? readdirSync(small.spoolDir, { recursive: true }).map(String) : [];
  assert.ok(!left.some((f) => f.startsWith('nested-')), left.join(', '));
  const keptFiles = small.s.entries.filter((e) => e.content?.kind === 'file');
  assert.equal(left.filter((f) => /entry-\d+$/.test(f)).length, keptFiles.length);
});

test('the limits are shared: a nested JAR gets what the JAR left of the entry and byte budgets', async () => {
  const inner = buildZip({ entries: [MANIFEST, ...[0, 1, 2, 3].map((i) => ({ name: `x/f${i}.txt`, data: 'x'.repeat(1000) }))] });
  const path = writeJar([MANIFEST, { name: 'a.txt', data: 'a' }, { name: 'lib/inner.jar', data: inner, method: 'store' }]);
  // 3 outer entries + 5 nested = 8.
  const fits = await scan(path, { limits: { maxEntries: 8 } });
  assert.deepEqual(fits.s.problems, []);
  assert.equal(fits.s.entries.length, 8);
  const over = await scan(path, { limits: { maxEntries: 7 } });
  assert.deepEqual(over.s.problems.map((p) => [p.code, p.path, p.fatal]), [['too-many-entries', 'lib/inner.jar', false]]);
  assert.match(over.s.problems[0]!.message, /in the nested JAR lib\/inner\.jar: the archive has 5 entries, beyond the limit of 4/);
  assert.equal(over.s.entries.length, 3);
  // Bytes: the outer entries inflate to 1 + manifest + the stored nested JAR; the nested ones to 4000 more.
  const outerBytes = fits.s.entries.filter((e) => archiveOf(e.path) === '').reduce((t, e) => t + e.size, 0);
  const bytes = await scan(path, { limits: { maxTotalSize: outerBytes + 2500 } });
  assert.deepEqual(bytes.s.problems.map((p) => [p.code, p.path]), [['total-too-large', 'lib/inner.jar!/x/f2.txt']]);
  // A budget the outer JAR uses up leaves nothing for the nested one: it is not opened at all.
  const none = await scan(path, { limits: { maxTotalSize: outerBytes } });
  assert.deepEqual(none.s.problems.map((p) => [p.code, p.path]), [['total-too-large', 'lib/inner.jar']]);
  assert.ok(none.s.jar.nestedJars.length === 0);
});

test('a hostile nested JAR: its traversal name and its zip bomb are problems named inside it; the rest is read', async () => {
  const bomb = deflatedZeros(4 << 20);
  const inner = buildZip({
    entries: [
      MANIFEST,
      { name: '../../etc/cron.d/x', data: '* * * * * root sh\n' },
      { name: 'zeros.bin', body: bomb.body, crc: bomb.crc, declaredSize: 4 << 20 },
      { name: 'ok.txt', data: 'fine' },
    ],
  });
  const path = writeJar([MANIFEST, { name: 'WEB-INF/lib/evil.jar', data: inner }, { name: 'after.txt', data: 'still read' }], 'app.war');
  const { s } = await scan(path);
  assert.deepEqual(
    s.problems.map((p) => [p.code, p.path, p.fatal]),
    [
      ['path-traversal', 'WEB-INF/lib/evil.jar!/../../etc/cron.d/x', false],
      ['compression-ratio', 'WEB-INF/lib/evil.jar!/zeros.bin', false],
    ],
  );
  assert.ok(s.problems.every((p) => p.message.startsWith('in the nested JAR WEB-INF/lib/evil.jar: ')));
  assert.ok(s.entries.find((e) => e.path === 'WEB-INF/lib/evil.jar!/ok.txt')?.sha256);
  assert.ok(s.entries.find((e) => e.path === 'after.txt')?.sha256);
});

test('a nested .jar that is not a zip is an unreadable archive, named; a native named .jar stays a native', async () => {
  const so = lib('linuxX64');
  const path = writeJar([MANIFEST, { name: 'lib/notes.jar', data: 'this is not a zip archive at all\n' }, { name: 'lib/sneaky.jar', data: so }, { name: 'lib/empty.jar', data: '' }]);
  const { s, seen } = await scan(path);
  assert.deepEqual(
    s.problems.map((p) => [p.code, p.path, p.fatal]),
    [
      ['unreadable', 'lib/notes.jar', false],
      ['unreadable', 'lib/empty.jar', false],
    ],
  );
  assert.match(s.problems[0]!.message, /^in the nested JAR lib\/notes\.jar: not a zip archive/);
  assert.deepEqual(s.jar.natives, ['lib/sneaky.jar']);
  assert.ok(seen.consumed.includes('lib/sneaky.jar'));
  assert.deepEqual(s.jar.nestedJars, ['lib/notes.jar', 'lib/empty.jar']);
});

test('one level only: a JAR inside a nested JAR is listed, not opened', async () => {
  const deepest = buildZip({ entries: [MANIFEST, { name: 'linux-x86-64/libdemo.so', data: lib('linuxX64') }] });
  const middle = buildZip({ entries: [MANIFEST, { name: 'lib/deeper.jar', data: deepest }] });
  const path = writeJar([MANIFEST, { name: 'BOOT-INF/lib/middle.jar', data: middle }]);
  const { s } = await scan(path);
  assert.deepEqual(s.jar.nestedJars, ['BOOT-INF/lib/middle.jar']);
  assert.deepEqual(s.jar.deeperJars, ['BOOT-INF/lib/middle.jar!/lib/deeper.jar']);
  assert.ok(!s.entries.some((e) => e.path.includes('deeper.jar!/')));
  assert.deepEqual(s.jar.natives, []);
});

test('natives by their bytes, with facts read at once where the path does not name the platform', async () => {
  const path = writeJar([
    MANIFEST,
    { name: 'linux-x86-64/libdemo.so', data: lib('linuxX64') },
    { name: 'weird/place/libdemo.so', data: lib('linuxArm64') },
    { name: 'win32-x86-64/demo.dll', data: lib('windowsX64') },
    { name: 'README.so', data: 'not native' },
  ]);
  const { s } = await scan(path);
  assert.deepEqual(s.jar.natives, ['linux-x86-64/libdemo.so', 'weird/place/libdemo.so', 'win32-x86-64/demo.dll']);
  assert.deepEqual(Object.keys(s.jar.scanned), ['weird/place/libdemo.so']);
  assert.deepEqual(s.jar.scanned['weird/place/libdemo.so']!.facts.map((f) => [f.format, f.arch, f.libc]), [['elf', 'arm64', 'glibc']]);
});

test(`at most ${MAX_NESTED_JARS} nested JARs are opened; the rest are problems, not work`, async () => {
  const empty = buildZip({ entries: [] });
  const entries = Array.from({ length: MAX_NESTED_JARS + 2 }, (_, i) => ({ name: `lib/j${i}.jar`, data: empty, method: 'store' as const }));
  const { s } = await scan(writeJar(entries));
  assert.equal(s.jar.nestedJars.length, MAX_NESTED_JARS);
  assert.deepEqual(
    s.problems.map((p) => [p.code, p.path]),
    [
      ['too-many-entries', `lib/j${MAX_NESTED_JARS}.jar`],
      ['too-many-entries', `lib/j${MAX_NESTED_JARS + 1}.jar`],
    ],
  );
});
