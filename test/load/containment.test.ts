/**
 * A hostile library (native/load/hostile.c) dlopen'ed in the bookworm image
 * through the bwrap driver: every attack is refused, stopped by a limit, or
 * kept inside the discarded scratch, and the driver says which. The host is
 * checked, not only the library's own report: listeners it tried to reach,
 * the files it tried to write, the image's tree, leftover processes, cgroups
 * and scratch directories.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { BwrapDriver } from '../../src/load/drivers/bwrap.ts';
import { DEFAULT_LIMITS, type Image, type SandboxLimits, type SandboxResult } from '../../src/load/types.ts';
import { emptyForSandbox, loadFixtures, stageForSandbox } from '../fixtures/load-hostile.ts';
import { bookworm, leftoverRunState, newZombies, processesWithEnv, sandboxZombies, snapshotTree, treeChanges } from './sandbox-helpers.ts';

const driver = new BwrapDriver();
const nonce = `distaudit-hostile-${randomBytes(6).toString('hex')}`;
/** Set in this (host) process only: it must never be seen inside. */
const hostSecret = `host-secret-${randomBytes(6).toString('hex')}`;
process.env.DISTAUDIT_TEST_HOST_SECRET = hostSecret;

let image: Image;
let inputs: string;
let probes: string;
let rootfsBefore: Map<string, string>;
const listeners: { server: Server; connections: number }[] = [];
let tcpPort = 0;
const abstractName = `distaudit-hostile-${randomBytes(4).toString('hex')}`;
/** Paths a write that escaped would create on the host. */
const HOST_TARGETS = ['/etc/pwned', '/pwned', '/usr/lib/pwned', '/var/pwned', '/usr/bin/pwned', '/etc/hostname.pwned'];

function listen(server: Server, ...args: unknown[]): Promise<void> {
  return new Promise((resolve) => (server.listen as (...a: unknown[]) => void)(...args, resolve));
}

before(async () => {
  const ready = await driver.available();
  assert.ok(ready.ok, `the bwrap driver cannot run here: ${!ready.ok && ready.reason}`);
  assert.ok(driver.limits.enforced, `the containment tests need cgroup limits: ${!driver.limits.enforced && driver.limits.reason}`);
  image = await bookworm();
  const fx = loadFixtures();
  inputs = stageForSandbox([fx['hostile.so'], fx['hostile-load']]);
  probes = emptyForSandbox();
  for (const target of HOST_TARGETS) assert.ok(!existsSync(target), `${target} exists before the tests: clean it up first`);
  rootfsBefore = snapshotTree(image.rootfs);
  for (const addr of [[0, '127.0.0.1'], [`\0${abstractName}`]]) {
    const l = { server: createServer((s) => (l.connections++, s.destroy())), connections: 0 };
    await listen(l.server, ...addr);
    listeners.push(l);
  }
  tcpPort = (listeners[0]!.server.address() as { port: number }).port;
});

after(async () => {
  for (const l of listeners) await new Promise((r) => l.server.close(r));
  for (const d of [inputs, probes]) if (d) rmSync(d, { recursive: true, force: true });
});

/** Zombies of the sandbox user from before the last run: other processes on this machine may leave some. */
let zombiesBefore: string[] = [];

function attack(attacks: string, limits: Partial<SandboxLimits> = {}, extraEnv: Record<string, string> = {}): Promise<SandboxResult> {
  zombiesBefore = sandboxZombies();
  return driver.run({
    image,
    inputs,
    probes,
    argv: ['/art/hostile-load', '/art/hostile.so'],
    env: { PATH: '/usr/bin:/bin', HOSTILE: attacks, HOSTILE_NONCE: nonce, ...extraEnv },
    limits: { ...DEFAULT_LIMITS, timeoutMs: 10_000, ...limits },
  });
}

/** The library's one-line reports: "<attack> <target>" → outcome. */
function outcomes(stderr: string): Map<string, string> {
  return new Map([...stderr.matchAll(/^hostile: (\S+ \S+): (.*)$/gm)].map((m) => [m[1]!, m[2]!]));
}

function assertNothingLeft(): void {
  assert.deepEqual(processesWithEnv(nonce), [], 'processes of the run outlived it');
  assert.deepEqual(newZombies(zombiesBefore), [], 'zombies of the sandbox user');
  assert.deepEqual(leftoverRunState(), [], 'cgroups or scratch directories left');
}

test('writes outside /scratch and /tmp fail with EROFS, and nothing appears on the host or in the image', async () => {
  const r = await attack('writes');
  const o = outcomes(r.stderr);
  for (const target of ['/etc/pwned', '/pwned', '/usr/lib/pwned', '/art/pwned', '/probe/pwned', '/scratch/../pwned', '/proc/self/root/etc/pwned']) {
    assert.equal(o.get(`write ${target}`), 'Read-only file system', target);
  }
  for (const op of ['mkdir /var/pwned', 'rename /etc/hostname', 'unlink /etc/passwd', 'chmod /etc/shadow', 'symlink /usr/bin/pwned']) {
    assert.equal(o.get(op), 'Read-only file system', op);
  }
  assert.equal(o.get('write /scratch/allowed'), 'SUCCEEDED');
  assert.equal(o.get('write /tmp/allowed'), 'SUCCEEDED');
  assert.equal(r.exitCode, 0);
  assert.match(r.stdout, /loader: loaded \/art\/hostile.so/);
  for (const target of HOST_TARGETS) assert.ok(!existsSync(target), `${target} was written on the host`);
  assert.deepEqual(readdirSync(inputs).sort(), ['hostile-load', 'hostile.so']);
  assert.deepEqual(readdirSync(probes), []);
  assert.deepEqual(treeChanges(rootfsBefore, snapshotTree(image.rootfs)), []);
  assertNothingLeft();
});

test('the network is unreachable: the host listeners (TCP on 127.0.0.1, abstract unix socket) get no connection', async () => {
  const r = await attack('net', {}, { HOSTILE_PORT: String(tcpPort), HOSTILE_ABSTRACT: abstractName, HOSTILE_EXTERNAL: '1.1.1.1:80' });
  const o = outcomes(r.stderr);
  assert.equal(o.get(`connect-host 127.0.0.1:${tcpPort}`), 'Connection refused');
  assert.equal(o.get('connect-external 1.1.1.1:80'), 'Network is unreachable');
  assert.equal(o.get(`connect-abstract ${abstractName}`), 'Connection refused');
  assert.deepEqual(listeners.map((l) => l.connections), [0, 0]);
  assertNothingLeft();
});

test('escapes fail: remount, mount, setuid, new user or mount namespace, chroot, ptrace of pid 1, the host through /proc/1', async () => {
  const r = await attack('escape');
  const o = outcomes(r.stderr);
  const refused: Record<string, RegExp> = {
    'remount-rw /': /^Operation not permitted$/,
    'remount-rw-plain /': /^Operation not permitted$/,
    'mount-tmpfs /etc': /^Operation not permitted$/,
    // uid 0 is not mapped in the sandbox's user namespace, so the kernel calls it an invalid id.
    'setuid 0': /^(Invalid argument|Operation not permitted)$/,
    'setgid 0': /^(Invalid argument|Operation not permitted)$/,
    // --disable-userns: the nesting limit is 0.
    'unshare CLONE_NEWUSER': /^(No space left on device|Operation not permitted)$/,
    'unshare CLONE_NEWNS': /^Operation not permitted$/,
    'chroot /scratch': /^Operation not permitted$/,
    // seccomp: the sandbox's pid 1 runs as the same uid without capabilities, only the filter stops this.
    'ptrace-attach 1': /^Operation not permitted$/,
    'write /proc/1/root/etc/pwned': /^Read-only file system$/,
  };
  for (const [what, expected] of Object.entries(refused)) assert.match(o.get(what) ?? '(no report)', expected, what);
  // /proc/1 is the sandbox's own init: its environment is the launcher's minimal one, nothing of this process's.
  const environ = o.get('read /proc/1/environ') ?? '';
  assert.doesNotMatch(environ, new RegExp(hostSecret));
  assert.doesNotMatch(r.stderr + r.stdout, new RegExp(`${hostSecret}|HOME=/root|DISTAUDIT_TEST_HOST_SECRET`));
  assert.match(r.stderr, /^hostile: done$/m);
  assert.equal(r.exitCode, 0);
  assert.deepEqual(treeChanges(rootfsBefore, snapshotTree(image.rootfs)), []);
  assertNothingLeft();
});

test('a fork bomb is stopped by the pids limit (pidsLimitHit) and dies with the run', async () => {
  const r = await attack('forkbomb', { pids: 64 });
  assert.equal(r.pidsLimitHit, true);
  assert.match(r.stderr, /^hostile: forkbomb fork-refused-after-\d+: Resource temporarily unavailable$/m);
  assert.equal(r.timedOut, false);
  assertNothingLeft();
});

test('touching 10 GiB ends in the cgroup OOM killer (oomKilled), fast', async () => {
  const r = await attack('alloc', { memoryBytes: 256 * 1024 * 1024 }, { HOSTILE_ALLOC_MB: '10240' });
  assert.equal(r.oomKilled, true, r.stderr);
  assert.equal(r.signal, 'SIGKILL');
  assert.equal(r.timedOut, false);
  assert.doesNotMatch(r.stderr, /alloc touched 1024 MiB/);
  assertNothingLeft();
});

test('a constructor that spins forever is killed at the timeout (timedOut within timeout + 1 s)', async () => {
  const r = await attack('spin', { timeoutMs: 2000 });
  assert.equal(r.timedOut, true);
  assert.equal(r.signal, 'SIGKILL');
  assert.ok(r.wallMs >= 2000 && r.wallMs < 3000, `wallMs ${r.wallMs}`);
  assert.match(r.stderr, /hostile: spin forever: started/);
  assertNothingLeft();
});

test('a setsid daemon started by the constructor does not outlive the run', async () => {
  const r = await attack('daemon');
  assert.match(r.stderr, /^hostile: daemon sleep 1000: started$/m);
  assert.equal(r.exitCode, 0);
  assertNothingLeft();
});

test('all attacks in one run: contained, and the host unchanged afterwards', async () => {
  const r = await attack('writes,net,escape,daemon,forkbomb', { pids: 64 }, { HOSTILE_PORT: String(tcpPort), HOSTILE_ABSTRACT: abstractName });
  assert.doesNotMatch(r.stderr.replace(/^hostile: (write \/(scratch|tmp)\/allowed|read \/proc\/1\/environ): SUCCEEDED.*$/gm, ''), /SUCCEEDED/);
  assert.equal(r.pidsLimitHit, true);
  assert.deepEqual(listeners.map((l) => l.connections), [0, 0]);
  for (const target of HOST_TARGETS) assert.ok(!existsSync(target), `${target} was written on the host`);
  assert.deepEqual(treeChanges(rootfsBefore, snapshotTree(image.rootfs)), []);
  assert.ok(!existsSync(join(image.rootfs, 'pwned')));
  assertNothingLeft();
});
