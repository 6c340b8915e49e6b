/**
 * The images real loads run in: each is built (or taken from the cache), and
 * what its manifest says is checked against what its own programs say inside
 * the restored tree. Building from scratch takes minutes per image (the arm64
 * one and the musl CPython longest); a machine builds each once.
 *
 * Needs root, debootstrap, bubblewrap, zstd, qemu-user-static and Linux >= 6.7
 * (`apt-get install debootstrap bubblewrap zstd qemu-user-static`); without them
 * the tests fail saying which is missing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, utimesSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parseBinary } from '../../src/binary/index.ts';
import { withFile } from '../../src/binary/source.ts';
import type { ElfFile } from '../../src/binary/elf/parse.ts';
import { kernelHasPrivateBinfmt, spawnWithPrivateBinfmt } from '../../src/load/binfmt.ts';
import { CATALOG, IMAGE_IDS } from '../../src/load/images/catalog.ts';
import { runInRoot } from '../../src/load/images/exec.ts';
import { measureImage } from '../../src/load/images/measure.ts';
import { ensureImage, listImages, pruneImages, readManifest, storeDirs, type StoreDirs } from '../../src/load/images/store.ts';
import { modulesNotBuilt } from '../../src/load/images/musl.ts';
import { SANDBOX_PATHS, type Image, type ImageId } from '../../src/load/types.ts';
import { repoRoot } from '../support/fixture-builder.ts';

const BUILD = { timeout: 20 * 60_000 };

function progress(id: string) {
  return (stage: string, detail: string) => {
    if (detail) process.stderr.write(`# ${id}: ${stage}… ${detail}\n`);
  };
}

/** The host's binfmt_misc mounts, to show that building and running arm64 images leaves them as they were. */
function hostBinfmtMounts(): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((l) => l.includes('binfmt_misc'));
}
const binfmtBefore = hostBinfmtMounts();

async function inImage(image: Image, argv: string[]): Promise<{ stdout: string; stderr: string; code: number | null }> {
  return runInRoot(image.rootfs, argv, { emulated: image.manifest.emulated, check: false });
}

function elfOf(path: string): ElfFile {
  const bin = withFile(path, (src) => parseBinary(src));
  assert.equal(bin?.format, 'elf', `${path} is an ELF file`);
  return bin as ElfFile;
}

/** Every directory from / down to the tree can be entered by others: loads run as uid 65534. */
function assertReachableByNobody(path: string): void {
  for (let p = path; p !== '/'; p = dirname(p)) {
    assert.ok((statSync(p).mode & 0o001) !== 0, `${p} must be searchable by uid 65534 (mode ${statSync(p).mode.toString(8)})`);
  }
}

interface DebianExpectation {
  glibc: string;
  python: string;
  extSuffix: string;
  tag: string;
  java: number;
  node: string;
  modules: number;
}

const DEBIAN: Partial<Record<ImageId, DebianExpectation>> = {
  'debian-bullseye-amd64': { glibc: '2.31', python: '3.9.', extSuffix: '.cpython-39-x86_64-linux-gnu.so', tag: 'cp39', java: 11, node: '12.', modules: 72 },
  'debian-bookworm-amd64': { glibc: '2.36', python: '3.11.', extSuffix: '.cpython-311-x86_64-linux-gnu.so', tag: 'cp311', java: 17, node: '18.', modules: 108 },
  'debian-trixie-amd64': { glibc: '2.41', python: '3.13.', extSuffix: '.cpython-313-x86_64-linux-gnu.so', tag: 'cp313', java: 21, node: '20.', modules: 115 },
  'debian-bookworm-arm64': { glibc: '2.36', python: '3.11.', extSuffix: '.cpython-311-aarch64-linux-gnu.so', tag: 'cp311', java: 17, node: '18.', modules: 108 },
};

async function checkDebianImage(id: ImageId, want: DebianExpectation): Promise<Image> {
  const image = await ensureImage(id, { onProgress: progress(id) });
  const m = image.manifest;
  assert.equal(m.id, id);
  assert.deepEqual(m.libc, { kind: 'glibc', version: want.glibc });
  assert.ok(m.runtimes.python && m.runtimes.java && m.runtimes.node, `${id} has python, java and node: ${JSON.stringify(m.runtimes)}`);
  assert.ok(m.runtimes.python.version.startsWith(want.python), `python ${m.runtimes.python.version}`);
  assert.equal(m.runtimes.python.extSuffix, want.extSuffix);
  assert.equal(m.runtimes.python.tag, want.tag);
  assert.equal(m.runtimes.java.major, want.java);
  assert.ok(m.runtimes.java.version.startsWith(`${want.java}.`), `java ${m.runtimes.java.version}`);
  assert.ok(m.runtimes.node.version.startsWith(want.node), `node ${m.runtimes.node.version}`);
  assert.equal(m.runtimes.node.moduleVersion, want.modules);
  assert.ok(m.sources.libc6?.startsWith(`${want.glibc}-`), `libc6 package ${m.sources.libc6}`);

  // What the image's own programs say, in the restored tree.
  const glibc = await inImage(image, ['getconf', 'GNU_LIBC_VERSION']);
  assert.equal(glibc.stdout.trim(), `glibc ${want.glibc}`);
  const py = await inImage(image, [m.runtimes.python.path, '-c', 'import sysconfig, platform; print(sysconfig.get_config_var("EXT_SUFFIX"), platform.python_version())']);
  assert.equal(py.stdout.trim(), `${want.extSuffix} ${m.runtimes.python.version}`);
  const java = await inImage(image, [m.runtimes.java.path, '-version']);
  assert.match(java.stderr, new RegExp(`version "${m.runtimes.java.version.replace(/\./g, '\\.')}"`));
  const node = await inImage(image, [m.runtimes.node.path, '-p', 'process.versions.node + " " + process.versions.modules']);
  assert.equal(node.stdout.trim(), `${m.runtimes.node.version} ${want.modules}`);

  for (const dir of Object.values(SANDBOX_PATHS)) assert.ok(statSync(join(image.rootfs, dir)).isDirectory(), `${dir} exists for the read-only mount`);
  assertReachableByNobody(join(image.rootfs, 'usr/bin'));
  assert.ok(m.packedSize > 10e6 && m.packedSize < m.size, `packed ${m.packedSize} of ${m.size}`);
  return image;
}

for (const id of ['debian-bullseye-amd64', 'debian-bookworm-amd64', 'debian-trixie-amd64'] as const) {
  test(`${id}: the manifest's glibc, Python, JRE and Node are what the image runs`, BUILD, async () => {
    await checkDebianImage(id, DEBIAN[id]!);
  });
}

test('musl-amd64: the real musl loader runs, and a musl-built CPython imports what the probe needs', BUILD, async () => {
  const image = await ensureImage('musl-amd64', { onProgress: progress('musl-amd64') });
  const m = image.manifest;
  assert.equal(m.libc.kind, 'musl');
  assert.match(m.libc.version, /^1\.2\.\d+$/);
  assert.deepEqual([m.runtimes.java, m.runtimes.node], [null, null], 'no musl Java or Node');
  assert.ok(m.runtimes.python);
  assert.ok(m.runtimes.python.version.startsWith('3.11.'));
  assert.equal(m.runtimes.python.extSuffix, '.cpython-311-x86_64-linux-musl.so');
  assert.equal(m.runtimes.python.tag, 'cp311');
  assert.match(m.sources['python3.11 (source, built with musl-gcc)'] ?? '', /^3\.11\./);

  const loader = await inImage(image, ['/lib/ld-musl-x86_64.so.1']);
  assert.match(loader.stderr, new RegExp(`^musl libc \\(x86_64\\)\\nVersion ${m.libc.version.replace(/\./g, '\\.')}`));
  // The loader is musl's, from Debian's package: the same bytes under every name a musl binary asks for.
  for (const alias of ['lib/libc.musl-x86_64.so.1', 'usr/lib/libc.so']) {
    assert.deepEqual(readFileSync(join(image.rootfs, alias)), readFileSync(join(image.rootfs, 'lib/ld-musl-x86_64.so.1')), alias);
  }
  const python = elfOf(join(image.rootfs, 'usr/bin/python3.11'));
  assert.equal(python.interpreter, '/lib/ld-musl-x86_64.so.1', 'CPython is a musl program');

  const probe = await inImage(image, [
    m.runtimes.python.path,
    '-c',
    'import importlib.machinery, importlib.util, json, os, sys, traceback; print(json.dumps({"suffixes": importlib.machinery.EXTENSION_SUFFIXES, "cwd": os.getcwd()}))',
  ]);
  assert.equal(probe.code, 0, probe.stderr);
  assert.ok((JSON.parse(probe.stdout) as { suffixes: string[] }).suffixes.includes('.cpython-311-x86_64-linux-musl.so'));
  // Stdlib extension modules were built for musl (not only the pure-Python fallbacks).
  const ext = await inImage(image, [m.runtimes.python.path, '-c', 'import _json, math, _struct, select, _posixsubprocess; print(math.__file__)']);
  assert.equal(ext.code, 0, ext.stderr);
  assert.ok(ext.stdout.trim().endsWith('.cpython-311-x86_64-linux-musl.so'), ext.stdout);
  const sh = await inImage(image, ['/bin/sh', '-c', 'echo $((6 * 7))']);
  assert.equal(sh.stdout.trim(), '42', 'busybox sh');
  for (const dir of Object.values(SANDBOX_PATHS)) assert.ok(statSync(join(image.rootfs, dir)).isDirectory(), `${dir} exists`);
  assertReachableByNobody(join(image.rootfs, 'usr/bin'));
});

test("musl CPython: the modules setup.py's summary says it did not build are read from make's output", () => {
  const make = `*** WARNING: renaming "_elementtree" since importing it failed: PyCapsule_Import could not import module "pyexpat"

The necessary bits to build these optional modules were not found:
_bz2                  _crypt                _curses
nis                   readline              zlib
To find the necessary bits, look in setup.py in detect_modules() for the module's name.


The following modules found by detect_modules() in setup.py have not
been built, they are *disabled* by configure:
_sqlite3


Failed to build these modules:
_ctypes               pyexpat


Following modules built successfully but were removed because they could not be imported:
_elementtree


Could not build the ssl module!
running build_scripts`;
  assert.deepEqual(modulesNotBuilt(make), ['_bz2', '_crypt', '_ctypes', '_curses', '_elementtree', '_sqlite3', 'nis', 'pyexpat', 'readline', 'zlib']);
  assert.deepEqual(modulesNotBuilt('nothing to report\n'), []);
});

test('debian-bookworm-arm64: built and run under qemu in a private binfmt_misc; the host binfmt_misc stays as it was', BUILD, async () => {
  const image = await checkDebianImage('debian-bookworm-arm64', DEBIAN['debian-bookworm-arm64']!);
  assert.equal(image.manifest.arch, 'arm64');
  assert.equal(image.manifest.emulated, true);
  const machine = await inImage(image, ['python3', '-c', 'import os, platform; print(os.uname().machine, platform.machine())']);
  assert.equal(machine.stdout.trim(), 'aarch64 aarch64');
  assert.equal(elfOf(join(image.rootfs, 'usr/bin/python3.11')).header.arch, 'arm64');
  // On the host itself the same program is not runnable.
  const direct = await runInRoot(image.rootfs, ['python3', '-c', 'pass'], { check: false });
  assert.notEqual(direct.code, 0, 'without the private binfmt_misc an arm64 program does not run');
  assert.deepEqual(hostBinfmtMounts(), binfmtBefore, 'the host mount table has the same binfmt_misc mounts as before');
  if (binfmtBefore.length === 0) assert.deepEqual(readdirSync('/proc/sys/fs/binfmt_misc'), [], 'nothing registered host-wide');
});

test('private binfmt_misc: identity id maps, qemu registered with flag F, extra fds reach the command', { timeout: 60_000 }, async () => {
  assert.equal(kernelHasPrivateBinfmt('6.7.0'), true);
  assert.equal(kernelHasPrivateBinfmt('6.18.44-fc-v669'), true);
  assert.equal(kernelHasPrivateBinfmt('6.6.30-generic'), false);
  assert.equal(kernelHasPrivateBinfmt('5.15.0-91-generic'), false);
  let innerPid = 0;
  const child = spawnWithPrivateBinfmt(['sh', '-c', 'cat /proc/self/uid_map /proc/self/gid_map /proc/sys/fs/binfmt_misc/distaudit-arm64; echo via-fd-3 >&3'], {
    arch: 'arm64',
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
    beforeExec: (pid) => {
      innerPid = pid;
    },
  });
  let stdout = '';
  let fd3 = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  (child.stdio[3] as NodeJS.ReadableStream).on('data', (d: Buffer) => (fd3 += d.toString()));
  const code = await new Promise((resolve) => child.on('close', resolve));
  assert.equal(code, 0, stderr);
  assert.ok(innerPid > 0, 'beforeExec got the pid that execs the command');
  assert.match(stdout, /^\s+0\s+0\s+65536\n\s+0\s+0\s+65536\n/);
  assert.match(stdout, /^enabled$/m);
  assert.match(stdout, /^interpreter \/\S+qemu-aarch64-static$/m);
  assert.match(stdout, /^flags: F$/m);
  assert.equal(fd3, 'via-fd-3\n');
  assert.deepEqual(hostBinfmtMounts(), binfmtBefore);
});

/** A store of its own, so these tests never disturb the shared images other tests are loading in. */
function privateStore(): StoreDirs & { base: string } {
  const base = mkdtempSync(join(tmpdir(), 'distaudit-images-'));
  return { base, images: join(base, 'images'), rootfs: join(base, 'rootfs') };
}

test('a restored tree deleted is restored from the tarball, with the same contents as measured at build; prune removes it', BUILD, async () => {
  const id = 'debian-bookworm-amd64';
  const shared = await ensureImage(id, { onProgress: progress(id) });
  const dirs = privateStore();
  try {
    mkdirSync(dirs.images, { recursive: true });
    // Copies, not links: touching the copy below must not touch the shared tarball.
    for (const ext of ['tar.zst', 'json']) copyFileSync(join(storeDirs().images, `${id}.${ext}`), join(dirs.images, `${id}.${ext}`));
    const stages: string[] = [];
    const onProgress = (stage: string, detail: string) => void (detail && stages.push(stage));

    const first = await ensureImage(id, { dirs, onProgress });
    assert.deepEqual(stages, ['restore'], 'restored, not built');
    assert.deepEqual(first.manifest, shared.manifest);
    rmSync(first.rootfs, { recursive: true, force: true });
    const t0 = performance.now();
    const again = await ensureImage(id, { dirs, onProgress });
    process.stderr.write(`# restore of ${id}: ${((performance.now() - t0) / 1000).toFixed(2)} s\n`);
    assert.deepEqual(stages, ['restore', 'restore']);
    const measured = await measureImage(CATALOG[id], again.rootfs);
    assert.deepEqual(measured.libc, shared.manifest.libc);
    assert.deepEqual(measured.runtimes, shared.manifest.runtimes);
    for (const [pkg, version] of Object.entries(measured.packages)) assert.equal(shared.manifest.sources[pkg], version, pkg);

    assert.ok((await ensureImage(id, { dirs, onProgress })) && stages.length === 2, 'a restored tree is not restored again');
    const later = new Date(Date.now() + 5000);
    utimesSync(join(dirs.images, `${id}.tar.zst`), later, later);
    await ensureImage(id, { dirs, onProgress });
    assert.equal(stages.length, 3, 'a changed tarball is restored again');

    assert.deepEqual(listImages(dirs).map((m) => m.id), [id]);
    const pruned = await pruneImages({ ids: [id], dirs });
    assert.ok(pruned.bytes > shared.manifest.packedSize, `freed ${pruned.bytes}`);
    assert.deepEqual(listImages(dirs), []);
    assert.equal(readManifest(id, dirs), null);
    assert.equal(existsSync(again.rootfs), false);
    assert.equal(existsSync(join(dirs.images, `${id}.tar.zst`)), false);
  } finally {
    rmSync(dirs.base, { recursive: true, force: true });
  }
});

test('concurrent ensureImage calls (two processes and this one) build the image once', BUILD, async () => {
  const id = 'debian-bullseye-amd64';
  const dirs = privateStore();
  const childCode = `
    const { ensureImage } = await import(${JSON.stringify(join(repoRoot, 'src/load/images/store.ts'))});
    const dirs = JSON.parse(process.env.STORE);
    const image = await ensureImage(${JSON.stringify(id)}, { dirs, onProgress: (stage, detail) => { if (!detail) console.log('STAGE ' + stage); } });
    console.log('BUILT ' + image.manifest.builtAt);`;
  const inChild = () =>
    new Promise<string>((resolve, reject) => {
      const c = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', childCode], { cwd: repoRoot, env: { ...process.env, STORE: JSON.stringify(dirs) }, stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      c.stdout.on('data', (d: Buffer) => (out += d.toString()));
      c.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`child exited ${code}: ${out}`))));
    });
  try {
    const starts: string[] = [];
    const [a, b, here] = await Promise.all([
      inChild(),
      inChild(),
      ensureImage(id, { dirs, onProgress: (stage, detail) => void (!detail && starts.push(stage)) }),
    ]);
    const stagesOf = (out: string) => [...out.matchAll(/^STAGE (.*)$/gm)].map((m) => m[1]!);
    const debootstraps = [...stagesOf(a), ...stagesOf(b), ...starts].filter((s) => s === 'debootstrap');
    assert.equal(debootstraps.length, 1, 'one debootstrap among three callers');
    for (const out of [a, b]) assert.equal(/^BUILT (.*)$/m.exec(out)?.[1], here.manifest.builtAt);
    assert.deepEqual(readdirSync(dirs.images).sort(), [`${id}.json`, `${id}.lock`, `${id}.tar.zst`], 'no temporary files left');
  } finally {
    await pruneImages({ all: true, dirs });
    rmSync(dirs.base, { recursive: true, force: true });
  }
});

test('distaudit images: list shows every catalog image, build and prune refuse bad usage', async () => {
  const { main } = await import('../../src/cli.ts');
  let out = '';
  let err = '';
  const print = (s: string) => void (out += s);
  const printErr = (s: string) => void (err += s + '\n');
  assert.equal(await main(['images', 'list'], print, printErr), 0);
  for (const id of IMAGE_IDS) assert.match(out, new RegExp(`^${id}\\s+(glibc|musl|not built)`, 'm'));
  assert.equal(await main(['images', 'build'], print, printErr), 2);
  assert.match(err, /name images or give --all/);
  assert.equal(await main(['images', 'build', 'debian-potato-amd64'], print, printErr), 2);
  assert.match(err, /unknown image debian-potato-amd64/);
  assert.equal(await main(['images', 'prune', '--all', 'musl-amd64'], print, printErr), 2);
  assert.equal(await main(['images', 'frobnicate'], print, printErr), 2);
});
