/**
 * The load probes (src/load/probes.ts, native/load/probe/) built for real and
 * run on this machine against the fixtures of test/fixtures/load-probes.ts,
 * with the host's runtimes (Python 3.11, Java 17, Node 20), musl's loader
 * (/lib/ld-musl-x86_64.so.1, Debian's `musl` package) and qemu-aarch64-static
 * for the arm64 build: what each probe reports, and how classifyLoad reads it.
 * Runs in the images themselves are the driver's tests.
 *
 * The commands come from probeCommand with a manifest describing this
 * machine; /probe in them is replaced by the built directory (there is no
 * sandbox here), and the environment is exactly PROBE_ENV.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classifyLoad, type LoadClassification } from '../../src/load/classify.ts';
import {
  GLIBC_FLOOR,
  glibcNeeds,
  parseProbeOutput,
  PROBE_ENV,
  PROBE_FILES,
  PROBE_FLAVOURS,
  probeCommand,
  probesDir,
  RuntimeMissingError,
  type ProbeTarget,
} from '../../src/load/probes.ts';
import type { ImageManifest, ProbeKind, ProbeReport } from '../../src/load/types.ts';
import { loadProbeFixtures } from '../fixtures/load-probes.ts';
import { repoRoot, toolPath } from '../support/fixture-builder.ts';

const fx = loadProbeFixtures();

/** This machine as an image: its own runtimes. */
function hostManifest(): ImageManifest {
  const py = execFileSync('python3', ['-c', 'import sys, sysconfig; print(sys.executable); print(sysconfig.get_config_var("EXT_SUFFIX")); print("%d.%d.%d" % sys.version_info[:3])'], { encoding: 'utf8' }).trim().split('\n');
  return {
    format: 1,
    id: 'debian-bookworm-amd64',
    title: 'this machine',
    arch: 'x86_64',
    libc: { kind: 'glibc', version: '2.36' },
    emulated: false,
    runtimes: {
      python: { path: py[0]!, extSuffix: py[1]!, version: py[2]!, tag: `cp${py[2]!.split('.').slice(0, 2).join('')}` },
      java: { path: toolPath('java'), version: '17', major: 17 },
      node: { path: process.execPath, version: process.versions.node, moduleVersion: Number(process.versions.modules), napi: Number(process.versions.napi) },
    },
    sources: {},
    builtAt: new Date(0).toISOString(),
    buildSeconds: 0,
    size: 0,
    packedSize: 0,
  };
}

const HOST = hostManifest();
const MUSL: ImageManifest = { ...HOST, id: 'musl-amd64', libc: { kind: 'musl', version: '1.2.3' }, runtimes: { python: null, java: null, node: null } };
const ARM64: ImageManifest = { ...HOST, id: 'debian-bookworm-arm64', arch: 'arm64', emulated: true, runtimes: { python: null, java: null, node: null } };

interface Ran {
  report: ProbeReport | null;
  verdict: LoadClassification;
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a probe command outside any sandbox: /probe → the built directory; `wrap` runs it under an emulator. */
function runProbe(probe: ProbeKind, manifest: ImageManifest, target: ProbeTarget, opts: { env?: Record<string, string | undefined>; wrap?: string[] } = {}): Promise<Ran> {
  return probesDir(manifest).then((dir) => {
    const cmd = probeCommand(probe, manifest, target);
    const argv = [...(opts.wrap ?? []), ...cmd.argv.map((a) => a.split(':').map((p) => p.replace(/^\/probe(?=\/|$)/, dir)).join(':'))];
    const env = Object.fromEntries(Object.entries({ ...cmd.env, ...opts.env }).filter((e): e is [string, string] => e[1] !== undefined));
    const r = spawnSync(argv[0]!, argv.slice(1), { env, encoding: 'utf8', timeout: 60_000 });
    if (r.error) throw r.error;
    const report = parseProbeOutput(r.stdout);
    const verdict = classifyLoad({
      probe,
      report,
      exitCode: r.status,
      signal: r.signal,
      timedOut: false,
      oomKilled: false,
      stdout: r.stdout,
      stderr: r.stderr,
      binaryPath: target.path,
      imageArch: manifest.arch,
      binaryArch: target.path.includes('/arm64/') ? 'arm64' : target.path.includes('/i386/') ? 'i386' : 'x86_64',
    });
    return { report, verdict, status: r.status, stdout: r.stdout, stderr: r.stderr };
  });
}

function assertPassed(r: Ran, stage: ProbeReport['stage'] = 'init') {
  assert.deepEqual(r.report, { ok: true, stage, error: null, errorType: null }, r.stderr);
  assert.equal(r.status, 0);
  assert.equal(r.verdict.status, 'passed');
}

function assertFailed(r: Ran, stage: ProbeReport['stage'], cls: LoadClassification['class'], detail: Record<string, string>, message?: RegExp) {
  assert.equal(r.report?.ok, false, r.stdout + r.stderr);
  assert.equal(r.report?.stage, stage, r.report?.error ?? '');
  assert.equal(r.status, 1);
  assert.equal(r.verdict.status, 'failed');
  assert.equal(r.verdict.class, cls, r.verdict.message);
  assert.deepEqual(r.verdict.detail, detail);
  if (message) assert.match(r.verdict.message, message);
}

// ---------------------------------------------------------------- the build

test('the probes are built once per flavour into directories uid 65534 can read', async () => {
  const dirs = await Promise.all(PROBE_FLAVOURS.map((f) => probesDir(f)));
  assert.deepEqual(await Promise.all(PROBE_FLAVOURS.map((f) => probesDir(f))), dirs);
  for (const dir of dirs) {
    assert.deepEqual(readdirSync(dir).sort(), Object.values(PROBE_FILES).sort());
    for (let d = dir; d !== '/'; d = join(d, '..')) assert.ok((statSync(d).mode & 0o005) === 0o005, `${d} is not traversable by others`);
    for (const f of readdirSync(dir)) {
      const mode = statSync(join(dir, f)).mode & 0o777;
      assert.ok(mode === 0o644 || mode === 0o755, `${f}: mode ${mode.toString(8)}`);
    }
  }
  assert.equal(await probesDir(HOST), dirs[0]);
  assert.equal(await probesDir(MUSL), dirs[2]);
  assert.equal(await probesDir(ARM64), dirs[1]);
});

test('processes building at the same moment build once and leave no temporary directory behind', async () => {
  const root = mkdtempSync(join(tmpdir(), 'distaudit-probes-test-'));
  try {
    const script = "import { probesDir } from './src/load/probes.ts'; process.stdout.write(await probesDir('musl-x86_64'));";
    const child = () =>
      new Promise<string>((resolve, reject) => {
        const c = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { cwd: repoRoot, env: { ...process.env, DISTAUDIT_PROBES: root } });
        let out = '';
        let err = '';
        c.stdout.on('data', (d: Buffer) => (out += d));
        c.stderr.on('data', (d: Buffer) => (err += d));
        c.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`exit ${code}: ${err}`))));
      });
    const [a, b] = await Promise.all([child(), child()]);
    assert.equal(a, b);
    assert.ok(existsSync(join(a, PROBE_FILES.dlopen)));
    const hashDir = join(a, '..');
    assert.deepEqual(readdirSync(hashDir).sort(), ['musl-x86_64', 'shared']);
    assert.deepEqual(readdirSync(root).length, 1);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('a missing toolchain is an error naming the Debian package to install, and nothing half-built stays', async () => {
  const root = mkdtempSync(join(tmpdir(), 'distaudit-probes-test-'));
  const bin = mkdtempSync(join(tmpdir(), 'distaudit-bin-'));
  try {
    symlinkSync(toolPath('javac'), join(bin, 'javac'));
    const build = (path: string) =>
      spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', "import { probesDir } from './src/load/probes.ts'; await probesDir('musl-x86_64');"], {
        cwd: repoRoot,
        encoding: 'utf8',
        env: { ...process.env, DISTAUDIT_PROBES: root, PATH: path },
      });
    assert.match(build('/nonexistent').stderr, /javac is not on PATH; it builds the Java load probe\. Install it: apt-get install openjdk-17-jdk-headless/);
    assert.match(build(bin).stderr, /musl-gcc is not on PATH; it builds the musl-x86_64 load probes\. Install it: apt-get install musl-tools/);
    const [hash, ...others] = readdirSync(root);
    assert.deepEqual(others, []);
    assert.deepEqual(readdirSync(join(root, hash!)), ['shared']);
  } finally {
    rmSync(root, { recursive: true, force: true });
    rmSync(bin, { recursive: true, force: true });
  }
});

test(`the glibc probes need nothing newer than GLIBC_${GLIBC_FLOOR}, by our ELF parser and by readelf -V, and load libdl.so.2 for glibc before 2.34`, async () => {
  for (const flavour of ['glibc-x86_64', 'glibc-arm64'] as const) {
    const dir = await probesDir(flavour);
    for (const f of [PROBE_FILES.dlopen, PROBE_FILES.napiHarness, PROBE_FILES.napiStub]) {
      const { maxGlibc, needed } = glibcNeeds(join(dir, f));
      const readelf = execFileSync('readelf', ['-V', '-W', join(dir, f)], { encoding: 'utf8' });
      const versions = [...readelf.matchAll(/Name: GLIBC_([\d.]+)/g)].map((m) => m[1]!);
      const newest = versions.sort((x, y) => x.localeCompare(y, undefined, { numeric: true })).pop();
      assert.equal(maxGlibc, newest, `${flavour}/${f}`);
      assert.ok(newest && newest.localeCompare(GLIBC_FLOOR, undefined, { numeric: true }) <= 0, `${flavour}/${f} needs GLIBC_${newest}`);
      if (f !== PROBE_FILES.napiStub) assert.ok(needed.includes('libdl.so.2'), `${flavour}/${f}: NEEDED ${needed.join(', ')}`);
    }
  }
  assert.equal(glibcNeeds(join(await probesDir('glibc-x86_64'), PROBE_FILES.dlopen)).maxGlibc, '2.2.5');
  assert.equal(glibcNeeds(join(await probesDir('glibc-arm64'), PROBE_FILES.dlopen)).maxGlibc, '2.17');
});

// ---------------------------------------------------------------- commands and output

test('probeCommand runs each image\'s own runtime with the probe from /probe and nothing of the host\'s environment', () => {
  const art = '/art/site/pkg/_m.abi3.so';
  const py = probeCommand('python', HOST, { path: art, module: 'pkg._m', siteDir: '/art/site' });
  assert.deepEqual(py.argv, [HOST.runtimes.python!.path, '-I', '-B', '/probe/probe.py', '/art/site', 'pkg._m', art]);
  assert.deepEqual(py.env, { PATH: '/usr/local/bin:/usr/bin:/bin', HOME: '/scratch', LANG: 'C.UTF-8', LD_BIND_NOW: '1' });
  const java = probeCommand('java', HOST, { path: '/art/jar/lib.so', classPath: ['/art/jar'], preload: ['/art/jar/dep.so'] });
  assert.deepEqual(java.argv.slice(-5), ['-cp', '/probe:/art/jar', 'Probe', '/art/jar/dep.so', '/art/jar/lib.so']);
  assert.ok(java.argv.includes('-Xmx256m') && java.argv.includes('-XX:-UsePerfData'));
  assert.deepEqual(probeCommand('node', HOST, { path: '/art/a.node' }).argv, [process.execPath, '/probe/probe.js', '/art/a.node']);
  assert.deepEqual(probeCommand('node', MUSL, { path: '/art/a.node' }), { program: 'napi-harness', argv: ['/probe/napi_probe', '/art/a.node'], env: { ...PROBE_ENV } });
  assert.deepEqual(probeCommand('dlopen', MUSL, { path: '/art/a.so' }).argv, ['/probe/probe_dlopen', '/art/a.so']);
  assert.throws(() => probeCommand('python', MUSL, { path: art, module: 'm' }), (e: unknown) => e instanceof RuntimeMissingError && e.probe === 'python' && e.image === 'musl-amd64');
  assert.throws(() => probeCommand('java', MUSL, { path: art }), RuntimeMissingError);
  assert.throws(() => probeCommand('python', HOST, { path: art }), /module name/);
});

test('parseProbeOutput takes the last marker line and refuses anything malformed', () => {
  const line = 'DISTAUDIT-PROBE {"ok":true,"stage":"init","error":null,"errorType":null}';
  assert.deepEqual(parseProbeOutput(`noise\nDISTAUDIT-PROBE {"ok":false,"stage":"load","error":"x","errorType":null}\n${line}\r\n`), { ok: true, stage: 'init', error: null, errorType: null });
  assert.deepEqual(parseProbeOutput('constructor says hi\nDISTAUDIT-PROBE {"ok":true,"stage":"load","error":null,"errorType":null,"partial":"resolution-only"}\n'), {
    ok: true,
    stage: 'load',
    error: null,
    errorType: null,
    partial: 'resolution-only',
  });
  for (const bad of ['', 'no marker', 'DISTAUDIT-PROBE {oops', 'DISTAUDIT-PROBE {"ok":"yes","stage":"load","error":null,"errorType":null}', 'DISTAUDIT-PROBE {"ok":true,"stage":"later","error":null,"errorType":null}', 'DISTAUDIT-PROBE {"ok":true,"stage":"load","error":null,"errorType":null,"partial":"half"}', ' DISTAUDIT-PROBE {}']) {
    assert.equal(parseProbeOutput(bad), null, bad);
  }
});

// ---------------------------------------------------------------- python

test('python: loads abi3 modules (multi- and single-phase) under their dotted name, whatever package they sit in', async () => {
  assertPassed(await runProbe('python', HOST, { path: fx['py/okmod.abi3.so'], module: 'okmod' }));
  assertPassed(await runProbe('python', HOST, { path: fx['py/single/okmod.abi3.so'], module: 'okmod' }));
  assertPassed(await runProbe('python', HOST, { path: fx['py/okmod.abi3.so'], module: 'absent_pkg.sub.okmod' }));
});

test('python: the loader\'s refusals are stage load, in its own words', async () => {
  const py = (path: string, module = 'm') => runProbe('python', HOST, { path, module });
  assertFailed(await py(fx['lib/libneeds_helper.so']), 'load', 'missing-library', { library: 'libhelper.so' }, /^libhelper\.so: cannot open shared object file: No such file or directory$/);
  assertFailed(await py(fx['lib/libundef.so']), 'load', 'undefined-symbol', { symbol: 'symbol_that_nobody_defines', library: fx['lib/libundef.so'] });
  assertFailed(await py(fx['lib/libneeds_glibc238.so']), 'load', 'symbol-version', { version: 'GLIBC_2.38', library: 'libc.so.6', requiredBy: fx['lib/libneeds_glibc238.so'] });
  assertFailed(await py(fx['arm64/libplain.so']), 'load', 'wrong-machine', { library: fx['arm64/libplain.so'], found: 'arm64', expected: 'x86_64' }, /cannot open shared object file: No such file or directory$/);
  assertFailed(await py(fx['i386/libplain.so']), 'load', 'wrong-elf-class', { library: fx['i386/libplain.so'], found: 'ELFCLASS32' });
  assertFailed(await py(fx['lib/notelf.so']), 'load', 'invalid-elf', { library: fx['lib/notelf.so'], reason: 'invalid ELF header' });
  const noInit = await py(fx['py/okmod.abi3.so'], 'pkg.wrongname');
  assertFailed(noInit, 'load', 'init-failure', { symbol: 'PyInit_wrongname' });
  assert.equal(noInit.report?.errorType, 'ImportError');
});

test('python: what PyInit or an exec slot raises is stage init; a module it imports but cannot find is an init dependency', async () => {
  const raises = await runProbe('python', HOST, { path: fx['py/init_raises.abi3.so'], module: 'init_raises' });
  assertFailed(raises, 'init', 'init-failure', { exception: 'RuntimeError' }, /^RuntimeError: init_raises refuses to initialise$/);
  const exec = await runProbe('python', HOST, { path: fx['py/exec_raises.abi3.so'], module: 'exec_raises' });
  assertFailed(exec, 'init', 'init-failure', { exception: 'ValueError' }, /exec_raises: bad configuration/);
  const dep = await runProbe('python', HOST, { path: fx['py/init_dep.abi3.so'], module: 'init_dep' });
  assertFailed(dep, 'init', 'init-dependency', { exception: 'ModuleNotFoundError', module: 'distaudit_absent_dependency' });
  assert.match(dep.stderr, /Traceback/);
});

// ---------------------------------------------------------------- java

test('java: System.load of a JNI library whose JNI_OnLoad accepts, refuses with a bad version, or throws', async () => {
  assertPassed(await runProbe('java', HOST, { path: fx['jni/libjni_ok.so'] }));
  const bad = await runProbe('java', HOST, { path: fx['jni/libjni_badversion.so'] });
  assertFailed(bad, 'init', 'init-failure', { jniVersion: '0x7FFF0000', library: fx['jni/libjni_badversion.so'], exception: 'java.lang.UnsatisfiedLinkError' });
  const threw = await runProbe('java', HOST, { path: fx['jni/libjni_throws.so'] });
  assertFailed(threw, 'init', 'init-failure', { exception: 'java.lang.IllegalStateException' }, /^java\.lang\.IllegalStateException: jni_throws: native init refused$/);
});

test('java: missing library, GLIBC version, foreign machine with the JVM\'s hint, wrong ELF class, a file not there', async () => {
  const lib = fx['lib/libneeds_helper.so'];
  assertFailed(await runProbe('java', HOST, { path: lib }), 'load', 'missing-library', { library: 'libhelper.so' }, new RegExp(`^${lib}: libhelper\\.so: cannot open`));
  assertFailed(await runProbe('java', HOST, { path: fx['lib/libneeds_glibc238.so'] }), 'load', 'symbol-version', {
    version: 'GLIBC_2.38',
    library: 'libc.so.6',
    requiredBy: fx['lib/libneeds_glibc238.so'],
  });
  const arm = await runProbe('java', HOST, { path: fx['arm64/libplain.so'] });
  assertFailed(arm, 'load', 'wrong-machine', { library: fx['arm64/libplain.so'], found: 'arm64', expected: 'x86_64' }, /Possible cause: can't load AARCH64 \.so on a AMD 64 platform/);
  const i386 = await runProbe('java', HOST, { path: fx['i386/libplain.so'] });
  assertFailed(i386, 'load', 'wrong-elf-class', { library: fx['i386/libplain.so'], found: 'ELFCLASS32' });
  assert.match(i386.stderr, /might have disabled stack guard/, 'VM warnings go to stderr');
  assertFailed(await runProbe('java', HOST, { path: '/nonexistent/libgone.so' }), 'load', 'missing-library', { library: '/nonexistent/libgone.so' }, /^Can't load library/);
  // Vendored with $ORIGIN, the same library loads; dependencies first, as a JNI loader does.
  assertPassed(await runProbe('java', HOST, { path: fx['vendored/libneeds_helper.so'], preload: [fx['vendored/libhelper.so']] }));
});

test('java: an undefined symbol fails at load only because of LD_BIND_NOW (the JVM binds lazily)', async () => {
  const lib = fx['lib/libundef.so'];
  assertFailed(await runProbe('java', HOST, { path: lib }), 'load', 'undefined-symbol', { symbol: 'symbol_that_nobody_defines', library: lib });
  assertPassed(await runProbe('java', HOST, { path: lib }, { env: { LD_BIND_NOW: undefined } }));
});

// ---------------------------------------------------------------- node

test('node: N-API addons registered either way load; an exception from init is stage init', async () => {
  assertPassed(await runProbe('node', HOST, { path: fx['node/napi_ok.node'] }));
  assertPassed(await runProbe('node', HOST, { path: fx['node/napi_legacy.node'] }));
  const threw = await runProbe('node', HOST, { path: fx['node/napi_throws.node'] });
  assertFailed(threw, 'init', 'init-failure', { exception: 'Error' }, /^napi_throws: native init refused$/);
});

test('node: Node\'s refusals are stage load: NODE_MODULE_VERSION, a library that is no addon, the loader\'s own', async () => {
  const v8 = await runProbe('node', HOST, { path: fx['node/v8_abi108.node'] });
  assertFailed(v8, 'load', 'module-abi', { found: '108', expected: process.versions.modules });
  assert.match(v8.report!.error!, /\nwas compiled against a different Node\.js version using\nNODE_MODULE_VERSION 108\./);
  assertFailed(await runProbe('node', HOST, { path: fx['lib/libplain.so'] }), 'load', 'init-failure', { library: fx['lib/libplain.so'] }, /^Module did not self-register/);
  assertFailed(await runProbe('node', HOST, { path: fx['lib/libneeds_helper.so'] }), 'load', 'missing-library', { library: 'libhelper.so' });
  assertFailed(await runProbe('node', HOST, { path: fx['lib/libneeds_glibc238.so'] }), 'load', 'symbol-version', {
    version: 'GLIBC_2.38',
    library: 'libc.so.6',
    requiredBy: fx['lib/libneeds_glibc238.so'],
  });
  assertFailed(await runProbe('node', HOST, { path: fx['arm64/libplain.so'] }), 'load', 'wrong-machine', { library: fx['arm64/libplain.so'], found: 'arm64', expected: 'x86_64' });
});

test('node: an undefined symbol fails at load because the probe binds now; require() alone would have loaded it', async () => {
  const addon = fx['node/napi_undef.node'];
  const probe = await runProbe('node', HOST, { path: addon }, { env: { LD_BIND_NOW: undefined } });
  assertFailed(probe, 'load', 'undefined-symbol', { symbol: 'symbol_that_nobody_defines', library: addon });
  const lazy = spawnSync(process.execPath, ['-e', 'require(process.argv[1]); process.stdout.write("loaded")', addon], { encoding: 'utf8', env: { PATH: PROBE_ENV.PATH! } });
  assert.equal(lazy.stdout, 'loaded', lazy.stderr);
  const lazyCall = spawnSync(process.execPath, ['-e', 'require(process.argv[1]).answer()', addon], { encoding: 'utf8', env: { PATH: PROBE_ENV.PATH! } });
  assert.equal(lazyCall.status, 127);
  assert.match(lazyCall.stderr, /symbol lookup error: .*undefined symbol: symbol_that_nobody_defines/);
  const boundNow = spawnSync(process.execPath, ['-e', 'require(process.argv[1])', addon], { encoding: 'utf8', env: { PATH: PROBE_ENV.PATH!, LD_BIND_NOW: '1' } });
  assert.match(boundNow.stderr, /undefined symbol: symbol_that_nobody_defines/);
});

// ---------------------------------------------------------------- dlopen, the musl loader, the N-API harness

test('dlopen (glibc): loads a vendored library through $ORIGIN; refuses a missing one, an undefined symbol, a too-new GLIBC', async () => {
  const dl = (path: string) => runProbe('dlopen', HOST, { path });
  assertPassed(await dl(fx['vendored/libneeds_helper.so']), 'load');
  assertFailed(await dl(fx['lib/libneeds_helper.so']), 'load', 'missing-library', { library: 'libhelper.so' });
  assertFailed(await dl(fx['lib/libundef.so']), 'load', 'undefined-symbol', { symbol: 'symbol_that_nobody_defines', library: fx['lib/libundef.so'] });
  assertFailed(await dl(fx['lib/libneeds_glibc238.so']), 'load', 'symbol-version', { version: 'GLIBC_2.38', library: 'libc.so.6', requiredBy: fx['lib/libneeds_glibc238.so'] });
  const usage = spawnSync(join(await probesDir(HOST), PROBE_FILES.dlopen), [], { encoding: 'utf8', env: PROBE_ENV });
  assert.equal(usage.status, 2);
  assert.deepEqual(parseProbeOutput(usage.stdout), { ok: false, stage: 'setup', error: 'usage: probe_dlopen LIBRARY...', errorType: null });
});

test('dlopen (musl, on musl\'s own loader): musl\'s words for a missing library, a missing symbol, a glibc-only symbol', async () => {
  assert.ok(existsSync('/lib/ld-musl-x86_64.so.1'), 'musl\'s loader is missing: apt-get install musl');
  const dl = (path: string) => runProbe('dlopen', MUSL, { path });
  assertFailed(await dl(fx['musl/libneeds_helper.so']), 'load', 'missing-library', { library: 'libhelper.so', requiredBy: fx['musl/libneeds_helper.so'] }, /^Error loading shared library libhelper\.so: No such file or directory \(needed by /);
  assertFailed(await dl(fx['lib/libundef.so']), 'load', 'undefined-symbol', { symbol: 'symbol_that_nobody_defines', library: fx['lib/libundef.so'] }, /^Error relocating /);
  assertFailed(await dl(fx['lib/libneeds_glibc238.so']), 'load', 'undefined-symbol', { symbol: '__isoc23_strtol', library: fx['lib/libneeds_glibc238.so'] });
  assertFailed(await dl(fx['arm64/libplain.so']), 'load', 'wrong-machine', { library: fx['arm64/libplain.so'], found: 'arm64', expected: 'x86_64', relocationType: '1026' });
  assertFailed(await dl(fx['i386/libplain.so']), 'load', 'wrong-elf-class', { library: fx['i386/libplain.so'], found: 'i386', expected: 'x86_64' }, /Exec format error$/);
});

test('the N-API harness (musl): resolution only — passes N-API addons either way registered, names what does not resolve', async () => {
  const h = (path: string) => runProbe('node', MUSL, { path });
  const ok = await h(fx['musl/napi_ok.node']);
  assert.deepEqual(ok.report, { ok: true, stage: 'load', error: null, errorType: null, partial: 'resolution-only' });
  assert.deepEqual([ok.verdict.status, ok.verdict.detail], ['passed', { partial: 'resolution-only' }]);
  assert.equal((await h(fx['musl/napi_legacy.node'])).verdict.status, 'passed');
  // A glibc addon that uses nothing glibc-only resolves on musl too.
  assert.equal((await h(fx['node/napi_ok.node'])).verdict.status, 'passed');
  const part = { partial: 'resolution-only' };
  assertFailed(await h(fx['musl/napi_undef.node']), 'load', 'undefined-symbol', { symbol: 'symbol_that_nobody_defines', library: fx['musl/napi_undef.node'], ...part });
  assertFailed(await h(fx['musl/libneeds_helper.so']), 'load', 'missing-library', { library: 'libhelper.so', requiredBy: fx['musl/libneeds_helper.so'], ...part });
  assertFailed(await h(fx['musl/libhelper.so']), 'load', 'init-failure', { symbol: 'napi_register_module_v1', ...part }, /^no Node-API entry point/);
});

test('the N-API harness (glibc, for a glibc image without Node): the same resolution check with glibc\'s words', async () => {
  const noNode: ImageManifest = { ...HOST, runtimes: { ...HOST.runtimes, node: null } };
  const h = (path: string) => runProbe('node', noNode, { path });
  assert.deepEqual((await h(fx['node/napi_ok.node'])).report, { ok: true, stage: 'load', error: null, errorType: null, partial: 'resolution-only' });
  assert.equal((await h(fx['node/napi_legacy.node'])).verdict.status, 'passed');
  assertFailed(await h(fx['node/napi_undef.node']), 'load', 'undefined-symbol', { symbol: 'symbol_that_nobody_defines', library: fx['node/napi_undef.node'], partial: 'resolution-only' });
});

test('the arm64 probes run (under qemu-aarch64-static here) and speak the same words', async () => {
  const qemu = ['qemu-aarch64-static', '-L', '/usr/aarch64-linux-gnu'];
  toolPath(qemu[0]!);
  // arm64/libplain.so is the only arm64 fixture: it loads; the x86_64 build is refused as a foreign file.
  const wrap = { wrap: qemu };
  assertPassed(await runProbe('dlopen', ARM64, { path: fx['arm64/libplain.so'] }, wrap), 'load');
  const x64 = await runProbe('dlopen', ARM64, { path: fx['lib/libplain.so'] }, wrap);
  assertFailed(x64, 'load', 'wrong-machine', { library: fx['lib/libplain.so'], found: 'x86_64', expected: 'arm64' });
  const harness = await runProbe('node', ARM64, { path: fx['arm64/libplain.so'] }, wrap);
  assertFailed(harness, 'load', 'init-failure', { symbol: 'napi_register_module_v1', partial: 'resolution-only' });
});
