/**
 * classifyLoad on the loaders' exact words: every text measured in
 * reference/notes/load-sandbox.md §3 (Python, JNI, Node on Debian) and §5
 * (musl, the N-API harness), and the few more the probes produce (see
 * probes.test.ts for the same texts from real loads on this machine).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { classifyLoad, type LoadClassificationInput } from '../../src/load/classify.ts';
import type { ProbeKind, ProbeReport } from '../../src/load/types.ts';

const NO_SUCH = 'cannot open shared object file: No such file or directory';

/** A probe that reported a failure at `stage` with the runtime's words. */
function reported(probe: ProbeKind, error: string, opts: { stage?: ProbeReport['stage']; errorType?: string | null; partial?: boolean; extra?: Partial<LoadClassificationInput> } = {}) {
  const errorType = opts.errorType !== undefined ? opts.errorType : { python: 'ImportError', java: 'java.lang.UnsatisfiedLinkError', node: 'Error', dlopen: null }[probe];
  const report: ProbeReport = { ok: false, stage: opts.stage ?? 'load', error, errorType, ...(opts.partial ? { partial: 'resolution-only' as const } : {}) };
  return classifyLoad({ probe, report, exitCode: 1, signal: null, timedOut: false, oomKilled: false, stdout: '', stderr: '', ...opts.extra });
}

/** A run that printed no report: what stderr says is all there is. */
function unreported(probe: ProbeKind, stderr: string, extra: Partial<LoadClassificationInput> = {}) {
  return classifyLoad({ probe, report: null, exitCode: 127, signal: null, timedOut: false, oomKilled: false, stdout: '', stderr, ...extra });
}

const arm64OnAmd64 = (path: string): Partial<LoadClassificationInput> => ({ binaryPath: path, binaryArch: 'arm64', imageArch: 'x86_64' });

// ---------------------------------------------------------------- Python (§3)

test('Python: a missing NEEDED library, a too-new GLIBC version, an undefined symbol', () => {
  const missing = reported('python', `libhelper.so: ${NO_SUCH}`);
  assert.deepEqual(missing, { status: 'failed', class: 'missing-library', message: `libhelper.so: ${NO_SUCH}`, detail: { library: 'libhelper.so' } });

  const glibc = "/lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.38' not found (required by /art/glibcmod.abi3.so)";
  assert.deepEqual(reported('python', glibc), {
    status: 'failed',
    class: 'symbol-version',
    message: glibc,
    detail: { version: 'GLIBC_2.38', library: 'libc.so.6', requiredBy: '/art/glibcmod.abi3.so' },
  });

  const undef = reported('python', '/art/undefmod.abi3.so: undefined symbol: symbol_that_nobody_defines');
  assert.equal(undef.class, 'undefined-symbol');
  assert.deepEqual(undef.detail, { symbol: 'symbol_that_nobody_defines', library: '/art/undefmod.abi3.so' });
});

test('Python: a foreign-architecture module is "No such file" about itself: wrong-machine when its arch differs from the image\'s', () => {
  const text = `/art/okarm.abi3.so: ${NO_SUCH}`;
  const known = reported('python', text, { extra: arm64OnAmd64('/art/okarm.abi3.so') });
  assert.deepEqual(known, { status: 'failed', class: 'wrong-machine', message: text, detail: { library: '/art/okarm.abi3.so', found: 'arm64', expected: 'x86_64' } });
  // The same words about a file of the image's own architecture: the file is really missing.
  const same = reported('python', text, { extra: { binaryPath: '/art/okarm.abi3.so', binaryArch: 'x86_64', imageArch: 'x86_64' } });
  assert.equal(same.class, 'missing-library');
  // Without the architectures the words are all there is.
  assert.equal(reported('python', text).class, 'missing-library');
  // A dependency named by soname is a missing dependency even when the binary is foreign.
  assert.equal(reported('python', `libhelper.so: ${NO_SUCH}`, { extra: arm64OnAmd64('/art/okarm.abi3.so') }).class, 'missing-library');
});

test('Python: wrong ELF class, a file too short and a non-ELF file', () => {
  assert.deepEqual(reported('python', '/art/ok32.abi3.so: wrong ELF class: ELFCLASS32').detail, { library: '/art/ok32.abi3.so', found: 'ELFCLASS32' });
  assert.equal(reported('python', '/art/ok32.abi3.so: wrong ELF class: ELFCLASS32').class, 'wrong-elf-class');
  assert.deepEqual(reported('python', '/art/okabi3.abi3.so: file too short'), {
    status: 'failed',
    class: 'invalid-elf',
    message: '/art/okabi3.abi3.so: file too short',
    detail: { library: '/art/okabi3.abi3.so', reason: 'file too short' },
  });
  assert.equal(reported('python', '/art/notelf.so: invalid ELF header').class, 'invalid-elf');
});

test('Python: a truncated ELF crashes the loader with SIGBUS', () => {
  const c = classifyLoad({ probe: 'python', report: null, exitCode: null, signal: 'SIGBUS', timedOut: false, oomKilled: false, stdout: '', stderr: '' });
  assert.deepEqual(c, { status: 'crashed', class: 'crash', message: 'killed by SIGBUS', detail: { signal: 'SIGBUS' } });
});

test('Python: no PyInit is an init failure naming the function; a module PyInit imports is an init dependency', () => {
  const noInit = reported('python', 'dynamic module does not define module export function (PyInit_wrongname)');
  assert.deepEqual(noInit, {
    status: 'failed',
    class: 'init-failure',
    message: 'dynamic module does not define module export function (PyInit_wrongname)',
    detail: { symbol: 'PyInit_wrongname' },
  });
  const dep = reported('python', "No module named 'okmod'", { stage: 'init', errorType: 'ModuleNotFoundError' });
  assert.deepEqual(dep, { status: 'failed', class: 'init-dependency', message: "ModuleNotFoundError: No module named 'okmod'", detail: { exception: 'ModuleNotFoundError', module: 'okmod' } });
  const numpy = reported('python', 'numpy.core.multiarray failed to import', { stage: 'init', errorType: 'ImportError' });
  assert.equal(numpy.class, 'init-dependency');
  const raised = reported('python', 'init_raises refuses to initialise', { stage: 'init', errorType: 'RuntimeError' });
  assert.deepEqual(raised, { status: 'failed', class: 'init-failure', message: 'RuntimeError: init_raises refuses to initialise', detail: { exception: 'RuntimeError' } });
});

test('Python: a musl-built extension on glibc asks for libc.so (and with libc6-dev present finds a linker script)', () => {
  assert.deepEqual(reported('python', `libc.so: ${NO_SUCH}`).detail, { library: 'libc.so' });
  const script = reported('python', '/usr/lib/x86_64-linux-gnu/libc.so: invalid ELF header');
  assert.equal(script.class, 'invalid-elf');
  assert.equal(script.detail.library, '/usr/lib/x86_64-linux-gnu/libc.so');
});

// ---------------------------------------------------------------- JNI (§3)

test('JNI: missing library, GLIBC version, and the JVM\'s own hint on foreign architectures', () => {
  assert.deepEqual(reported('java', `/art/libjnineed.so: libhelper.so: ${NO_SUCH}`).detail, { library: 'libhelper.so' });
  const glibc = "/art/libjniglibc.so: /lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.38' not found (required by /art/libjniglibc.so)";
  assert.deepEqual(reported('java', glibc).detail, { version: 'GLIBC_2.38', library: 'libc.so.6', requiredBy: '/art/libjniglibc.so' });

  const arm = `/art/libjniarm.so: /art/libjniarm.so: ${NO_SUCH} (Possible cause: can't load AARCH64 .so on a AMD 64 platform)`;
  assert.deepEqual(reported('java', arm), { status: 'failed', class: 'wrong-machine', message: arm, detail: { library: '/art/libjniarm.so', found: 'AARCH64', expected: 'AMD 64' } });
  assert.deepEqual(reported('java', arm, { extra: arm64OnAmd64('/art/libjniarm.so') }).detail, { library: '/art/libjniarm.so', found: 'arm64', expected: 'x86_64' });
  const x64OnArm = `/art/libjni.so: /art/libjni.so: ${NO_SUCH} (Possible cause: can't load AMD 64 .so on a AARCH64 platform)`;
  assert.deepEqual(reported('java', x64OnArm).detail, { library: '/art/libjni.so', found: 'AMD 64', expected: 'AARCH64' });

  const i386 = '/art/libjni32.so: /art/libjni32.so: wrong ELF class: ELFCLASS32 (Possible cause: can\'t load IA 32 .so on a AMD 64 platform)';
  assert.deepEqual(reported('java', i386), { status: 'failed', class: 'wrong-elf-class', message: i386, detail: { library: '/art/libjni32.so', found: 'ELFCLASS32' } });

  // Java 11 (Debian 11) words both hints differently.
  const arm11 = `/art/libjniarm.so: /art/libjniarm.so: ${NO_SUCH} (Possible cause: can't load AARCH64-bit .so on a AMD 64-bit platform)`;
  assert.deepEqual(reported('java', arm11).detail, { library: '/art/libjniarm.so', found: 'AARCH64', expected: 'AMD 64' });
  const i386j11 = '/art/libjni32.so: /art/libjni32.so: wrong ELF class: ELFCLASS32 (Possible cause: architecture word width mismatch)';
  assert.equal(reported('java', i386j11).class, 'wrong-elf-class');
});

test('JNI: an undefined symbol fails at load only with LD_BIND_NOW; bound lazily, the first call kills the JVM with rc 127 and no report', () => {
  const now = reported('java', '/art/libjniundef.so: /art/libjniundef.so: undefined symbol: symbol_that_nobody_defines');
  assert.deepEqual(now.detail, { symbol: 'symbol_that_nobody_defines', library: '/art/libjniundef.so' });
  assert.equal(now.class, 'undefined-symbol');
  const lazy = unreported('java', 'java: symbol lookup error: /art/libjniundef.so: undefined symbol: symbol_that_nobody_defines\n');
  assert.deepEqual(lazy, {
    status: 'failed',
    class: 'undefined-symbol',
    message: 'java: symbol lookup error: /art/libjniundef.so: undefined symbol: symbol_that_nobody_defines',
    detail: { symbol: 'symbol_that_nobody_defines', library: '/art/libjniundef.so' },
  });
});

test('JNI: JNI_OnLoad returning an unsupported version, or throwing, is an init failure; a class it cannot find an init dependency', () => {
  const version = reported('java', 'unsupported JNI version 0x7FFF0000 required by /art/libjni_badversion.so', { stage: 'init' });
  assert.deepEqual(version, {
    status: 'failed',
    class: 'init-failure',
    message: 'java.lang.UnsatisfiedLinkError: unsupported JNI version 0x7FFF0000 required by /art/libjni_badversion.so',
    detail: { jniVersion: '0x7FFF0000', library: '/art/libjni_badversion.so', exception: 'java.lang.UnsatisfiedLinkError' },
  });
  const threw = reported('java', 'jni_throws: native init refused', { stage: 'init', errorType: 'java.lang.IllegalStateException' });
  assert.deepEqual(threw.detail, { exception: 'java.lang.IllegalStateException' });
  assert.equal(threw.class, 'init-failure');
  const cls = reported('java', 'org/example/Native', { stage: 'init', errorType: 'java.lang.NoClassDefFoundError' });
  assert.deepEqual(cls.detail, { exception: 'java.lang.NoClassDefFoundError', class: 'org.example.Native' });
  assert.equal(cls.class, 'init-dependency');
  assert.deepEqual(reported('java', "Can't load library: /art/none.so").detail, { library: '/art/none.so' });
});

test('JNI: a native crash becomes the JVM\'s hs_err report and SIGABRT; the fault it names is kept', () => {
  const stdout = [
    '#',
    '# A fatal error has been detected by the Java Runtime Environment:',
    '#',
    '#  SIGSEGV (0xb) at pc=0x00007f2c1c1f1109, pid=2, tid=3',
    '#',
  ].join('\n');
  const c = classifyLoad({ probe: 'java', report: null, exitCode: null, signal: 'SIGABRT', timedOut: false, oomKilled: false, stdout, stderr: '' });
  assert.deepEqual(c, { status: 'crashed', class: 'crash', message: 'killed by SIGABRT: SIGSEGV (0xb) at pc=0x00007f2c1c1f1109, pid=2, tid=3', detail: { signal: 'SIGABRT', fault: 'SIGSEGV' } });
});

// ---------------------------------------------------------------- Node (§3)

test('Node: NODE_MODULE_VERSION mismatch, Node\'s message joined into one line', () => {
  const text =
    "The module '/art/v8_ok.node'\nwas compiled against a different Node.js version using\nNODE_MODULE_VERSION 115. This version of Node.js requires\nNODE_MODULE_VERSION 108. Please try re-compiling or re-installing\nthe module (for instance, using `npm rebuild` or `npm install`).";
  const c = reported('node', text);
  assert.equal(c.class, 'module-abi');
  assert.deepEqual(c.detail, { expected: '108', found: '115' });
  assert.equal(
    c.message,
    "The module '/art/v8_ok.node' was compiled against a different Node.js version using NODE_MODULE_VERSION 115. This version of Node.js requires NODE_MODULE_VERSION 108. Please try re-compiling or re-installing the module (for instance, using `npm rebuild` or `npm install`).",
  );
});

test('Node: missing library, GLIBC version, foreign architecture, undefined symbols now and lazily', () => {
  assert.deepEqual(reported('node', `libhelper.so: ${NO_SUCH}`).detail, { library: 'libhelper.so' });
  const glibc = "/lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.38' not found (required by /art/napi_glibc.node)";
  assert.equal(reported('node', glibc).class, 'symbol-version');
  assert.equal(reported('node', `/art/napi_arm.node: ${NO_SUCH}`, { extra: arm64OnAmd64('/art/napi_arm.node') }).class, 'wrong-machine');
  const now = reported('node', '/art/napi_undef.node: undefined symbol: symbol_that_nobody_defines');
  assert.deepEqual([now.class, now.detail], ['undefined-symbol', { symbol: 'symbol_that_nobody_defines', library: '/art/napi_undef.node' }]);
  const lazy = unreported('node', 'node: symbol lookup error: /art/napi_undef.node: undefined symbol: symbol_that_nobody_defines');
  assert.deepEqual([lazy.status, lazy.class], ['failed', 'undefined-symbol']);
});

test('Node: a musl addon on Debian asks for libc.so, or meets the libc.so linker script', () => {
  assert.deepEqual(reported('node', `libc.so: ${NO_SUCH}`).detail, { library: 'libc.so' });
  assert.equal(reported('node', '/usr/lib/x86_64-linux-gnu/libc.so: invalid ELF header').class, 'invalid-elf');
});

test('Node: Node-API version texts, and Node-API functions the runtime lacks', () => {
  const text = '/art/x.node requires Node-API version 10, but this version of Node.js only supports version 9 add-ons.';
  assert.deepEqual(reported('node', text), { status: 'failed', class: 'napi-version', message: text, detail: { required: '10', supported: '9' } });
  const fn = reported('node', '/art/x.node: undefined symbol: node_api_create_property_key_utf8');
  assert.deepEqual([fn.class, fn.detail.symbol], ['napi-version', 'node_api_create_property_key_utf8']);
});

test('Node: no registration at all is an init failure; an exception from the addon\'s init too', () => {
  const self = reported('node', "Module did not self-register: '/art/lib/libplain.so'.");
  assert.deepEqual([self.class, self.detail], ['init-failure', { library: '/art/lib/libplain.so' }]);
  assert.equal(reported('node', 'Module has no declared entry point.').class, 'init-failure');
  const threw = reported('node', 'napi_throws: native init refused', { stage: 'init' });
  assert.deepEqual(threw, { status: 'failed', class: 'init-failure', message: 'napi_throws: native init refused', detail: { exception: 'Error' } });
});

// ---------------------------------------------------------------- musl (§5)

test('musl: missing library (with who needs it), undefined and glibc-only symbols', () => {
  const missing = 'Error loading shared library libmhelper.so: No such file or directory (needed by /art/libmneed.so)';
  assert.deepEqual(reported('dlopen', missing), { status: 'failed', class: 'missing-library', message: missing, detail: { library: 'libmhelper.so', requiredBy: '/art/libmneed.so' } });
  assert.deepEqual(reported('dlopen', 'Error relocating /art/libmundef.so: symbol_that_nobody_defines: symbol not found').detail, {
    symbol: 'symbol_that_nobody_defines',
    library: '/art/libmundef.so',
  });
  const glibcOnly = reported('python', 'Error relocating /art/glibcmod.abi3.so: __isoc23_strtol: symbol not found');
  assert.deepEqual([glibcOnly.class, glibcOnly.detail.symbol], ['undefined-symbol', '__isoc23_strtol']);
});

test('musl: a manylinux (glibc) addon misses libgcc_s.so.1 and ld-linux-x86-64.so.2, and __memcpy_chk', () => {
  for (const lib of ['libgcc_s.so.1', 'ld-linux-x86-64.so.2']) {
    const c = reported('node', `Error loading shared library ${lib}: No such file or directory (needed by /art/rollup.linux-x64-gnu.node)`, { partial: true });
    assert.deepEqual(c.detail, { library: lib, requiredBy: '/art/rollup.linux-x64-gnu.node', partial: 'resolution-only' });
  }
  assert.equal(reported('node', 'Error relocating /art/rollup.linux-x64-gnu.node: __memcpy_chk: symbol not found', { partial: true }).class, 'undefined-symbol');
});

test('musl: a foreign library fails on a relocation; one of the other ELF class (or no ELF) with "Exec format error"', () => {
  const arm = reported('dlopen', 'Error relocating /art/napi_arm.node: unsupported relocation type 1026', { extra: arm64OnAmd64('/art/napi_arm.node') });
  assert.deepEqual(arm.detail, { library: '/art/napi_arm.node', found: 'arm64', expected: 'x86_64', relocationType: '1026' });
  assert.equal(arm.class, 'wrong-machine');
  assert.equal(reported('dlopen', 'Error relocating /art/napi_arm.node: unsupported relocation type 1026').class, 'wrong-machine');

  const text = 'Error loading shared library /art/ok32.abi3.so: Exec format error';
  const i386 = reported('python', text, { extra: { binaryPath: '/art/ok32.abi3.so', binaryArch: 'i386', imageArch: 'x86_64' } });
  assert.deepEqual(i386, { status: 'failed', class: 'wrong-elf-class', message: text, detail: { library: '/art/ok32.abi3.so', found: 'i386', expected: 'x86_64' } });
  assert.equal(reported('python', text).class, 'invalid-elf');
});

test('musl: a glibc program cannot even start; the sandbox says so on stderr', () => {
  const c = unreported('dlopen', 'bwrap: execvp /art/gdlopen: No such file or directory\n', { exitCode: 1 });
  assert.deepEqual(c, { status: 'failed', class: 'unknown', message: 'bwrap: execvp /art/gdlopen: No such file or directory', detail: { exitCode: '1' } });
});

test('the N-API harness: resolved is a pass marked resolution-only; a Node-API function its stub lacks is napi-version; no entry point an init failure', () => {
  const ok: ProbeReport = { ok: true, stage: 'load', error: null, errorType: null, partial: 'resolution-only' };
  assert.deepEqual(classifyLoad({ probe: 'node', report: ok, exitCode: 0, signal: null, timedOut: false, oomKilled: false, stdout: '', stderr: '' }), {
    status: 'passed',
    class: null,
    message: '',
    detail: { partial: 'resolution-only' },
  });
  const napi = reported('node', 'Error relocating /art/x.node: node_api_post_finalizer: symbol not found', { partial: true });
  assert.deepEqual([napi.class, napi.detail.symbol], ['napi-version', 'node_api_post_finalizer']);
  const none = reported('node', 'no Node-API entry point: napi_register_module_v1 is not exported and no constructor called napi_module_register', { partial: true });
  assert.deepEqual([none.class, none.detail], ['init-failure', { symbol: 'napi_register_module_v1', partial: 'resolution-only' }]);
});

// ---------------------------------------------------------------- beyond the notes

test('glibc 2.41 refuses a library that asks for an executable stack', () => {
  const text = '/art/m.so: cannot enable executable stack as shared object requires: Invalid argument';
  assert.deepEqual(reported('python', text).detail, { library: '/art/m.so', reason: 'executable stack' });
  assert.equal(reported('python', text).class, 'invalid-elf');
});

test('the sandbox\'s own limits: timeout, the OOM killer, the pids limit', () => {
  const base = { probe: 'java' as const, report: null, exitCode: null, signal: 'SIGKILL', stdout: '', stderr: '' };
  assert.deepEqual(classifyLoad({ ...base, timedOut: true, oomKilled: false }), {
    status: 'timed-out',
    class: 'timeout',
    message: 'no result within the time limit: the sandbox was killed',
    detail: {},
  });
  assert.deepEqual(classifyLoad({ ...base, timedOut: false, oomKilled: true }).class, 'resource-limit');
  assert.deepEqual(classifyLoad({ ...base, timedOut: false, oomKilled: true }).status, 'crashed');
  const pids = classifyLoad({ ...base, signal: null, exitCode: 1, timedOut: false, oomKilled: false, pidsLimitHit: true, stderr: '[0.010s][warning][os,thread] Failed to start thread "GC Thread#0" - pthread_create failed (EAGAIN)\n' });
  assert.deepEqual([pids.status, pids.class, pids.detail], ['failed', 'resource-limit', { limit: 'pids' }]);
});

test('a probe that could not start, printed no report, or printed words nothing here knows', () => {
  const setup: ProbeReport = { ok: false, stage: 'setup', error: 'usage: probe_dlopen LIBRARY...', errorType: null };
  assert.deepEqual(classifyLoad({ probe: 'dlopen', report: setup, exitCode: 2, signal: null, timedOut: false, oomKilled: false, stdout: '', stderr: '' }), {
    status: 'failed',
    class: 'unknown',
    message: 'usage: probe_dlopen LIBRARY...',
    detail: { stage: 'setup' },
  });
  const silent = classifyLoad({ probe: 'python', report: null, exitCode: 0, signal: null, timedOut: false, oomKilled: false, stdout: '', stderr: '' });
  assert.deepEqual(silent, { status: 'failed', class: 'unknown', message: 'the probe exited with 0 and no report', detail: { exitCode: '0' } });
  assert.equal(reported('dlopen', 'something no loader says').class, 'unknown');
  assert.equal(reported('dlopen', 'libfoo.so: cannot open shared object file: Permission denied').class, 'unknown');
});
