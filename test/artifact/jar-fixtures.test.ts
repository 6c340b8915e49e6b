/**
 * The JNI fixtures (test/fixtures/jni.ts) have the properties their header
 * claims, checked three ways:
 *
 * - differentially: the JNI exports binaryJniBindings finds equal the names
 *   `nm -D` (ELF), `llvm-nm --extern-only` (Mach-O) and `llvm-readobj
 *   --coff-exports` (PE) list; the decoded methods equal the names `javac -h`
 *   wrote and the native methods `javap` shows (mangled here); the JARs'
 *   entries are those `jar tf` lists;
 * - by the conventions and manifest modules: each native path's claim against
 *   the binary's own facts (describe), Bundle-NativeCode paths against the
 *   entries;
 * - for real: `java` loads the x86_64 glibc libraries from the JARs' classes
 *   (this machine runs them), so the UnsatisfiedLinkError of the shaded JAR
 *   and of the library without JNI_OnLoad is the JVM's, not ours.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binaryJniBindings, decodeJniName, JNI_SYMBOL, mangleJniName, type JniBindings } from '../../src/artifact/jar/jni.ts';
import { nativePathClaim } from '../../src/artifact/jar/conventions.ts';
import { attributeValue, parseBundleNativeCode, parseManifest } from '../../src/artifact/jar/manifest.ts';
import { parseBinary } from '../../src/binary/index.ts';
import { describe } from '../../src/binary/describe.ts';
import { bytesSource, withFile } from '../../src/binary/source.ts';
import { JNI_HEADERS, JNI_LIBS, jniFixtures, type JniJar } from '../fixtures/jni.ts';
import { toolPath } from '../support/fixture-builder.ts';

const LLVM = '/usr/lib/llvm-14/bin';
const fx = jniFixtures();
const path = (out: string) => fx[out] ?? assert.fail(`no fixture ${out}`);
const run = (cmd: string, args: string[]) => execFileSync(toolPath(cmd), args, { encoding: 'utf8', maxBuffer: 1 << 26 });

function bindingsOf(file: string): JniBindings {
  const bin = withFile(file, (src) => parseBinary(src));
  assert.ok(bin, file);
  const slices = binaryJniBindings(bin);
  assert.equal(slices.length, 1);
  return slices[0]!.bindings;
}

function allSymbols(b: JniBindings): string[] {
  return [...b.methods.map((m) => m.symbol), ...b.lifecycle.map((l) => l.symbol), ...b.invalid.map((i) => i.symbol)].sort();
}

/** JNI-looking exported names as an independent tool lists them. */
function toolExports(file: string): string[] {
  let names: string[];
  if (file.endsWith('.so')) {
    names = run('nm', ['-D', '--defined-only', file]).split('\n').map((l) => l.split(' ')[2] ?? '').map((n) => n.replace(/@.*$/, ''));
  } else if (file.endsWith('.dylib')) {
    names = run(`${LLVM}/llvm-nm`, ['--defined-only', '--extern-only', file]).split('\n').map((l) => l.split(' ')[2] ?? '');
  } else {
    names = [...run(`${LLVM}/llvm-readobj`, ['--coff-exports', file]).matchAll(/^\s+Name: (.+)$/gm)].map((m) => m[1]!);
  }
  return names.filter((n) => JNI_SYMBOL.test(n)).sort();
}

/** The names javac -h wrote for Native_Lib and Native_Lib$Inner. */
const HEADER_NAMES = JNI_HEADERS.flatMap((h) => [...readFileSync(path(h), 'utf8').matchAll(/JNICALL (Java_[A-Za-z0-9_]+)/g)].map((m) => m[1]!)).sort();

const DEMO_LIBS = [JNI_LIBS.linuxX64, JNI_LIBS.linuxX64Musl, JNI_LIBS.linuxArm64, JNI_LIBS.windowsX64, JNI_LIBS.windowsX86, JNI_LIBS.windowsX86Msvc, JNI_LIBS.macosArm64];

test('every library: the JNI exports found equal the ones nm / llvm-nm / llvm-readobj list', () => {
  for (const lib of Object.values(JNI_LIBS)) {
    assert.deepEqual(allSymbols(bindingsOf(path(lib))), toolExports(path(lib)), lib);
  }
});

test('the demo libraries implement exactly the methods javac -h declared, in every format and spelling', () => {
  assert.equal(HEADER_NAMES.length, 8);
  for (const lib of DEMO_LIBS) {
    const b = bindingsOf(path(lib));
    assert.deepEqual(b.invalid, [], lib);
    const names = b.methods.map((m) => mangleJniName(m.className, m.method, m.signature)!).sort();
    assert.deepEqual(names, HEADER_NAMES, lib);
    assert.deepEqual(b.classes, ['org.example.demo.Native_Lib', 'org.example.demo.Native_Lib$Inner'], lib);
    assert.equal(b.hasOnLoad, false);
  }
  // The MSVC-style DLL carries the stdcall sizes: JNIEnv* + jclass + parameters, 4 bytes a slot.
  const msvc = Object.fromEntries(bindingsOf(path(JNI_LIBS.windowsX86Msvc)).methods.map((m) => [`${m.method}${m.signature ?? ''}`, m.stdcallArgBytes]));
  assert.deepEqual(msvc, { 'add(II)': 16, 'add(JJ)': 24, greet: 12, get_value: 8, 'h\u00e9llo': 12, twice: 12, 'echo([B)': 12, 'echo([Ljava/lang/String;)': 12 });
});

test("javap's native methods, mangled here, are the names javac -h wrote", () => {
  const out = run('javap', ['-p', '-s', '-cp', path('classes/org/example/demo/Native_Lib.class').replace(/org\/example\/demo\/Native_Lib\.class$/, ''), 'org.example.demo.Native_Lib', 'org.example.demo.Native_Lib$Inner']);
  const natives: { cls: string; name: string; desc: string }[] = [];
  let cls = '';
  let pending: string | null = null;
  for (const line of out.split('\n')) {
    const c = /^(?:public )?(?:final )?(?:static )?class (\S+)/.exec(line.replace(/^public final class|^public static final class/, 'class'));
    if (c) cls = c[1]!;
    const m = /\bnative\b.* ([^ (]+)\(/.exec(line);
    if (m) pending = m[1]!;
    const d = /^\s+descriptor: (\(.*)$/.exec(line);
    if (d && pending) {
      natives.push({ cls, name: pending, desc: d[1]! });
      pending = null;
    }
  }
  assert.equal(natives.length, 8);
  const names = natives
    .map((n) => {
      const overloaded = natives.filter((o) => o.cls === n.cls && o.name === n.name).length > 1;
      return mangleJniName(n.cls, n.name, overloaded ? n.desc : null)!;
    })
    .sort();
  assert.deepEqual(names, HEADER_NAMES);
});

test('MinGW stdcall decorations, JNI_OnLoad, and a library that binds nothing', () => {
  const stdcall = bindingsOf(path(JNI_LIBS.windowsX86Stdcall));
  assert.equal(stdcall.methods.length, 0);
  assert.equal(stdcall.invalid.length, 8);
  assert.ok(stdcall.invalid.every((i) => /^Java_.*@\d+$/.test(i.symbol) && /MinGW/.test(i.reason)));

  const onload = bindingsOf(path(JNI_LIBS.onload));
  assert.deepEqual([onload.methods.length, onload.hasOnLoad, onload.lifecycle.map((l) => l.symbol)], [0, true, ['JNI_OnLoad']]);
  const none = bindingsOf(path(JNI_LIBS.noOnload));
  assert.deepEqual([none.methods.length, none.hasOnLoad, none.lifecycle.length, none.invalid.length], [0, false, 0, 0]);

  const renamed = bindingsOf(path(JNI_LIBS.shadedRenamed));
  assert.deepEqual(renamed.classes, ['shaded.org.example.demo.Native_Lib', 'shaded.org.example.demo.Native_Lib$Inner']);
});

// ---------------------------------------------------------------------------
// The JARs

function entries(jar: string): string[] {
  return run('jar', ['tf', jar]).split('\n').filter((e) => e !== '' && !e.endsWith('/'));
}

function entryBytes(jar: string, entry: string): Buffer {
  return execFileSync('unzip', ['-p', jar, entry], { maxBuffer: 1 << 28 });
}

function nativeEntries(jar: string): string[] {
  return entries(jar).filter((e) => parseBinary(bytesSource(entryBytes(jar, e))) !== null);
}

/** Per native entry: the classes its exports name that the JAR lacks. */
function missingClasses(jarName: JniJar): Record<string, string[]> {
  const jar = path(jarName);
  const all = new Set(entries(jar));
  const out: Record<string, string[]> = {};
  for (const e of nativeEntries(jar)) {
    const bin = parseBinary(bytesSource(entryBytes(jar, e)))!;
    const b = binaryJniBindings(bin)[0]!.bindings;
    out[e] = [...new Set(b.methods.map((m) => m.classFile))].filter((c) => !all.has(c)).sort();
  }
  return out;
}

test('natives are found by their bytes, and each JAR lists what its header says', () => {
  assert.deepEqual(nativeEntries(path('sqlite-like.jar')).sort(), [
    'org/sqlite/native/Linux-Musl/x86_64/libdemo.so',
    'org/sqlite/native/Linux/aarch64/libdemo.so',
    'org/sqlite/native/Linux/x86_64/libdemo.so',
    'org/sqlite/native/Mac/aarch64/libdemo.dylib',
    'org/sqlite/native/Windows/x86/demo.dll',
    'org/sqlite/native/Windows/x86_64/demo.dll',
  ]);
  assert.deepEqual(nativeEntries(path('jna-like.jar')).sort(), ['darwin-aarch64/libdemo.dylib', 'linux-aarch64/libdemo.so', 'linux-x86-64/libdemo.so', 'win32-x86-64/demo.dll', 'win32-x86/demo.dll']);
  for (const jar of ['onload.jar', 'no-onload.jar'] as const) assert.deepEqual(nativeEntries(path(jar)), ['linux-x86-64/libregistered.so']);
});

test('every native path claims its platform, and the sqlite-like twins differ exactly where mislabeled', () => {
  const verdicts = (jarName: JniJar) =>
    nativeEntries(path(jarName)).map((e) => {
      const claim = nativePathClaim(e);
      assert.ok(claim, e);
      const facts = describe(parseBinary(bytesSource(entryBytes(path(jarName), e)))!)[0]!;
      const os = facts.format === 'elf' ? 'linux' : facts.format === 'macho' ? 'macos' : 'windows';
      const ok = claim.os === os && claim.arch === facts.arch && (claim.libc === null || claim.libc === facts.libc);
      return [e, claim.convention, ok] as const;
    });
  assert.ok(verdicts('sqlite-like.jar').every(([, c, ok]) => c === 'sqlite-jdbc' && ok));
  assert.ok(verdicts('jna-like.jar').every(([, c, ok]) => c === 'jna' && ok));
  assert.deepEqual(
    verdicts('sqlite-like-mislabeled.jar').filter(([, , ok]) => !ok).map(([e]) => e).sort(),
    ['org/sqlite/native/Linux-Musl/x86_64/libdemo.so', 'org/sqlite/native/Linux/aarch64/libdemo.so'],
  );
});

test('JNI exports map to classes in the JAR, except in the shaded JAR whose natives were not renamed', () => {
  for (const jar of ['sqlite-like.jar', 'jna-like.jar', 'shaded-renamed.jar', 'mingw-stdcall.jar'] as const) {
    for (const [e, missing] of Object.entries(missingClasses(jar))) assert.deepEqual(missing, [], `${jar}: ${e}`);
  }
  const shaded = missingClasses('shaded.jar');
  assert.equal(Object.keys(shaded).length, 5);
  const all = new Set(entries(path('shaded.jar')));
  for (const missing of Object.values(shaded)) {
    assert.deepEqual(missing, ['org/example/demo/Native_Lib$Inner.class', 'org/example/demo/Native_Lib.class']);
    // What the audit can say: the class exists under a relocation prefix.
    assert.ok(missing.every((c) => all.has(`shaded/${c}`)));
  }
  // The decoded names are those of the original package.
  assert.equal(decodeJniName('Java_org_example_demo_Native_1Lib_greet')!.kind, 'method');
});

test('Bundle-NativeCode: every path present in jna-like.jar, one missing in nativecode-missing.jar', () => {
  const paths = (jarName: JniJar) => {
    const m = parseManifest(entryBytes(path(jarName), 'META-INF/MANIFEST.MF'));
    assert.equal(m.javaRejects, false);
    const nc = parseBundleNativeCode(attributeValue(m.main, 'Bundle-NativeCode')!);
    assert.deepEqual(nc.problems, []);
    const all = new Set(entries(path(jarName)));
    return nc.clauses.flatMap((c) => c.paths.map((p) => [p, all.has(p), c.osnames[0]!.os, c.processors[0]!.arch]));
  };
  assert.deepEqual(paths('jna-like.jar'), [
    ['linux-x86-64/libdemo.so', true, 'linux', 'x86_64'],
    ['linux-aarch64/libdemo.so', true, 'linux', 'arm64'],
    ['win32-x86-64/demo.dll', true, 'windows', 'x86_64'],
    ['win32-x86/demo.dll', true, 'windows', 'i386'],
    ['darwin-aarch64/libdemo.dylib', true, 'macos', 'arm64'],
  ]);
  assert.deepEqual(paths('nativecode-missing.jar'), [
    ['linux-x86-64/libdemo.so', true, 'linux', 'x86_64'],
    ['linux-aarch64/libdemo.so', false, 'linux', 'arm64'],
  ]);
});

test('the fat JAR stores a nested JAR (BOOT-INF/lib/inner.jar) that carries the natives', () => {
  const jar = path('fat.jar');
  assert.deepEqual(entries(jar), ['META-INF/MANIFEST.MF', 'BOOT-INF/classes/org/example/app/App.class', 'BOOT-INF/lib/inner.jar']);
  assert.match(run('unzip', ['-v', jar]), /Stored\s+\d+\s+0%.*BOOT-INF\/lib\/inner\.jar/);
  const dir = mkdtempSync(join(tmpdir(), 'distaudit-fat-'));
  try {
    const inner = join(dir, 'inner.jar');
    writeFileSync(inner, entryBytes(jar, 'BOOT-INF/lib/inner.jar'));
    assert.deepEqual(nativeEntries(inner).sort(), nativeEntries(path('jna-like.jar')).sort());
    assert.equal(attributeValue(parseManifest(entryBytes(jar, 'META-INF/MANIFEST.MF')).main, 'Start-Class'), 'org.example.app.App');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

// ---------------------------------------------------------------------------
// Real loads on this (x86_64 glibc) machine

function java(jar: string, mainClass: string, lib: string): { status: number | null; out: string } {
  const r = spawnSync(toolPath('java'), ['-Xshare:auto', '-cp', path(jar), mainClass, path(lib)], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

test('the JVM agrees: the demo natives bind, the shaded ones and the unregistered ones do not', () => {
  assert.deepEqual(java('jna-like.jar', 'org.example.demo.Main', JNI_LIBS.linuxX64), { status: 0, out: '5 5 hello, jar 42 2 42 2 1\n' });
  assert.deepEqual(java('shaded-renamed.jar', 'shaded.org.example.demo.Main', JNI_LIBS.shadedRenamed), { status: 0, out: '5 5 hello, jar 42 2 42 2 1\n' });
  assert.deepEqual(java('onload.jar', 'org.example.reg.Registered', JNI_LIBS.onload), { status: 0, out: '42 registered\n' });
  const shaded = java('shaded.jar', 'shaded.org.example.demo.Main', JNI_LIBS.linuxX64);
  assert.equal(shaded.status, 1);
  assert.match(shaded.out, /java\.lang\.UnsatisfiedLinkError: 'int shaded\.org\.example\.demo\.Native_Lib\.add\(int, int\)'/);
  const unregistered = java('no-onload.jar', 'org.example.reg.Registered', JNI_LIBS.noOnload);
  assert.equal(unregistered.status, 1);
  assert.match(unregistered.out, /java\.lang\.UnsatisfiedLinkError: 'int org\.example\.reg\.Registered\.mul\(int, int\)'/);
});

test('the fixture cache holds no stray outputs the header does not describe', () => {
  const root = path('fat.jar').replace(/fat\.jar$/, '');
  const jars = readdirSync(root).filter((f) => f.endsWith('.jar')).sort();
  assert.deepEqual(jars, ['fat.jar', 'jna-like.jar', 'mingw-stdcall.jar', 'nativecode-missing.jar', 'no-onload.jar', 'onload.jar', 'shaded-renamed.jar', 'shaded.jar', 'sqlite-like-mislabeled.jar', 'sqlite-like.jar']);
});
