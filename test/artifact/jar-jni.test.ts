/**
 * JNI export names: decoding, the JVM's exact spelling, the per-format
 * decorations, and a round trip with fast-check. The JDK's own mangling is the
 * oracle twice: `javac -h` on generated classes with random identifiers
 * (Unicode, `_`, `$`, digits, supplementary characters, overloads), and
 * HotSpot's rules (nativeLookup.cpp) in the hand-written cases.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { decodeJniName, jniBindings, mangleJniName, JNI_SYMBOL } from '../../src/artifact/jar/jni.ts';
import { toolPath } from '../support/fixture-builder.ts';

const SEED = 20260821;

function method(className: string, name: string, signature: string | null = null, kind: 'method' | 'critical' = 'method') {
  return { kind, className, classFile: `${className.replace(/\./g, '/')}.class`, method: name, signature };
}

test('decodes short and long names: packages, _1, _00024 ($), _000e9, overloads with arrays and classes', () => {
  const cases: [string, ReturnType<typeof method>][] = [
    ['Java_org_example_demo_Native_1Lib_add__II', method('org.example.demo.Native_Lib', 'add', '(II)')],
    ['Java_org_example_demo_Native_1Lib_00024Inner_twice', method('org.example.demo.Native_Lib$Inner', 'twice')],
    ['Java_org_example_demo_Native_1Lib_get_1value', method('org.example.demo.Native_Lib', 'get_value')],
    ['Java_org_example_demo_Native_1Lib_h_000e9llo', method('org.example.demo.Native_Lib', 'h\u00e9llo')],
    ['Java_org_example_demo_Native_1Lib_echo___3B', method('org.example.demo.Native_Lib', 'echo', '([B)')],
    ['Java_org_example_demo_Native_1Lib_echo___3Ljava_lang_String_2', method('org.example.demo.Native_Lib', 'echo', '([Ljava/lang/String;)')],
    ['Java_Top_m', method('Top', 'm')],
    ['Java_a__1B_f', method('a._B', 'f')],
    ['Java_a_m__', method('a', 'm', '()')],
    ['Java_a_m__JLa_b_2_3_3D', method('a', 'm', '(JLa/b;[[D)')],
    // A supplementary character is two escaped UTF-16 code units.
    ['Java_p_C__0d835_0dc9c', method('p.C', '\u{1d49c}')],
    // Real exports (reference/notes §2.1): snappy-java, lz4-java, JNA, netty.
    ['Java_org_xerial_snappy_SnappyNative_rawCompress__JJJ', method('org.xerial.snappy.SnappyNative', 'rawCompress', '(JJJ)')],
    ['Java_net_jpountz_lz4_LZ4JNI_LZ4_1compress_1limitedOutput', method('net.jpountz.lz4.LZ4JNI', 'LZ4_compress_limitedOutput')],
    ['Java_com_sun_jna_Native_invokeInt', method('com.sun.jna.Native', 'invokeInt')],
    ['JavaCritical_a_b_m', method('a.b', 'm', null, 'critical')],
  ];
  for (const [name, expected] of cases) assert.deepEqual(decodeJniName(name), expected, name);
});

test('the names the JVM would never look up are invalid, with the reason', () => {
  const cases: [string, RegExp][] = [
    ['Java_a_0ABCD_m', /looks up Java_a_0abcd_m/], // upper-case hex
    ['Java_a_00041_m', /looks up Java_aA_m/], // an escaped letter
    ['Java_a_0002f_m', /looks up|not a valid class name/], // an escaped '/'
    ['Java_0a_m', /digit 0-3/], // JDK 17+: a literal 0-3 after the prefix
    ['Java_a_m2__5', /not a parameter descriptor/],
    ['Java_a', /no class and method parts/],
    ['Java_a__', /no class and method parts/],
    ['Java__a_m', /not a valid class name/], // empty first part
    ['Java_a_0zz', /4 hex digits/],
    ['Java_a_b$c', /'\$' cannot appear/],
    ['Java_a_m__Lb', /not a parameter descriptor/], // no ';'
    ['Java_a_m___2', /not a parameter descriptor/], // ';' alone
    ['Java_a_0002e_m', /looks up|not a valid class name/], // '.' inside a class name
    ['JNI_OnLoadX', /not JNI_OnLoad/],
  ];
  for (const [name, reason] of cases) {
    const d = decodeJniName(name);
    assert.equal(d?.kind, 'invalid', name);
    assert.match((d as { reason: string }).reason, reason, name);
  }
});

test('JNI_OnLoad / JNI_OnUnload, with and without the static-library suffix; other names are not JNI', () => {
  assert.deepEqual(decodeJniName('JNI_OnLoad'), { kind: 'onload', library: null });
  assert.deepEqual(decodeJniName('JNI_OnUnload'), { kind: 'onunload', library: null });
  assert.deepEqual(decodeJniName('JNI_OnLoad_sqlitejdbc'), { kind: 'onload', library: 'sqlitejdbc' });
  assert.deepEqual(decodeJniName('JNI_OnUnload_zip'), { kind: 'onunload', library: 'zip' });
  for (const n of ['napi_register_module_v1', 'Java', 'JavaX_a_b', 'java_a_b', 'PyInit_x', '']) assert.equal(decodeJniName(n), null, n);
});

test('mangles like HotSpot: escapes, long names from a full descriptor, and the 0-3 refusal', () => {
  assert.equal(mangleJniName('org.example.demo.Native_Lib$Inner', 'twice'), 'Java_org_example_demo_Native_1Lib_00024Inner_twice');
  assert.equal(mangleJniName('org/example/demo/Native_Lib', 'add', '(II)V'), 'Java_org_example_demo_Native_1Lib_add__II');
  assert.equal(mangleJniName('a.B', 'm', '([Ljava/lang/String;J)I'), 'Java_a_B_m___3Ljava_lang_String_2J');
  assert.equal(mangleJniName('a.B', 'm', '()V'), 'Java_a_B_m__');
  assert.equal(mangleJniName('a.B', 'm', null, 'JavaCritical_'), 'JavaCritical_a_B_m');
  // Class files not made by javac can have such names; the JVM then throws UnsatisfiedLinkError.
  assert.equal(mangleJniName('a.1B', 'm'), null);
  assert.equal(mangleJniName('a.B', '2m'), null);
  assert.equal(mangleJniName('a.B', 'm', '(La/3C;)V'), null);
  // After an escape a digit is fine: '_1' then '1'.
  assert.equal(mangleJniName('a._1', 'm'), 'Java_a__11_m');
});

test('exports per format: Mach-O underscore, x86 PE stdcall decorations, MinGW decorations, stray underscores', () => {
  const elf = jniBindings(['Java_a_B_m', 'JNI_OnLoad', 'printf', 'Java_a_B_m', '_Java_a_B_n'], { format: 'elf', arch: 'x86_64' });
  assert.deepEqual(elf.methods.map((m) => m.symbol), ['Java_a_B_m']);
  assert.deepEqual(elf.lifecycle, [{ kind: 'onload', library: null, symbol: 'JNI_OnLoad' }]);
  assert.equal(elf.hasOnLoad, true);
  assert.deepEqual(elf.classes, ['a.B']);
  assert.match(elf.invalid[0]!.reason, /leading underscore on ELF: the JVM looks up Java_a_B_n/);

  const macho = jniBindings(['_Java_a_B_m', 'Java_a_B_x', '_JNI_OnLoad_static'], { format: 'macho', arch: 'arm64' });
  assert.deepEqual(macho.methods.map((m) => [m.symbol, m.method]), [['_Java_a_B_m', 'm']]);
  assert.deepEqual(macho.lifecycle, [{ kind: 'onload', library: 'static', symbol: '_JNI_OnLoad_static' }]);
  assert.equal(macho.hasOnLoad, false);

  const x86 = jniBindings(
    ['_Java_a_B_m@8', '_Java_a_B_add__II@16', '_Java_a_B_add__JJ@20', 'Java_a_B_k@12', 'Java_a_B_plain', '_JNI_OnLoad@8', '_Java_a_B_n', '_Java_a_B_o@6'],
    { format: 'pe', arch: 'i386' },
  );
  assert.deepEqual(x86.methods.map((m) => [m.symbol, m.stdcallArgBytes]), [['_Java_a_B_m@8', 8], ['_Java_a_B_add__II@16', 16], ['Java_a_B_plain', null]]);
  assert.deepEqual(x86.lifecycle.map((l) => l.symbol), ['_JNI_OnLoad@8']);
  assert.deepEqual(
    x86.invalid.map((i) => [i.symbol, /looks up @24/.test(i.reason) || /MinGW/.test(i.reason) || /no @N/.test(i.reason) || /not a JNI argument size/.test(i.reason)]),
    [['_Java_a_B_add__JJ@20', true], ['Java_a_B_k@12', true], ['_Java_a_B_n', true], ['_Java_a_B_o@6', true]],
  );

  // On x86_64 Windows the JVM looks up only the bare name.
  const x64 = jniBindings(['Java_a_B_m', '_Java_a_B_n@8'], { format: 'pe', arch: 'x86_64' });
  assert.deepEqual(x64.methods.map((m) => m.symbol), ['Java_a_B_m']);
  assert.match(x64.invalid[0]!.reason, /leading underscore on x86_64 Windows/);
});

test('the keepDefinedSymbol filter keeps every spelling jniBindings reads', () => {
  for (const n of ['Java_a_B_m', '_Java_a_B_m', '_Java_a_B_m@8', 'JavaCritical_a_B_m', 'JNI_OnLoad', '_JNI_OnLoad@8', 'JNI_OnUnload_x']) assert.ok(JNI_SYMBOL.test(n), n);
  for (const n of ['printf', 'napi_register_module_v1', 'java_x']) assert.ok(!JNI_SYMBOL.test(n), n);
});

// ---------------------------------------------------------------------------
// Properties

/** Java identifier characters: ASCII, '_', '$', Latin-1 and CJK letters, a supplementary letter (U+1D49C). */
const START = ['a', 'b', 'Z', '_', '$', '\u00e9', '\u00df', '\u4e2d', '\u03a9', '\u{1d49c}'];
const PART = [...START, '0', '1', '2', '3', '9'];
const KEYWORDS = new Set(['_', 'do', 'if', 'for', 'int', 'new', 'try']);
const identifier = fc
  .tuple(fc.constantFrom(...START), fc.array(fc.constantFrom(...PART), { minLength: 1, maxLength: 6 }))
  .map(([s, rest]) => s + rest.join(''))
  .filter((id) => !KEYWORDS.has(id));
const packageName = fc.array(identifier, { minLength: 0, maxLength: 3 });

test('round trip: mangleJniName then decodeJniName gives back class, method and descriptor', () => {
  fc.assert(
    fc.property(packageName, identifier, identifier, fc.option(fc.array(fc.constant(0), { maxLength: 4 }), { nil: null }), fc.nat(), (pkg, cls, name, params, salt) => {
      const internal = [...pkg, cls].join('/');
      const types = params === null ? null : params.map((_, i) => ['I', 'J', '[B', `L${internal};`, 'Ljava/lang/String;'][(salt + i) % 5]!);
      const signature = types === null ? null : `(${types.join('')})`;
      const mangled = mangleJniName(internal, name, signature);
      assert.ok(mangled !== null && /^Java_[A-Za-z0-9_]+$/.test(mangled), `${internal}.${name}`);
      assert.deepEqual(decodeJniName(mangled), method(internal.replace(/\//g, '.'), name, signature));
    }),
    { seed: SEED, numRuns: 2000 },
  );
});

test('decoding arbitrary names never throws, and every name it accepts is the canonical spelling', () => {
  const body = fc.string({ unit: fc.constantFrom('a', 'B', 'z', '0', '1', '2', '3', '9', 'e', 'f', '_', '_', '__', 'L', 'I', '$'), maxLength: 30 });
  fc.assert(
    fc.property(fc.constantFrom('Java_', 'JavaCritical_', 'JNI_OnLoad', ''), body, (prefix, rest) => {
      const name = prefix + rest;
      const d = decodeJniName(name);
      if (d && (d.kind === 'method' || d.kind === 'critical')) {
        assert.equal(mangleJniName(d.className, d.method, d.signature, d.kind === 'method' ? 'Java_' : 'JavaCritical_'), name);
      }
    }),
    { seed: SEED, numRuns: 5000 },
  );
});

test('javac -h agrees: the JNI names the JDK writes for generated classes with random identifiers', () => {
  const javac = toolPath('javac');
  const classes = fc.sample(
    fc.record({ pkg: packageName, cls: identifier, methods: fc.array(fc.tuple(identifier, fc.array(fc.nat(13), { maxLength: 3 })), { minLength: 1, maxLength: 4 }) }),
    { seed: SEED, numRuns: 60 },
  );
  const dir = mkdtempSync(join(tmpdir(), 'distaudit-javac-h-'));
  try {
    const expected = new Set<string>();
    const files: string[] = [];
    classes.forEach((c, i) => {
      const cls = `${c.cls}${i}`; // unique per run, and a digit after a letter is no escape problem
      const internal = [...c.pkg, cls].join('/');
      const types = ['int', 'long', 'boolean', 'byte', 'char', 'short', 'float', 'double', 'int[]', 'long[][]', 'String', 'Object[]', cls, `${cls}[]`];
      const desc = ['I', 'J', 'Z', 'B', 'C', 'S', 'F', 'D', '[I', '[[J', 'Ljava/lang/String;', '[Ljava/lang/Object;', `L${internal};`, `[L${internal};`];
      // Distinct (name, parameter list) pairs; a name used twice is overloaded and gets long names.
      const seen = new Map<string, string[]>();
      for (const [name, params] of c.methods) {
        const sig = `(${params.map((p) => desc[p]).join('')})`;
        const sigs = seen.get(name) ?? [];
        if (!sigs.includes(sig)) sigs.push(sig);
        seen.set(name, sigs);
      }
      const decls: string[] = [];
      for (const [name, sigs] of seen) {
        for (const sig of sigs) {
          const params = c.methods.find(([n, p]) => n === name && `(${p.map((x) => desc[x]).join('')})` === sig)![1];
          decls.push(`  static native void ${name}(${params.map((p, k) => `${types[p]} p${k}`).join(', ')});`);
          expected.add(mangleJniName(internal, name, sigs.length > 1 ? sig : null)!);
        }
      }
      const file = join(dir, `F${i}.java`);
      writeFileSync(file, `${c.pkg.length ? `package ${c.pkg.join('.')};\n` : ''}class ${cls} {\n${decls.join('\n')}\n}\n`);
      files.push(file);
    });
    mkdirSync(join(dir, 'out'));
    execFileSync(javac, ['-encoding', 'UTF-8', '-d', join(dir, 'out'), '-h', join(dir, 'h'), ...files], { stdio: 'pipe' });
    const written = new Set<string>();
    for (const h of readdirSync(join(dir, 'h'))) {
      for (const m of readFileSync(join(dir, 'h', h), 'utf8').matchAll(/JNICALL (Java_[A-Za-z0-9_]+)/g)) written.add(m[1]!);
    }
    assert.ok(written.size >= classes.length, 'javac wrote the headers');
    assert.deepEqual([...written].sort(), [...expected].sort());
    for (const name of written) assert.equal(decodeJniName(name)?.kind, 'method', name);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
