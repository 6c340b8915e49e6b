/**
 * The bubblewrap load driver: runs one command in an image's root filesystem,
 * mounted read-only, with nothing of the host but what the request names.
 *
 * One run, from the outside in (../shared/reference/notes/load-sandbox.md §3, §6):
 *
 *   unshare --pid --fork --kill-child        (root) an outer pid namespace: see "Reaping" below
 *   sh -c '<launcher>'                       tells us its host pid (fd 4), joins the run's memory
 *                                            and pids cgroups, then execs the rest
 *   prlimit --core=0 --nofile=1024 --fsize=256MiB      rlimits the sandbox cannot raise
 *   setpriv --reuid=65534 --regid=65534 --clear-groups (root) as root bwrap keeps its capabilities:
 *                                                      a constructor could remount / read-write
 *   bwrap --ro-bind <rootfs> / (first: later mounts go on top of it)
 *         --proc /proc --dev /dev --tmpfs /tmp (64 MiB, 1777)
 *         --ro-bind <inputs> /art --ro-bind <probes> /probe
 *         --bind <fresh scratch> /scratch --chdir /scratch
 *         --unshare-all (network too) --disable-userns --die-with-parent --new-session
 *         --cap-drop ALL --hostname sandbox --clearenv --setenv <req.env>…
 *         --seccomp 5 (seccomp.ts) --info-fd 3 (the sandbox is up)
 *         -- <argv>
 *
 * The sandbox's environment is exactly req.env plus PWD=/scratch: bwrap sets
 * PWD after its chdir, whatever --clearenv said.
 *
 * Images of another architecture (manifest.emulated) run the same chain inside
 * a private binfmt_misc with qemu registered (src/load/binfmt.ts).
 *
 * Reaping. bwrap's outer process exits as soon as the sandbox's init reports
 * the command's status, before that init is reaped, so every run would leave a
 * zombie for the host's pid 1 to collect (forever, where pid 1 is a Node
 * process in a container). Run as root, the chain starts in a pid namespace of
 * its own whose init is bwrap's outer process: when it exits the kernel kills
 * and reaps everything inside. (Unprivileged, that namespace cannot be made;
 * the host's init reaps.)
 *
 * The watchdog SIGKILLs the outermost init we know (the outer namespace's, or
 * without it the sandbox's pid 1 from --info-fd), which takes every process
 * inside with it, setsid daemons included; then our own child; then anything
 * still in the cgroups. Scratch and cgroups are removed after every run.
 *
 * Exit statuses: bwrap passes a death by signal N on as status 128+N, read
 * back as the signal (driver.ts statusFromExit).
 *
 * Without writable cgroups (an unprivileged user on a host that delegates
 * none) runs still work, with the timeout and rlimits only: `limits` says so,
 * and the first run warns once. Nothing pretends memory and pids limits hold.
 *
 *   const driver = new BwrapDriver();
 *   if ((await driver.available()).ok) {
 *     const r = await driver.run({ image, inputs, probes, argv: ['/usr/bin/python3', '-c', 'import m'], env: { PATH: '/usr/bin:/bin' }, limits: DEFAULT_LIMITS });
 *   }
 */
import { execFile, spawn, type ChildProcess, type SpawnOptions, type StdioOptions } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { promisify } from 'node:util';
import { spawnWithPrivateBinfmt } from '../binfmt.ts';
import { SANDBOX_PATHS, type LoadDriver, type SandboxRequest, type SandboxResult } from '../types.ts';
import { detectCgroups, RunCgroup, sweepStaleCgroups, type CgroupSupport } from './cgroup.ts';
import {
  CappedOutput,
  checkRequest,
  findOnPath,
  HOST_TOOL_ENV,
  makeScratch,
  removeScratch,
  runningAsRoot,
  SANDBOX_GID,
  SANDBOX_UID,
  statusFromExit,
  sweepStaleScratch,
} from './driver.ts';
import { seccompProgram } from './seccomp.ts';

const execFileP = promisify(execFile);

/** Size of the sandbox's /tmp (a tmpfs, charged to the run's memory cgroup). */
const TMP_BYTES = 64 * 1024 * 1024;
/** Largest file a load may write (RLIMIT_FSIZE): scratch is on the host's disk. */
const FSIZE_BYTES = 256 * 1024 * 1024;
const NOFILE = 1024;
/** bwrap writes its info JSON here once the sandbox's namespaces exist. */
const INFO_FD = 3;
/** The launcher writes its host pid here. */
const PID_FD = 4;
/** bwrap reads the seccomp program from here. */
const SECCOMP_FD = 5;
const STDIO: StdioOptions = ['ignore', 'pipe', 'pipe', 'pipe', 'pipe', 'pipe'];
/** What the launcher says on stderr (exit 125) when it cannot start the chain. */
const LAUNCH_FAILED = 'distaudit: the sandbox launcher failed';

/** Whether memory and pids limits hold for this driver's runs, and if not, why. */
export type LimitEnforcement = { enforced: true; by: 'cgroup v1' | 'cgroup v2' } | { enforced: false; reason: string };

/** The bwrap arguments of one run (everything after `bwrap`). */
export function bwrapArgs(req: SandboxRequest, scratch: string): string[] {
  return [
    '--ro-bind', req.image.rootfs, '/',
    '--proc', '/proc',
    '--dev', '/dev',
    '--perms', '1777', '--size', String(TMP_BYTES), '--tmpfs', '/tmp',
    '--ro-bind', req.inputs, SANDBOX_PATHS.inputs,
    '--ro-bind', req.probes, SANDBOX_PATHS.probes,
    '--bind', scratch, SANDBOX_PATHS.scratch,
    '--chdir', SANDBOX_PATHS.scratch,
    '--unshare-all', '--unshare-user', '--disable-userns',
    '--die-with-parent', '--new-session', '--cap-drop', 'ALL',
    '--hostname', 'sandbox',
    '--clearenv', ...Object.entries(req.env).flatMap(([k, v]) => ['--setenv', k, v]),
    '--seccomp', String(SECCOMP_FD),
    '--info-fd', String(INFO_FD),
    '--', ...req.argv,
  ]; // prettier-ignore
}

/** rlimits, then (as root) the drop to the sandbox user, then bwrap. */
function privilegeDrop(): string[] {
  const drop = runningAsRoot()
    ? ['setpriv', `--reuid=${SANDBOX_UID}`, `--regid=${SANDBOX_GID}`, '--clear-groups', '--inh-caps=-all', '--bounding-set=-all', '--']
    : [];
  return ['prlimit', '--core=0', `--nofile=${NOFILE}`, `--fsize=${FSIZE_BYTES}`, '--', ...drop, 'bwrap'];
}

function shQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * The launcher: reports its host pid (/proc is the host's here, so
 * /proc/self/stat names it as the host sees it, even as pid 1 of the outer
 * namespace), joins the cgroups (0 means "the writer"), execs its arguments.
 */
function launcherScript(procsFiles: string[]): string {
  const steps = [`read -r pid _ < /proc/self/stat`, `echo "$pid" >&${PID_FD}`, `exec ${PID_FD}>&-`, ...procsFiles.map((f) => `echo 0 > ${shQuote(f)}`)];
  return `${steps.join(' && ')} || { echo '${LAUNCH_FAILED}' >&2; exit 125; }; exec "$@"`;
}

/** The whole argv of one run: see the module comment. `pidNamespace` when we may create one (root, or root of the binfmt namespace). */
export function chainArgv(req: SandboxRequest, scratch: string, procsFiles: string[], pidNamespace: boolean): string[] {
  const outer = pidNamespace ? ['unshare', '--pid', '--fork', '--kill-child', '--'] : [];
  return [...outer, 'sh', '-c', launcherScript(procsFiles), 'sh', ...privilegeDrop(), ...bwrapArgs(req, scratch)];
}

export class BwrapDriver implements LoadDriver {
  readonly name = 'bwrap' as const;
  private cgroupSupport: CgroupSupport | null = null;
  private availability: Promise<{ ok: true } | { ok: false; reason: string }> | null = null;
  private warned = false;
  private swept = false;

  private cgroups(): CgroupSupport {
    return (this.cgroupSupport ??= detectCgroups());
  }

  /** Whether runs get their memory and pids limits (cgroups), or only the timeout and rlimits; read it before trusting oomKilled/pidsLimitHit. */
  get limits(): LimitEnforcement {
    const cg = this.cgroups();
    return cg.ok ? { enforced: true, by: cg.version === 1 ? 'cgroup v1' : 'cgroup v2' } : { enforced: false, reason: cg.reason };
  }

  available(): Promise<{ ok: true } | { ok: false; reason: string }> {
    return (this.availability ??= checkAvailable());
  }

  async run(req: SandboxRequest): Promise<SandboxResult> {
    checkRequest(req);
    const support = this.cgroups();
    if (!support.ok && !this.warned) {
      this.warned = true;
      process.emitWarning(`memory and pids limits of loads are NOT enforced (only the timeout and rlimits are): ${support.reason}`, { code: 'DISTAUDIT_LOAD_LIMITS' });
    }
    if (!this.swept) {
      this.swept = true;
      if (support.ok) await sweepStaleCgroups(support);
      sweepStaleScratch();
    }
    const scratch = makeScratch();
    let cg: RunCgroup | null = null;
    try {
      cg = support.ok ? RunCgroup.create(support, req.limits) : null;
      return await runOnce(req, scratch, cg);
    } finally {
      await cg?.remove();
      await removeScratch(scratch);
    }
  }
}

function spawnChain(req: SandboxRequest, scratch: string, cg: RunCgroup | null): { child: ChildProcess; pidNamespace: boolean } {
  const options: SpawnOptions = { stdio: STDIO, env: HOST_TOOL_ENV, cwd: '/' };
  const m = req.image.manifest;
  const procsFiles = cg?.procsFiles ?? [];
  if (m.emulated) {
    if (m.arch !== 'arm64') throw new Error(`image ${m.id}: no emulation for ${m.arch} images`);
    // Root of the binfmt user namespace may make the outer pid namespace.
    const argv = chainArgv(req, scratch, procsFiles, true);
    return { child: spawnWithPrivateBinfmt(argv, { ...options, arch: 'arm64' }), pidNamespace: true };
  }
  const pidNamespace = runningAsRoot();
  const argv = chainArgv(req, scratch, procsFiles, pidNamespace);
  return { child: spawn(argv[0]!, argv.slice(1), options), pidNamespace };
}

/** One run in a prepared scratch directory and cgroup; cleanup is the caller's. */
function runOnce(req: SandboxRequest, scratch: string, cg: RunCgroup | null): Promise<SandboxResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const stdout = new CappedOutput();
    const stderr = new CappedOutput();
    let info = '';
    let launcher = '';
    let sandboxUp = false;
    let exited = false;
    let timedOut = false;

    const { child, pidNamespace } = spawnChain(req, scratch, cg);
    const stdio = child.stdio as unknown as Array<Readable | Writable | null>;
    child.stdout!.on('data', (c: Buffer) => stdout.push(c));
    child.stderr!.on('data', (c: Buffer) => stderr.push(c));
    const infoStream = stdio[INFO_FD] as Readable;
    const pidStream = stdio[PID_FD] as Readable;
    const seccompStream = stdio[SECCOMP_FD] as Writable;
    infoStream.on('data', (c: Buffer) => {
      info += c.toString();
      sandboxUp ||= /"child-pid"\s*:\s*\d+/.test(info);
    });
    pidStream.on('data', (c: Buffer) => (launcher += c.toString()));
    // The other end may close before reading all (bwrap failed early); the exit status says why.
    for (const s of [infoStream, pidStream, seccompStream]) s.on('error', () => undefined);
    seccompStream.end(seccompProgram());

    let lastResort: NodeJS.Timeout | undefined;
    const killSandbox = () => {
      if (exited) return cg?.killAll();
      // The outermost init we know: its death ends every process of its pid namespace, the
      // sandbox's nested one included. Only while our child lives: until then nobody has reaped
      // that init, so its pid cannot have been reused. Its parent (our child) reaps it and exits;
      // killing both at once would orphan the init, a zombie for the host's pid 1.
      const init = pidNamespace ? Number(launcher.trim()) : Number(/"child-pid"\s*:\s*(\d+)/.exec(info)?.[1]);
      let killed = false;
      if (init > 0) {
        try {
          process.kill(init, 'SIGKILL');
          killed = true;
        } catch {
          // already gone
        }
      }
      cg?.killAll();
      if (!killed) child.kill('SIGKILL');
      else lastResort = setTimeout(() => !exited && child.kill('SIGKILL'), 1000);
    };
    const watchdog = setTimeout(() => {
      timedOut = true;
      killSandbox();
    }, req.limits.timeoutMs);

    let exitStatus: { code: number | null; signal: NodeJS.Signals | null } = { code: null, signal: null };
    let wallMs = 0;
    child.on('exit', (code, signal) => {
      exited = true;
      wallMs = Math.round(performance.now() - started);
      exitStatus = { code, signal };
      // Once the sandbox is gone nobody holds the pipes; if something still does, stop waiting for it.
      setTimeout(() => stdio.forEach((s) => s?.destroy()), 2000).unref();
    });
    child.on('error', (e) => {
      clearTimeout(watchdog);
      killSandbox();
      clearTimeout(lastResort);
      reject(new Error(`cannot start the sandbox: ${e.message}`, { cause: e }));
    });
    child.on('close', () => {
      clearTimeout(watchdog);
      clearTimeout(lastResort);
      const err = stderr.text();
      const { code, signal } = exitStatus;
      if (!timedOut && code === 125 && err.includes(LAUNCH_FAILED)) return reject(new Error(`sandbox setup failed: ${err.trim()}`));
      // bwrap reports on the info fd only once its namespaces exist; without that report (or with
      // bwrap's own complaint and status 1) the command never ran: a setup failure, not a load
      // result. Except execvp: a command the image does not have is the image's answer.
      const bwrapFailed = code === 1 && err.startsWith('bwrap: ') && !err.startsWith('bwrap: execvp ');
      if (!timedOut && (!sandboxUp || bwrapFailed)) {
        return reject(new Error(`bwrap could not set up the sandbox (status ${code ?? signal}): ${err.trim()}`));
      }
      const events = cg?.events() ?? { oomKilled: false, pidsLimitHit: false };
      if (timedOut) {
        // The watchdog's SIGKILL ended it, whatever the outer unshare made of that (util-linux 2.38
        // cannot re-raise SIGKILL on itself: it says so and exits 1).
        const cleaned = err.replace(/^unshare: sigprocmask unblock failed: .*\n?$/m, '');
        return resolve({ exitCode: null, signal: 'SIGKILL', timedOut, ...events, stdout: stdout.text(), stderr: cleaned, wallMs });
      }
      resolve({ ...statusFromExit(code, signal), timedOut, ...events, stdout: stdout.text(), stderr: err, wallMs });
    });
  });
}

async function checkAvailable(): Promise<{ ok: true } | { ok: false; reason: string }> {
  if (process.platform !== 'linux') return { ok: false, reason: `bubblewrap needs Linux (this is ${process.platform})` };
  if (!findOnPath('bwrap')) return { ok: false, reason: 'bubblewrap is not installed: apt-get install bubblewrap' };
  for (const tool of ['prlimit', 'unshare', ...(runningAsRoot() ? ['setpriv'] : [])]) {
    if (!findOnPath(tool)) return { ok: false, reason: `${tool} is not installed: apt-get install util-linux` };
  }
  const version = await bwrapVersion();
  if (version && (version[0] === 0 && version[1] < 8)) {
    return { ok: false, reason: `bubblewrap ${version.join('.')} is too old: loads need 0.8 or later (--disable-userns, --size); Debian 12 and Ubuntu 24.04 have it` };
  }
  const sysctl = (name: string) => {
    try {
      return readFileSync(`/proc/sys/${name.replace(/\./g, '/')}`, 'utf8').trim();
    } catch {
      return null;
    }
  };
  if (sysctl('user.max_user_namespaces') === '0') return { ok: false, reason: 'user namespaces are disabled: sysctl -w user.max_user_namespaces=10000' };
  if (sysctl('kernel.unprivileged_userns_clone') === '0') return { ok: false, reason: 'unprivileged user namespaces are disabled: sysctl -w kernel.unprivileged_userns_clone=1' };
  if (sysctl('kernel.apparmor_restrict_unprivileged_userns') === '1') {
    return { ok: false, reason: 'AppArmor restricts unprivileged user namespaces: sysctl -w kernel.apparmor_restrict_unprivileged_userns=0, or give bwrap an AppArmor profile that allows userns' };
  }
  // A trivial sandbox entered the way real ones are (minus the image): the only proof that bwrap works here.
  const argv = [
    ...(runningAsRoot() ? ['unshare', '--pid', '--fork', '--kill-child', '--'] : []),
    ...privilegeDrop(),
    '--ro-bind', '/', '/', '--proc', '/proc', '--dev', '/dev', '--perms', '1777', '--size', String(TMP_BYTES), '--tmpfs', '/tmp',
    '--unshare-all', '--unshare-user', '--disable-userns', '--die-with-parent', '--new-session', '--cap-drop', 'ALL',
    '--hostname', 'sandbox', '--clearenv',
    '--seccomp', '3', '--', 'true',
  ]; // prettier-ignore
  const r = await new Promise<{ code: number | null; err: string }>((resolve) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'ignore', 'pipe', 'pipe'], env: HOST_TOOL_ENV, cwd: '/', timeout: 10_000 });
    let err = '';
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    (child.stdio[3] as Writable).on('error', () => undefined).end(seccompProgram());
    child.on('error', (e) => resolve({ code: null, err: e.message }));
    child.on('close', (code) => resolve({ code, err }));
  });
  if (r.code !== 0) {
    return { ok: false, reason: `a trivial bubblewrap sandbox failed (status ${r.code}): ${r.err.trim() || 'no message'}; user namespaces may be restricted for uid ${runningAsRoot() ? SANDBOX_UID : process.getuid?.()}` };
  }
  return { ok: true };
}

/** bwrap --version as [major, minor], or null when it does not say. */
async function bwrapVersion(): Promise<[number, number] | null> {
  try {
    const { stdout } = await execFileP('bwrap', ['--version'], { env: HOST_TOOL_ENV, timeout: 5000 });
    const m = /(\d+)\.(\d+)/.exec(stdout);
    return m ? [Number(m[1]), Number(m[2])] : null;
  } catch {
    return null;
  }
}
