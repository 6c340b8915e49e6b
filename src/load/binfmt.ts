/**
 * Runs a command with qemu-user registered for a foreign architecture in a
 * PRIVATE binfmt_misc: a user + mount namespace of its own mounts its own
 * binfmt_misc instance (Linux >= 6.7) and registers qemu there. The host's
 * /proc/sys/fs/binfmt_misc is never mounted or written; the registration dies
 * with the namespace and is inherited by namespaces nested inside it (bwrap's).
 *
 *   parent (root)                          child: unshare --user --mount --fork sh -c …
 *   spawn ──────────────────────────────▶  new userns (no ids mapped yet), forks sh
 *          ◀── "<sh pid>\n" on the sync fd
 *   write "0 0 65536" to uid_map, gid_map   (identity: files written inside keep their
 *   beforeExec(sh pid)                        real owners; dpkg's chown works)
 *          ── "go\n" ─────────────────────▶  mount -t binfmt_misc; register qemu (flag F:
 *                                            the interpreter is opened now, from the host,
 *                                            so the root filesystem needs no qemu); exec argv
 *
 * See ../shared/reference/notes/load-sandbox.md §4 for the measurements this follows.
 *
 * @example
 *   const child = spawnWithPrivateBinfmt(['bwrap', '--ro-bind', rootfs, '/', …, '/usr/bin/python3', '-V'],
 *     { arch: 'arm64', stdio: ['ignore', 'pipe', 'pipe', 'pipe'] });   // fd 3 (bwrap --info-fd 3) reaches bwrap
 */
import { spawn, type ChildProcess, type SpawnOptions, type StdioOptions } from 'node:child_process';
import { accessSync, constants, writeFileSync } from 'node:fs';
import { release } from 'node:os';
import { delimiter, join } from 'node:path';
import type { Readable, Writable } from 'node:stream';

export type ForeignArch = 'arm64';

interface BinfmtEntry {
  /** The qemu-user binary; must be static (with flag F it runs with the guest's root as /). */
  qemu: string;
  /** binfmt_misc magic and mask, as qemu's own qemu-binfmt-conf.sh writes them. */
  magic: string;
  mask: string;
}

const ENTRIES: Record<ForeignArch, BinfmtEntry> = {
  arm64: {
    qemu: 'qemu-aarch64-static',
    magic: '\\x7fELF\\x02\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\xb7\\x00',
    mask: '\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\xff',
  },
};

/** The first kernel whose binfmt_misc can be mounted per user namespace (the kernel change "binfmt_misc: enable sandboxed mounts"). */
export const MIN_KERNEL = [6, 7] as const;

/** How many ids the namespace maps (identity): every uid/gid a Debian root filesystem uses, 65534 (nobody) included. */
const MAPPED_IDS = 65536;

export interface BinfmtSpawnOptions extends SpawnOptions {
  arch: ForeignArch;
  /**
   * Called with the pid of the process that will exec argv, after the id maps are
   * written and before it goes on. The place to move it into cgroups: it has not
   * forked anything yet, so everything it starts inherits them.
   */
  beforeExec?: (pid: number) => void | Promise<void>;
}

/** Whether a kernel of this `uname -r` mounts binfmt_misc per user namespace. */
export function kernelHasPrivateBinfmt(kernelRelease: string): boolean {
  const m = /^(\d+)\.(\d+)/.exec(kernelRelease);
  if (!m) return false;
  const [major, minor] = [Number(m[1]), Number(m[2])];
  return major > MIN_KERNEL[0] || (major === MIN_KERNEL[0] && minor >= MIN_KERNEL[1]);
}

function onPath(name: string): string | null {
  for (const dir of (process.env.PATH ?? '/usr/bin:/bin').split(delimiter).concat(['/usr/bin', '/usr/local/bin'])) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return null;
}

/**
 * Whether this host can run programs of `arch` through a private binfmt_misc,
 * and if not, why (shown to users verbatim). Cheap: checks, does not spawn.
 */
export function privateBinfmtSupport(arch: ForeignArch): { ok: true; qemu: string } | { ok: false; reason: string } {
  if (!kernelHasPrivateBinfmt(release())) {
    return {
      ok: false,
      reason: `running ${arch} images needs Linux >= ${MIN_KERNEL.join('.')} (binfmt_misc mounted per user namespace, so qemu is registered for distaudit alone, never host-wide); this kernel is ${release()}`,
    };
  }
  if (process.getuid?.() !== 0) {
    return { ok: false, reason: `running ${arch} images needs root: the parent maps uids 0-${MAPPED_IDS - 1} of the namespace onto the same host uids` };
  }
  const qemu = onPath(ENTRIES[arch].qemu);
  if (!qemu) return { ok: false, reason: `running ${arch} images needs ${ENTRIES[arch].qemu}: apt-get install qemu-user-static` };
  if (!/^[\w./+-]+$/.test(qemu)) return { ok: false, reason: `${qemu}: unusual characters in the qemu path` };
  if (!onPath('unshare')) return { ok: false, reason: 'running emulated images needs unshare (util-linux)' };
  return { ok: true, qemu };
}

/** Normalizes SpawnOptions.stdio to one entry per fd. */
function stdioEntries(stdio: StdioOptions | undefined): unknown[] {
  if (stdio === undefined) return ['pipe', 'pipe', 'pipe'];
  if (typeof stdio === 'string') return [stdio, stdio, stdio];
  return [...stdio];
}

/**
 * Spawns argv with qemu-user registered for `options.arch` in a private
 * binfmt_misc. Returns the ChildProcess of the outer `unshare`, which exits
 * with argv's status (or dies of its signal); killing it SIGKILLs argv
 * (`--kill-child`, as long as argv has not changed its uid).
 *
 * Every entry of options.stdio reaches argv at the same fd number; one more fd
 * (the next number, at most 9) carries the handshake and is closed before exec.
 * Throws when the host cannot do this (privateBinfmtSupport says why). A failure
 * inside (mount refused) exits 125 with the reason on argv's stderr.
 */
export function spawnWithPrivateBinfmt(argv: string[], options: BinfmtSpawnOptions): ChildProcess {
  if (argv.length === 0) throw new Error('spawnWithPrivateBinfmt: empty argv');
  const support = privateBinfmtSupport(options.arch);
  if (!support.ok) throw new Error(support.reason);
  const { arch, beforeExec, ...spawnOptions } = options;
  const entry = ENTRIES[arch];
  const stdio = stdioEntries(spawnOptions.stdio);
  const syncFd = stdio.length;
  // dash redirects only fds 0-9.
  if (syncFd > 9) throw new Error('spawnWithPrivateBinfmt: at most 9 stdio entries (one more fd carries the handshake)');
  const register = `:distaudit-${arch}:M::${entry.magic}:${entry.mask}:${support.qemu}:F`;
  const script = [
    `printf '%s\\n' "$$" >&${syncFd}`,
    `read -r go <&${syncFd}`,
    `[ "$go" = go ] || exit 125`,
    `exec ${syncFd}<&-`,
    `mount -t binfmt_misc binfmt_misc /proc/sys/fs/binfmt_misc 2>/dev/null || { echo "distaudit: cannot mount binfmt_misc in a user namespace (needs Linux >= ${MIN_KERNEL.join('.')}); this kernel: $(uname -r)" >&2; exit 125; }`,
    `printf '%s' '${register}' > /proc/sys/fs/binfmt_misc/register || { echo "distaudit: cannot register ${support.qemu} in the private binfmt_misc" >&2; exit 125; }`,
    `exec "$@"`,
  ].join('\n');
  const child = spawn('unshare', ['--user', '--mount', '--propagation', 'private', '--kill-child', '--', 'sh', '-c', script, 'distaudit-binfmt', ...argv], {
    ...spawnOptions,
    stdio: [...stdio, 'pipe'] as StdioOptions,
  });
  const sync = child.stdio[syncFd] as (Readable & Writable) | null | undefined;
  if (!sync) return child; // spawn failed; the ChildProcess reports it as 'error'
  let received = '';
  const fail = (e: Error): void => {
    sync.destroy();
    child.kill('SIGKILL');
    child.emit('error', e);
  };
  sync.on('error', () => {
    // The child died before the handshake ended; its exit status tells the caller.
  });
  sync.on('data', (chunk: Buffer) => {
    received += chunk.toString();
    if (!received.includes('\n')) return;
    sync.removeAllListeners('data');
    const innerPid = Number(received.trim());
    void (async () => {
      try {
        // The map belongs to the namespace, so writing it through the unshare process covers its child too.
        writeFileSync(`/proc/${child.pid}/uid_map`, `0 0 ${MAPPED_IDS}\n`);
        writeFileSync(`/proc/${child.pid}/gid_map`, `0 0 ${MAPPED_IDS}\n`);
        if (beforeExec) await beforeExec(innerPid);
        sync.end('go\n');
      } catch (e) {
        fail(new Error(`spawnWithPrivateBinfmt: setting up the namespace failed: ${(e as Error).message}`));
      }
    })();
  });
  return child;
}
