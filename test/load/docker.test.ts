/**
 * The Docker driver: the `docker run` it builds (every limit and mount the
 * bwrap driver has), and a real run where an engine is reachable. This
 * machine has the docker CLI but no engine: the real run then says loudly that
 * it did not happen and why, and checks that available() gives that reason;
 * it never counts as a pass of the driver itself.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { DockerDriver, dockerImageTag, dockerRunArgs } from '../../src/load/drivers/docker.ts';
import { DEFAULT_LIMITS, type Image, type ImageManifest, type SandboxRequest } from '../../src/load/types.ts';
import { emptyForSandbox, loadFixtures, stageForSandbox } from '../fixtures/load-hostile.ts';
import { bookworm } from './sandbox-helpers.ts';

const manifest = {
  format: 1,
  id: 'debian-bookworm-amd64',
  title: 'Debian 12 (bookworm) amd64',
  arch: 'x86_64',
  libc: { kind: 'glibc', version: '2.36' },
  emulated: false,
  runtimes: { python: null, java: null, node: null },
  sources: {},
  builtAt: '2026-01-01T00:00:00.000Z',
  buildSeconds: 1,
  size: 1,
  packedSize: 1,
} satisfies ImageManifest;

const request: SandboxRequest = {
  image: { manifest, rootfs: '/var/tmp/distaudit-rootfs/debian-bookworm-amd64' },
  inputs: '/tmp/in',
  probes: '/tmp/probes',
  argv: ['/usr/bin/python3', '-c', 'import m'],
  env: { PATH: '/usr/bin:/bin', LD_BIND_NOW: '1' },
  limits: { timeoutMs: 5000, memoryBytes: 512 * 1024 * 1024, pids: 64 },
};

/** The value after each occurrence of `flag`. */
function values(args: string[], flag: string): string[] {
  return args.flatMap((a, i) => (a === flag ? [args[i + 1]!] : []));
}

test('docker run gets the limits, the read-only mounts, no network, no privileges and the sandbox user', () => {
  const args = dockerRunArgs(request, '/tmp/scratch-1', 'distaudit-load-1');
  assert.equal(args[0], 'run');
  assert.deepEqual(values(args, '--name'), ['distaudit-load-1']);
  assert.deepEqual(values(args, '--network'), ['none']);
  assert.ok(args.includes('--read-only') && args.includes('--init'));
  assert.deepEqual(values(args, '--cap-drop'), ['ALL']);
  assert.deepEqual(values(args, '--security-opt'), ['no-new-privileges']);
  assert.deepEqual(values(args, '--user'), ['65534:65534']);
  assert.deepEqual(values(args, '--memory'), [String(512 * 1024 * 1024)]);
  assert.deepEqual(values(args, '--memory-swap'), [String(512 * 1024 * 1024)], 'swap must not extend the memory limit');
  assert.deepEqual(values(args, '--pids-limit'), ['64']);
  assert.deepEqual(values(args, '--ulimit'), ['core=0', 'nofile=1024:1024', `fsize=${256 * 1024 * 1024}:${256 * 1024 * 1024}`]);
  assert.deepEqual(values(args, '--platform'), ['linux/amd64']);
  assert.deepEqual(values(args, '--tmpfs'), [`/tmp:rw,nosuid,nodev,size=${64 * 1024 * 1024},mode=1777`]);
  assert.deepEqual(values(args, '-v'), ['/tmp/in:/art:ro', '/tmp/probes:/probe:ro', '/tmp/scratch-1:/scratch']);
  assert.deepEqual(values(args, '--workdir'), ['/scratch']);
  assert.deepEqual(values(args, '--env'), ['PATH=/usr/bin:/bin', 'LD_BIND_NOW=1']);
  // The image, then argv untouched, last.
  assert.deepEqual(args.slice(-4), [dockerImageTag(request.image), '/usr/bin/python3', '-c', 'import m']);
});

test('an arm64 image runs as linux/arm64; a rebuilt image gets a new tag; bind paths with ":" are refused', () => {
  const arm: Image = { rootfs: '/r', manifest: { ...manifest, id: 'debian-bookworm-arm64', arch: 'arm64', emulated: true } };
  assert.deepEqual(values(dockerRunArgs({ ...request, image: arm }, '/s', 'c'), '--platform'), ['linux/arm64']);
  assert.match(dockerImageTag(request.image), /^distaudit\/debian-bookworm-amd64:[0-9a-f]{12}$/);
  assert.notEqual(dockerImageTag(request.image), dockerImageTag({ ...request.image, manifest: { ...manifest, builtAt: '2026-02-01T00:00:00.000Z' } }));
  assert.throws(() => dockerRunArgs({ ...request, inputs: '/tmp/a:b' }, '/s', 'c'), /cannot bind a path with ':'/);
});

test('a real run in the bookworm image where a Docker engine is reachable; elsewhere available() says why not', async (t) => {
  const driver = new DockerDriver();
  const ready = await driver.available();
  if (!ready.ok) {
    const note = `docker driver not exercised: ${ready.reason}`;
    console.log(note);
    t.diagnostic(note);
    // What this host has: a CLI and no engine (or no CLI). available() must say so, in words a user can act on.
    assert.match(ready.reason, /no Docker engine is reachable|docker CLI is not installed/);
    await assert.rejects(driver.run({ ...request, image: await bookworm(), inputs: '/tmp', probes: '/tmp' }), (e: Error) => e.message === `docker driver: ${ready.reason}`);
    return;
  }
  const image = await bookworm();
  const fx = loadFixtures();
  const inputs = stageForSandbox([fx['hostile.so'], fx['hostile-load']]);
  const probes = emptyForSandbox();
  try {
    const base = { image, inputs, probes, env: { PATH: '/usr/bin:/bin' }, limits: { ...DEFAULT_LIMITS, timeoutMs: 20_000 } };
    const ok = await driver.run({ ...base, argv: ['/bin/sh', '-c', 'id -u; pwd; touch /etc/x 2>&1; exit 3'] });
    assert.equal(ok.exitCode, 3);
    assert.match(ok.stdout, /^65534\n\/scratch\n.*Read-only file system/s);
    const segv = await driver.run({ ...base, argv: ['/art/hostile-load', '/art/hostile.so'], env: { ...base.env, HOSTILE: 'segv' } });
    assert.equal(segv.signal, 'SIGSEGV');
    const oom = await driver.run({ ...base, argv: ['/art/hostile-load', '/art/hostile.so'], env: { ...base.env, HOSTILE: 'alloc' }, limits: { ...base.limits, memoryBytes: 256 * 1024 * 1024 } });
    assert.equal(oom.oomKilled, true);
    const spin = await driver.run({ ...base, argv: ['/art/hostile-load', '/art/hostile.so'], env: { ...base.env, HOSTILE: 'spin' }, limits: { ...base.limits, timeoutMs: 3000 } });
    assert.equal(spin.timedOut, true);
  } finally {
    rmSync(inputs, { recursive: true, force: true });
    rmSync(probes, { recursive: true, force: true });
  }
});
