/**
 * What the load drivers (bwrap.ts, docker.ts) share: the sandbox user, capped
 * output capture, exit statuses read back into signals, per-run scratch
 * directories, and the checks on a request made before anything is started.
 * (Which driver a host uses is its load settings' choice: src/load/host.ts.)
 */
import { execFile } from 'node:child_process';
import { accessSync, chownSync, constants as fsConstants, existsSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { constants as osConstants, tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { SANDBOX_PATHS, type SandboxRequest } from '../types.ts';

const execFileP = promisify(execFile);

/** The host uid and gid loads run as when distaudit runs as root (nobody/nogroup on Debian). */
export const SANDBOX_UID = 65534;
export const SANDBOX_GID = 65534;

/** Whether this process is root, and so must drop to SANDBOX_UID before entering a sandbox. */
export function runningAsRoot(): boolean {
  return process.getuid?.() === 0;
}

/** Each captured stream is cut to this many bytes. */
export const OUTPUT_CAP = 64 * 1024;
/** Of a cut stream, this much of the start is kept; the rest of the cap goes to its end (loaders, tracebacks and the probe marker speak last). */
const OUTPUT_HEAD = 16 * 1024;

/**
 * Collects a stream up to OUTPUT_CAP bytes, keeping its head and its tail and
 * saying how much of the middle was dropped. Everything is read (a child
 * never blocks on a full pipe); only what is kept is held in memory.
 */
export class CappedOutput {
  private head: Buffer[] = [];
  private headBytes = 0;
  private tail: Buffer[] = [];
  private tailBytes = 0;
  private total = 0;
  private readonly tailCap: number;

  constructor(
    private readonly cap = OUTPUT_CAP,
    private readonly headCap = Math.min(OUTPUT_HEAD, cap),
  ) {
    // Room for the "omitted" note, so a cut stream stays within the cap.
    this.tailCap = Math.max(0, cap - headCap - 96);
  }

  push(chunk: Buffer): void {
    this.total += chunk.length;
    if (this.headBytes < this.headCap) {
      const take = chunk.subarray(0, this.headCap - this.headBytes);
      this.head.push(take);
      this.headBytes += take.length;
      chunk = chunk.subarray(take.length);
    }
    if (chunk.length === 0) return;
    this.tail.push(chunk);
    this.tailBytes += chunk.length;
    // Chunks go only once what follows them fills the cap's rest: up to the cap nothing is lost.
    while (this.tail.length > 1 && this.tailBytes - this.tail[0]!.length >= this.cap - this.headCap) {
      this.tailBytes -= this.tail.shift()!.length;
    }
  }

  text(): string {
    const head = Buffer.concat(this.head);
    let tail = Buffer.concat(this.tail);
    if (this.total <= this.cap) return Buffer.concat([head, tail]).toString('utf8');
    tail = tail.subarray(tail.length - this.tailCap);
    const omitted = this.total - head.length - tail.length;
    return `${head.toString('utf8')}\n[distaudit: ${omitted} bytes of output omitted]\n${tail.toString('utf8')}`;
  }
}

/** Number → name; where two names share a number (SIGABRT/SIGIOT, SIGIO/SIGPOLL) the first listed, the usual one, wins. */
const SIGNAL_NAMES = new Map<number, string>();
for (const [name, num] of Object.entries(osConstants.signals)) if (!SIGNAL_NAMES.has(num)) SIGNAL_NAMES.set(num, name);

export function signalName(signo: number): string {
  return SIGNAL_NAMES.get(signo) ?? `SIG${signo}`;
}

/**
 * Reads an exit status reported the shell's way. bwrap (and docker) can only
 * pass a signal death on as exit status 128+N, so 129–159 is read back as the
 * signal N; a command that itself exits with such a number reads as that
 * signal too (rare, and said here rather than hidden).
 */
export function statusFromExit(code: number | null, signal: NodeJS.Signals | null): { exitCode: number | null; signal: string | null } {
  if (signal) return { exitCode: null, signal };
  if (code !== null && code > 128 && code < 160) return { exitCode: null, signal: signalName(code - 128) };
  return { exitCode: code, signal: null };
}

const SCRATCH_PREFIX = 'distaudit-scratch-';

/**
 * A fresh, empty scratch directory under os.tmpdir() for one run, owned by the
 * sandbox user (so only the sandbox can write it) and mode 0700.
 */
export function makeScratch(): string {
  const dir = mkdtempSync(join(tmpdir(), `${SCRATCH_PREFIX}${process.pid}-`));
  if (runningAsRoot()) chownSync(dir, SANDBOX_UID, SANDBOX_GID);
  return dir;
}

/** Deletes a scratch directory and whatever the sandbox left in it, even directories it made unreadable. */
export async function removeScratch(dir: string): Promise<void> {
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch {
    // Not root: a load can chmod its own subdirectories to 000, which rm cannot enter until they are opened up again.
    await execFileP('chmod', ['-R', 'u+rwx', dir]).catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Scratch directories of distaudit processes that died mid-run (their pid is gone). */
export function sweepStaleScratch(): void {
  for (const name of readdirSync(tmpdir())) {
    const m = name.startsWith(SCRATCH_PREFIX) ? /^(\d+)-/.exec(name.slice(SCRATCH_PREFIX.length)) : null;
    if (m && !processAlive(Number(m[1]))) void removeScratch(join(tmpdir(), name));
  }
}

export function processAlive(pid: number): boolean {
  return existsSync(`/proc/${pid}`);
}

/** The absolute path of a command on PATH, or null. */
export function findOnPath(cmd: string): string | null {
  for (const dir of (process.env.PATH ?? '/usr/sbin:/usr/bin:/sbin:/bin').split(delimiter)) {
    if (!dir) continue;
    const p = join(dir, cmd);
    try {
      accessSync(p, fsConstants.X_OK);
      if (statSync(p).isFile()) return p;
    } catch {
      // not here
    }
  }
  return null;
}

/** Environment variable names the sandbox accepts (bwrap --setenv and docker --env both take these). */
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Refuses a request that could not run as asked: missing directories, an image
 * without the mount points every image has, names that are no environment
 * variables, limits that are no limits. These are caller errors, thrown, never
 * turned into a load result.
 */
export function checkRequest(req: SandboxRequest): void {
  if (req.argv.length === 0) throw new Error('sandbox request: argv is empty');
  for (const [what, dir] of [
    ['inputs', req.inputs],
    ['probes', req.probes],
    ['image root filesystem', req.image.rootfs],
  ] as const) {
    if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new Error(`sandbox request: ${what} ${dir} is not a directory`);
  }
  for (const p of [...Object.values(SANDBOX_PATHS), '/tmp', '/proc', '/dev']) {
    if (!existsSync(join(req.image.rootfs, p))) {
      throw new Error(`image ${req.image.manifest.id} at ${req.image.rootfs} has no ${p} (every image is built with it; rebuild the image)`);
    }
  }
  for (const k of Object.keys(req.env)) if (!ENV_NAME.test(k)) throw new Error(`sandbox request: '${k}' is not an environment variable name`);
  const { timeoutMs, memoryBytes, pids } = req.limits;
  if (!(timeoutMs > 0 && memoryBytes > 0 && pids > 0)) throw new Error(`sandbox request: limits must be positive (${JSON.stringify(req.limits)})`);
}

/** A minimal environment for the host-side commands that set a sandbox up (the sandbox itself gets exactly req.env). */
export const HOST_TOOL_ENV = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C' };
