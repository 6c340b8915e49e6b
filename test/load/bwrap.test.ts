/**
 * The bubblewrap driver against a real image (debian-bookworm-amd64 from
 * src/load/images): what a command sees inside (its environment, its user,
 * its capabilities, a read-only root, /art and /probe read-only, a fresh
 * scratch, no network), and what the driver reports back (exit codes, signals,
 * timeouts, capped output), with nothing left behind. An emulated arm64 run
 * uses a tree holding one static aarch64 program, which needs no arm64 image.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { BwrapDriver, chainArgv } from '../../src/load/drivers/bwrap.ts';
import { CappedOutput, OUTPUT_CAP } from '../../src/load/drivers/driver.ts';
import { DENIED_SYSCALLS } from '../../src/load/drivers/seccomp.ts';
import { DEFAULT_LIMITS, type Image, type SandboxRequest, type SandboxResult } from '../../src/load/types.ts';
import { emptyForSandbox, loadFixtures, stageForSandbox } from '../fixtures/load-hostile.ts';
import { repoRoot } from '../support/fixture-builder.ts';
import { bookworm, leftoverRunState, newZombies, processInfo, processesWithEnv, sandboxZombies, snapshotTree, treeChanges } from './sandbox-helpers.ts';

const driver = new BwrapDriver();
const root = process.getuid?.() === 0;
let image: Image;
let inputs: string;
let probes: string;
let rootfsBefore: Map<string, string>;
const nonce = `distaudit-test-${randomBytes(6).toString('hex')}`;
const ENV = { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8', NONCE: nonce };

before(async () => {
  const ready = await driver.available();
  assert.ok(ready.ok, `the bwrap driver cannot run here: ${!ready.ok && ready.reason}`);
  image = await bookworm();
  const fx = loadFixtures();
  inputs = stageForSandbox([fx['hostile.so'], fx['hostile-load']]);
  probes = emptyForSandbox();
  rootfsBefore = snapshotTree(image.rootfs);
});

after(() => {
  for (const d of [inputs, probes]) if (d) rmSync(d, { recursive: true, force: true });
  assert.deepEqual(leftoverRunState(), []);
  assert.deepEqual(processesWithEnv(nonce), []);
});

function req(argv: string[], extra: Partial<SandboxRequest> = {}): SandboxRequest {
  return { image, inputs, probes, argv, env: ENV, limits: { ...DEFAULT_LIMITS, timeoutMs: 10_000 }, ...extra };
}

const sh = (script: string, extra?: Partial<SandboxRequest>) => driver.run(req(['/bin/sh', '-c', script], extra));

test('the memory and pids limits are enforced by cgroups on this host', () => {
  const l = driver.limits;
  assert.ok(l.enforced, `limits are not enforced: ${!l.enforced && l.reason}`);
});

test('runs a command and returns its output, exit code and wall time', async () => {
  const r = await sh('echo out; echo err >&2; exit 0');
  assert.deepEqual({ ...r, wallMs: 0 }, { exitCode: 0, signal: null, timedOut: false, oomKilled: false, pidsLimitHit: false, stdout: 'out\n', stderr: 'err\n', wallMs: 0 });
  assert.ok(r.wallMs > 0 && r.wallMs < 5000, `wallMs ${r.wallMs}`);
});

test('the environment is exactly the request env, plus the PWD bwrap sets after chdir', async () => {
  const r = await driver.run(req(['/usr/bin/env']));
  const seen = Object.fromEntries(r.stdout.trim().split('\n').map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]));
  assert.deepEqual(seen, { ...ENV, PWD: '/scratch' });
});

test('exit codes pass through', async () => {
  for (const code of [0, 1, 3, 42, 126, 127]) {
    const r = await sh(`exit ${code}`);
    assert.equal(r.exitCode, code);
    assert.equal(r.signal, null);
  }
});

test('a death by signal is reported as the signal, with no exit code', async () => {
  for (const sig of ['SEGV', 'BUS', 'ABRT', 'KILL']) {
    const r = await sh(`kill -${sig} $$`);
    assert.deepEqual([r.exitCode, r.signal, r.timedOut], [null, `SIG${sig}`, false]);
  }
  // Real faults inside a library constructor, not only signals sent.
  for (const [attack, sig] of [['segv', 'SIGSEGV'], ['bus', 'SIGBUS']]) {
    const r = await driver.run(req(['/art/hostile-load', '/art/hostile.so'], { env: { ...ENV, HOSTILE: attack! } }));
    assert.equal(r.signal, sig, r.stderr);
    assert.equal(r.exitCode, null);
    assert.match(r.stderr, new RegExp(`hostile: ${attack} .*: started`));
  }
});

test('a command that outlives its timeout is killed with everything it started, setsid daemons too', async () => {
  const zombies = sandboxZombies();
  const r = await sh('setsid sleep 1000 & sleep 1000', { limits: { ...DEFAULT_LIMITS, timeoutMs: 1000 } });
  assert.equal(r.timedOut, true);
  assert.equal(r.signal, 'SIGKILL');
  assert.equal(r.exitCode, null);
  assert.ok(r.wallMs >= 1000 && r.wallMs < 2000, `wallMs ${r.wallMs}`);
  assert.deepEqual(processesWithEnv(nonce), []);
  assert.deepEqual(newZombies(zombies), []);
});

test('a daemon forked by a command that exits is gone when the run returns, and no zombie is left', async () => {
  const zombies = sandboxZombies();
  const r = await sh('setsid sleep 1000 & echo started');
  assert.equal(r.exitCode, 0);
  assert.equal(r.stdout, 'started\n');
  assert.deepEqual(processesWithEnv(nonce), []);
  assert.deepEqual(newZombies(zombies), []);
});

test(`${root ? 'as root' : 'unprivileged'}, orphans of the sandbox are reaped ${root ? 'inside the run: bwrap\'s outer process is pid 1 of a pid namespace of its own' : 'by the host\'s init'}`, async () => {
  // bwrap's outer process exits before it reaps the sandbox's init; whoever is the reaper above it collects the zombie.
  const running = sh('sleep 3');
  const chain: string[] = [];
  for (let i = 0; i < 100 && chain.length === 0; i++) {
    await new Promise((r) => setTimeout(r, 20));
    const sleeper = processesWithEnv(nonce).find((p) => / sleep 3 $/.test(p));
    if (!sleeper) continue;
    // From the command up to this process: each one's name and pids per namespace.
    for (let pid = Number(sleeper.split(' ')[0]); pid !== process.pid && pid > 1; pid = processInfo(pid).ppid) {
      const info = processInfo(pid);
      chain.push(`${info.name}:${info.nspid.join('/')}`);
    }
  }
  await running;
  assert.ok(chain.length > 0, 'the sandboxed sleep was not found');
  const outerBwrap = chain[chain.length - (root ? 2 : 1)]!;
  if (root) {
    assert.match(chain[chain.length - 1]!, /^unshare:\d+$/, chain.join(' <- '));
    assert.match(outerBwrap, /^bwrap:\d+\/1$/, `bwrap's outer process is not a pid namespace's init: ${chain.join(' <- ')}`);
  } else {
    assert.match(outerBwrap, /^bwrap:\d+$/, chain.join(' <- '));
  }
});

test('each stream is cut at 64 KiB, keeping its head and its tail', async () => {
  const r = await sh('echo START >&2; head -c 300000 /dev/zero | tr "\\0" e >&2; echo >&2; echo END >&2; head -c 200000 /dev/zero | tr "\\0" o; echo LAST');
  for (const [name, text, first, last] of [
    ['stderr', r.stderr, 'START\n', 'END\n'],
    ['stdout', r.stdout, 'ooo', 'LAST\n'],
  ] as const) {
    assert.ok(Buffer.byteLength(text) <= OUTPUT_CAP, `${name} is ${Buffer.byteLength(text)} bytes`);
    assert.ok(text.startsWith(first), `${name} lost its head`);
    assert.ok(text.endsWith(last), `${name} lost its tail`);
    assert.match(text, /\[distaudit: \d+ bytes of output omitted\]/);
  }
  const omitted = Number(/\[distaudit: (\d+) bytes/.exec(r.stdout)![1]);
  assert.equal(Buffer.byteLength(r.stdout.replace(/\n\[distaudit: \d+ bytes of output omitted\]\n/, '')) + omitted, 200_005);
});

test('output up to the cap is kept whole, in any chunking; past it the head and tail stay and the cut is said', () => {
  const text = (chunks: number[]) => {
    const out = new CappedOutput();
    let n = 0;
    for (const size of chunks) out.push(Buffer.from(Array.from({ length: size }, () => String.fromCharCode(97 + (n++ % 26))).join('')));
    return out.text();
  };
  const whole = 'abcdefghijklmnopqrstuvwxyz'.repeat(3000).slice(0, OUTPUT_CAP);
  for (const chunks of [[OUTPUT_CAP], [16 * 1024, 10, OUTPUT_CAP - 16 * 1024 - 10], Array.from({ length: 1024 }, () => 64)]) assert.equal(text(chunks), whole);
  const cut = text([OUTPUT_CAP, 1]);
  assert.ok(Buffer.byteLength(cut) <= OUTPUT_CAP);
  assert.match(cut, /\n\[distaudit: \d+ bytes of output omitted\]\n/);
});

test('/scratch is the working directory, writable, empty at each start and discarded after', async () => {
  const r1 = await sh(`pwd; ls -A; echo kept > ${nonce}; cat ${nonce}; ls -ld . | cut -d' ' -f1,3`);
  assert.equal(r1.stdout, `/scratch\nkept\n${root ? 'drwx------ nobody' : `drwx------ ${userInfo().username}`}\n`);
  const r2 = await sh('ls -A');
  assert.equal(r2.stdout, '', 'a second run saw the first one\'s scratch');
  const scratches = readdirSync(tmpdir()).filter((n) => n.startsWith('distaudit-scratch-'));
  assert.deepEqual(scratches.filter((n) => existsSync(join(tmpdir(), n, nonce))), []);
  assert.deepEqual(leftoverRunState(), []);
});

test('the root filesystem, /art and /probe are read-only; /tmp is a private tmpfs', async () => {
  const r = await sh('for p in /etc/x /usr/lib/x /x /art/x /probe/x /scratch/../x; do touch $p 2>&1; done; touch /tmp/x && echo tmp-ok; grep -E " / | /art | /probe | /tmp " /proc/self/mounts | cut -d" " -f2,3,4 | cut -d, -f1');
  for (const p of ['/etc/x', '/usr/lib/x', '/x', '/art/x', '/probe/x', '/scratch/../x']) {
    assert.match(r.stdout, new RegExp(`touch: cannot touch '${p.replace(/\./g, '\\.')}': Read-only file system`));
  }
  assert.match(r.stdout, /^tmp-ok$/m);
  assert.match(r.stdout, /^\/ \S+ ro$/m);
  assert.match(r.stdout, /^\/art \S+ ro$/m);
  assert.match(r.stdout, /^\/probe \S+ ro$/m);
  assert.match(r.stdout, /^\/tmp tmpfs rw$/m);
  assert.deepEqual(readdirSync(inputs).sort(), ['hostile-load', 'hostile.so']);
  assert.deepEqual(readdirSync(probes), []);
  assert.deepEqual(treeChanges(rootfsBefore, snapshotTree(image.rootfs)), []);
});

test('there is no network but loopback', async () => {
  const r = await sh('tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " "; cat /proc/net/route | wc -l; cat /proc/sys/kernel/hostname');
  assert.equal(r.stdout, 'lo\n1\nsandbox\n');
});

test(`the command runs as ${root ? 'uid 65534' : 'this user'}, with no capabilities, no new privileges, and seccomp refusing ${DENIED_SYSCALLS.join(', ')}`, async () => {
  const r = await sh('grep -E "^(Uid|Gid|Groups|Cap...|NoNewPrivs|Seccomp):" /proc/self/status');
  const uid = root ? 65534 : process.getuid!();
  const gid = root ? 65534 : process.getgid!();
  assert.match(r.stdout, new RegExp(`^Uid:\\t${uid}\\t${uid}\\t${uid}\\t${uid}$`, 'm'));
  assert.match(r.stdout, new RegExp(`^Gid:\\t${gid}\\t${gid}\\t${gid}\\t${gid}$`, 'm'));
  if (root) assert.match(r.stdout, /^Groups:\s*$/m);
  for (const cap of ['CapInh', 'CapPrm', 'CapEff', 'CapBnd', 'CapAmb']) assert.match(r.stdout, new RegExp(`^${cap}:\\t0000000000000000$`, 'm'));
  assert.match(r.stdout, /^NoNewPrivs:\t1$/m);
  assert.match(r.stdout, /^Seccomp:\t2$/m);
});

test('the sandbox has rlimits it cannot raise: no core dumps, 1024 files, 256 MiB per file', async () => {
  const r = await sh('grep -E "^Max (core file size|open files|file size) " /proc/self/limits | tr -s " "; ulimit -H -c unlimited 2>&1 || echo raise-refused');
  assert.match(r.stdout, /^Max file size 268435456 268435456 bytes $/m);
  assert.match(r.stdout, /^Max core file size 0 0 bytes $/m);
  assert.match(r.stdout, /^Max open files 1024 1024 files $/m);
  assert.match(r.stdout, /raise-refused/);
});

test('without writable cgroups (here: as an unprivileged user) runs still work, and the driver says loudly that limits do not hold', { skip: !root && 'this test drops from root to uid 65534; run it as root' }, () => {
  // A separate process as uid 65534, which may not create cgroups on this host.
  const script = `
    import { BwrapDriver } from './src/load/drivers/bwrap.ts';
    const warnings = [];
    process.on('warning', (w) => warnings.push(w.code + ': ' + w.message));
    const d = new BwrapDriver();
    const image = JSON.parse(process.env.IMAGE);
    const r = await d.run({ image, inputs: process.env.INPUTS, probes: process.env.PROBES, argv: ['/bin/sh', '-c', 'id -u; kill -SEGV $$'], env: { PATH: '/usr/bin:/bin' }, limits: { timeoutMs: 5000, memoryBytes: 1 << 28, pids: 64 } });
    await new Promise((res) => setImmediate(res));
    console.log(JSON.stringify({ limits: d.limits, result: r, warnings }));`;
  const out = execFileSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: repoRoot,
    env: { PATH: process.env.PATH!, HOME: tmpdir(), IMAGE: JSON.stringify(image), INPUTS: inputs, PROBES: probes },
    encoding: 'utf8',
  });
  const { limits, result, warnings } = JSON.parse(out.trim().split('\n').pop()!) as { limits: { enforced: boolean; reason?: string }; result: SandboxResult; warnings: string[] };
  assert.equal(limits.enforced, false);
  assert.match(limits.reason!, /cannot create a child cgroup|does not offer|cannot enable/);
  assert.equal(warnings.length, 1);
  assert.match(warnings[0]!, /^DISTAUDIT_LOAD_LIMITS: memory and pids limits of loads are NOT enforced/);
  assert.deepEqual([result.stdout, result.signal, result.oomKilled, result.pidsLimitHit], ['65534\n', 'SIGSEGV', false, false]);
});

test('a request the image cannot take is refused before anything runs', async () => {
  const bare = mkdtempSync(join(tmpdir(), 'distaudit-test-bare-'));
  try {
    await assert.rejects(driver.run(req(['/bin/true'], { image: { ...image, rootfs: bare } })), /has no \/art/);
    await assert.rejects(driver.run(req(['/bin/true'], { env: { 'BAD=NAME': 'x' } })), /not an environment variable name/);
    await assert.rejects(driver.run(req([])), /argv is empty/);
  } finally {
    rmSync(bare, { recursive: true, force: true });
  }
});

test('a command that does not exist is a load result (bwrap: execvp), not a driver error', async () => {
  const r = await driver.run(req(['/nonexistent']));
  assert.equal(r.exitCode, 1);
  assert.match(r.stderr, /execvp \/nonexistent: No such file or directory/);
});

test('an emulated arm64 image runs its programs under qemu in a private binfmt_misc, leaving the host\'s untouched', async () => {
  // A tree with the mount points and one static aarch64 program: the driver's emulation path without an arm64 image.
  const tree = mkdtempSync(join(tmpdir(), 'distaudit-test-arm64-'));
  try {
    chmodSync(tree, 0o755);
    for (const d of ['art', 'probe', 'scratch', 'tmp', 'proc', 'dev', 'bin']) mkdirSync(join(tree, d));
    copyFileSync(loadFixtures()['arm64/arch-report'], join(tree, 'bin/arch-report'));
    chmodSync(join(tree, 'bin/arch-report'), 0o755);
    const arm: Image = { rootfs: tree, manifest: { ...image.manifest, id: 'debian-bookworm-arm64', arch: 'arm64', emulated: true } };
    const hostBinfmt = readdirSync('/proc/sys/fs/binfmt_misc');
    const r = await driver.run(req(['/bin/arch-report'], { image: arm }));
    assert.equal(r.stdout, `machine=aarch64 uid=${root ? 65534 : process.getuid!()}\n`, r.stderr);
    assert.equal(r.exitCode, 0);
    const spin = await driver.run(req(['/bin/arch-report', 'spin'], { image: arm, limits: { ...DEFAULT_LIMITS, timeoutMs: 1500 } }));
    assert.deepEqual([spin.timedOut, spin.signal, spin.stdout], [true, 'SIGKILL', r.stdout]);
    assert.ok(spin.wallMs < 2500, `wallMs ${spin.wallMs}`);
    assert.deepEqual(processesWithEnv(nonce), []);
    assert.deepEqual(readdirSync('/proc/sys/fs/binfmt_misc'), hostBinfmt, 'the host binfmt_misc changed');
  } finally {
    rmSync(tree, { recursive: true, force: true });
  }
  assert.deepEqual(leftoverRunState(), []);
});

test('as root, the chain drops to uid 65534 inside a pid namespace of its own', () => {
  const argv = chainArgv(req(['/bin/true']), '/tmp/s', ['/cg/cgroup.procs'], true);
  assert.deepEqual(argv.slice(0, 5), ['unshare', '--pid', '--fork', '--kill-child', '--']);
  const bw = argv.indexOf('bwrap');
  assert.deepEqual(argv.slice(bw + 1, bw + 4), ['--ro-bind', image.rootfs, '/'], 'the rootfs bind must come first');
  assert.ok(argv.includes('--reuid=65534') && argv.includes('--clear-groups'));
  assert.ok(argv.indexOf('--reuid=65534') < bw);
});
