/**
 * Running commands while building and measuring images: on the host, and
 * inside a root filesystem (bubblewrap as root, the tree bound at /; through
 * the private binfmt_misc of ../binfmt.ts when its programs are foreign).
 *
 * This is the builder's way in, not the sandbox: it runs with root's
 * privileges and the host network, and may write the tree. Loads of untrusted
 * binaries go through the sandbox driver (src/load/drivers/).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { spawnWithPrivateBinfmt } from '../binfmt.ts';

/** The last bytes of each stream are kept: enough for a version line or an apt error, bounded for a compiler's chatter. */
const KEEP_BYTES = 1024 * 1024;

export interface CommandResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** A command line for an error message: a script argument shows as its first line. */
function describeArgv(argv: string[]): string {
  const shown = argv.slice(0, 8).map((a) => {
    const line = a.trim().split('\n')[0]!;
    return line.length > 60 || a.trim().includes('\n') ? `${line.slice(0, 60)}…` : a;
  });
  return shown.join(' ') + (argv.length > 8 ? ' …' : '');
}

export class CommandError extends Error {
  constructor(
    readonly argv: string[],
    readonly result: CommandResult,
  ) {
    const status = result.signal ? `was killed by ${result.signal}` : `exited ${result.code}`;
    const tail = (result.stderr.trim() || result.stdout.trim()).split('\n').slice(-25).join('\n');
    super(`${describeArgv(argv)} ${status}${tail ? `:\n${tail}` : ''}`);
  }
}

/** The last KEEP_BYTES (or a little more) of a stream, and whether anything before them was dropped. */
class Tail {
  private chunks: Buffer[] = [];
  private kept = 0;
  private dropped = false;
  add(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.kept += chunk.length;
    while (this.kept - this.chunks[0]!.length > KEEP_BYTES) {
      this.kept -= this.chunks.shift()!.length;
      this.dropped = true;
    }
  }
  toString(): string {
    return (this.dropped ? '…' : '') + Buffer.concat(this.chunks).toString('utf8');
  }
}

/** Collects a child's output and waits for it; rejects with CommandError on a non-zero exit when `check`. */
export function collect(child: ChildProcess, argv: string[], check: boolean, input?: string): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    const stdout = new Tail();
    const stderr = new Tail();
    child.stdout?.on('data', (chunk: Buffer) => stdout.add(chunk));
    child.stderr?.on('data', (chunk: Buffer) => stderr.add(chunk));
    if (child.stdin) {
      child.stdin.on('error', () => undefined); // the command may not read its input
      child.stdin.end(input ?? '');
    }
    child.on('error', (e) => reject(new Error(`${argv[0]}: ${e.message}`)));
    child.on('close', (code, signal) => {
      const result = { code, signal, stdout: stdout.toString(), stderr: stderr.toString() };
      if (check && code !== 0) reject(new CommandError(argv, result));
      else resolve(result);
    });
  });
}

export interface RunOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  input?: string;
  /** Reject on a non-zero exit (default true). */
  check?: boolean;
}

/** Runs a host command. */
export function run(argv: string[], opts: RunOptions = {}): Promise<CommandResult> {
  const child = spawn(argv[0]!, argv.slice(1), { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
  return collect(child, argv, opts.check ?? true, opts.input);
}

/** Removes a tree that may hold root-owned, read-only parts; never crosses into a mount. */
export async function removeTree(path: string): Promise<void> {
  await run(['rm', '-rf', '--one-file-system', '--', path]);
}

export interface InRootOptions {
  /** Bind the tree read-write (building) or read-only (measuring; the default). */
  writable?: boolean;
  /** Its programs are arm64: register qemu in a private binfmt_misc first. */
  emulated?: boolean;
  /** Give it the host's resolv.conf (apt downloads). The network namespace is always the host's. */
  network?: boolean;
  /** More host directories, bound read-write at the given paths inside. */
  binds?: Array<[host: string, inside: string]>;
  env?: Record<string, string>;
  input?: string;
  check?: boolean;
}

const BASE_ENV: Record<string, string> = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  HOME: '/root',
  LC_ALL: 'C',
  DEBIAN_FRONTEND: 'noninteractive',
};

/** The bwrap command line that enters `root` as its /, as the builder. */
export function bwrapArgs(root: string, argv: string[], opts: InRootOptions): string[] {
  const args = ['bwrap', opts.writable ? '--bind' : '--ro-bind', root, '/', '--dev', '/dev', '--proc', '/proc', '--perms', '1777', '--tmpfs', '/tmp'];
  if (opts.network && existsSync('/etc/resolv.conf')) args.push('--ro-bind', '/etc/resolv.conf', '/etc/resolv.conf');
  for (const [host, inside] of opts.binds ?? []) args.push('--bind', host, inside);
  // A pid namespace of its own: mounting /proc needs one inside the binfmt user namespace, and nothing outlives the command.
  args.push('--unshare-pid', '--die-with-parent', '--clearenv');
  for (const [k, v] of Object.entries({ ...BASE_ENV, ...opts.env })) args.push('--setenv', k, v);
  args.push('--chdir', '/', '--', ...argv);
  return args;
}

/** Runs argv inside the root filesystem `root`. */
export function runInRoot(root: string, argv: string[], opts: InRootOptions = {}): Promise<CommandResult> {
  const full = bwrapArgs(root, argv, opts);
  const child = opts.emulated
    ? spawnWithPrivateBinfmt(full, { arch: 'arm64', stdio: ['pipe', 'pipe', 'pipe'] })
    : spawn(full[0]!, full.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
  return collect(child, argv, opts.check ?? true, opts.input);
}

/** Runs a shell script inside the root filesystem (its /bin/sh), with positional arguments. */
export function shInRoot(root: string, script: string, args: string[] = [], opts: InRootOptions = {}): Promise<CommandResult> {
  return runInRoot(root, ['/bin/sh', '-ec', script, 'sh', ...args], opts);
}
