/**
 * Per-run cgroups: the memory and pids limits of one sandbox, and what the
 * kernel says happened under them (an OOM kill, a refused fork).
 *
 * Each run gets its own child group under this process's own groups, as read
 * from /proc/self/cgroup:
 * - cgroup v1: one child in the memory hierarchy (memory.limit_in_bytes, and
 *   memory.memsw.limit_in_bytes where swap is accounted, so swap is no way
 *   around the limit) and one in the pids hierarchy (pids.max). OOM kills are
 *   counted in memory.oom_control, refused forks in pids.events.
 * - cgroup v2: one child with memory.max, memory.swap.max, pids.max; counts in
 *   memory.events and pids.events; cgroup.kill ends everything inside at once.
 *   (Our own group must let memory and pids through to its children: a
 *   systemd unit with Delegate=yes does.)
 *
 * The sandbox's first process joins (writes 0, "myself", to each procsFiles
 * entry) before it execs bwrap, so nothing it starts runs outside the limits
 * even for a moment.
 *
 *   const support = detectCgroups();
 *   if (support.ok) { const cg = RunCgroup.create(support, limits); ...; cg.events(); await cg.remove(); }
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { SandboxLimits } from '../types.ts';
import { processAlive } from './driver.ts';

export type CgroupSupport =
  | { ok: true; version: 1; memoryParent: string; pidsParent: string }
  | { ok: true; version: 2; parent: string }
  | { ok: false; reason: string };

interface Mount {
  root: string;
  mountpoint: string;
  fstype: string;
  superOptions: string[];
}

function mounts(): Mount[] {
  // mountinfo: id parent major:minor root mountpoint options [optional...] - fstype source superoptions
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [pre, post = ''] = line.split(' - ');
      const f = pre!.split(' ');
      const [fstype = '', , superOpts = ''] = post.split(' ');
      return { root: unescapeMount(f[3] ?? ''), mountpoint: unescapeMount(f[4] ?? ''), fstype, superOptions: superOpts.split(',') };
    });
}

function unescapeMount(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/** The directory of cgroup path `path` in a hierarchy mounted at `m`. */
function dirIn(m: Mount, path: string): string {
  // Inside a cgroup namespace the mount's root and our path are both relative to it.
  const rel = path.startsWith(m.root) ? relative(m.root, path) : path.replace(/^\/+/, '');
  return join(m.mountpoint, rel);
}

/** Whether we may make child groups in `dir` (tried for real: access(2) says nothing of a read-only cgroupfs or delegation). */
function canCreateChildren(dir: string): string | null {
  const probe = join(dir, `distaudit-probe-${process.pid}-${randomBytes(3).toString('hex')}`);
  try {
    mkdirSync(probe);
    rmdirSync(probe);
    return null;
  } catch (e) {
    return `cannot create a child cgroup in ${dir}: ${(e as Error).message}`;
  }
}

/** Finds where this process may put per-run memory and pids limits, or says why it cannot. */
export function detectCgroups(): CgroupSupport {
  let own: string[];
  let ms: Mount[];
  try {
    own = readFileSync('/proc/self/cgroup', 'utf8').split('\n').filter(Boolean);
    ms = mounts();
  } catch (e) {
    return { ok: false, reason: `cannot read this process's cgroups: ${(e as Error).message}` };
  }
  const v1Path = (controller: string) => {
    for (const line of own) {
      const [, ctrls = '', ...rest] = line.split(':');
      if (ctrls.split(',').includes(controller)) return rest.join(':');
    }
    return null;
  };
  const v1Mount = (controller: string) => ms.find((m) => m.fstype === 'cgroup' && m.superOptions.includes(controller));
  const memPath = v1Path('memory');
  const pidsPath = v1Path('pids');
  const memMount = v1Mount('memory');
  const pidsMount = v1Mount('pids');
  if (memPath !== null && pidsPath !== null && memMount && pidsMount) {
    const memoryParent = dirIn(memMount, memPath);
    const pidsParent = dirIn(pidsMount, pidsPath);
    const why = canCreateChildren(memoryParent) ?? canCreateChildren(pidsParent);
    return why ? { ok: false, reason: `cgroup v1: ${why}` } : { ok: true, version: 1, memoryParent, pidsParent };
  }

  const v2Line = own.find((l) => l.startsWith('0::'));
  const v2Mount = ms.find((m) => m.fstype === 'cgroup2');
  if (v2Line === undefined || !v2Mount) {
    return { ok: false, reason: 'neither cgroup v1 memory+pids hierarchies nor a cgroup v2 hierarchy is mounted' };
  }
  const parent = dirIn(v2Mount, v2Line.slice(3));
  const available = readWords(join(parent, 'cgroup.controllers'));
  const missing = ['memory', 'pids'].filter((c) => !available.includes(c));
  if (missing.length > 0) {
    return { ok: false, reason: `cgroup v2 group ${parent} does not offer ${missing.join(' and ')} (have it delegated: systemd-run -p Delegate=yes, or a container with its own cgroup)` };
  }
  const enabled = readWords(join(parent, 'cgroup.subtree_control'));
  if (!enabled.includes('memory') || !enabled.includes('pids')) {
    try {
      writeFileSync(join(parent, 'cgroup.subtree_control'), '+memory +pids');
    } catch (e) {
      // EBUSY: processes live in our own group, and v2 lets controllers reach children only of groups without processes.
      return {
        ok: false,
        reason: `cgroup v2: cannot enable memory and pids for children of ${parent} (${(e as Error).message}); run distaudit in a delegated group of its own (systemd-run -p Delegate=yes ...)`,
      };
    }
  }
  const why = canCreateChildren(parent);
  return why ? { ok: false, reason: `cgroup v2: ${why}` } : { ok: true, version: 2, parent };
}

function readWords(file: string): string[] {
  try {
    return readFileSync(file, 'utf8').split(/\s+/).filter(Boolean);
  } catch {
    return [];
  }
}

function readCounter(file: string, key: string): number {
  try {
    const m = new RegExp(`^${key} (\\d+)$`, 'm').exec(readFileSync(file, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

const NAME_PREFIX = 'distaudit-load-';
let counter = 0;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The cgroups of one run: made with their limits, joined by the sandbox, read, emptied and removed. */
export class RunCgroup {
  private constructor(
    private readonly support: Extract<CgroupSupport, { ok: true }>,
    /** The group directories (v1: memory and pids; v2: the one). */
    readonly dirs: string[],
  ) {}

  static create(support: Extract<CgroupSupport, { ok: true }>, limits: SandboxLimits): RunCgroup {
    const name = `${NAME_PREFIX}${process.pid}-${++counter}-${randomBytes(3).toString('hex')}`;
    const made: string[] = [];
    try {
      if (support.version === 1) {
        const mem = join(support.memoryParent, name);
        const pids = join(support.pidsParent, name);
        mkdirSync(mem);
        made.push(mem);
        mkdirSync(pids);
        made.push(pids);
        writeFileSync(join(mem, 'memory.limit_in_bytes'), String(limits.memoryBytes));
        // memsw must not be below the memory limit, so it is written second.
        if (existsSync(join(mem, 'memory.memsw.limit_in_bytes'))) writeFileSync(join(mem, 'memory.memsw.limit_in_bytes'), String(limits.memoryBytes));
        writeFileSync(join(pids, 'pids.max'), String(limits.pids));
      } else {
        const dir = join(support.parent, name);
        mkdirSync(dir);
        made.push(dir);
        writeFileSync(join(dir, 'memory.max'), String(limits.memoryBytes));
        if (existsSync(join(dir, 'memory.swap.max'))) writeFileSync(join(dir, 'memory.swap.max'), '0');
        writeFileSync(join(dir, 'pids.max'), String(limits.pids));
      }
    } catch (e) {
      for (const d of made.reverse()) rmdirSync(d);
      throw new Error(`cannot set up the load's cgroup: ${(e as Error).message}`, { cause: e });
    }
    return new RunCgroup(support, made);
  }

  /** The cgroup.procs files a process writes its pid to, to join. */
  get procsFiles(): string[] {
    return this.dirs.map((d) => join(d, 'cgroup.procs'));
  }

  /** What the limits did: the OOM killer fired; a fork was refused. */
  events(): { oomKilled: boolean; pidsLimitHit: boolean } {
    if (this.support.version === 1) {
      const [mem, pids] = this.dirs as [string, string];
      return { oomKilled: readCounter(join(mem, 'memory.oom_control'), 'oom_kill') > 0, pidsLimitHit: readCounter(join(pids, 'pids.events'), 'max') > 0 };
    }
    const [dir] = this.dirs as [string];
    return { oomKilled: readCounter(join(dir, 'memory.events'), 'oom_kill') > 0, pidsLimitHit: readCounter(join(dir, 'pids.events'), 'max') > 0 };
  }

  /** The pids of every process still inside. */
  members(): number[] {
    return groupMembers(this.dirs);
  }

  /** SIGKILLs everything still inside. */
  killAll(): void {
    killGroups(this.dirs, this.support.version);
  }

  /** Kills what is left, waits until the groups are empty, and removes them. */
  remove(): Promise<void> {
    return removeGroups(this.dirs, this.support.version);
  }
}

function groupMembers(dirs: string[]): number[] {
  const pids = new Set<number>();
  for (const d of dirs) {
    try {
      for (const w of readFileSync(join(d, 'cgroup.procs'), 'utf8').split('\n')) if (w) pids.add(Number(w));
    } catch {
      // removed already
    }
  }
  return [...pids];
}

/** v2: cgroup.kill; v1 (and v2 kernels before 5.14): SIGKILL each member, as often as forks race the loop. */
function killGroups(dirs: string[], version: 1 | 2): void {
  if (version === 2) {
    try {
      for (const d of dirs) writeFileSync(join(d, 'cgroup.kill'), '1');
      return;
    } catch {
      // no cgroup.kill: kill each member
    }
  }
  for (const pid of groupMembers(dirs)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
}

async function removeGroups(dirs: string[], version: 1 | 2): Promise<void> {
  for (let i = 0; groupMembers(dirs).length > 0; i++) {
    if (i >= 250) throw new Error(`processes ${groupMembers(dirs).join(', ')} in ${dirs.join(', ')} did not die within 5 s of SIGKILL`);
    killGroups(dirs, version);
    await sleep(20);
  }
  for (const d of dirs) {
    // An emptied group can stay busy for a moment while its last task is torn down.
    for (let i = 0; ; i++) {
      try {
        rmdirSync(d);
        break;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') break;
        if (i >= 100) throw new Error(`cannot remove cgroup ${d}: ${(e as Error).message}`, { cause: e });
        await sleep(10);
      }
    }
  }
}

/** Removes the groups of distaudit processes that died mid-run (the pid in their name is gone), killing what was left in them. */
export async function sweepStaleCgroups(support: Extract<CgroupSupport, { ok: true }>): Promise<void> {
  const parents = support.version === 1 ? [support.memoryParent, support.pidsParent] : [support.parent];
  for (const parent of parents) {
    let names: string[] = [];
    try {
      names = readdirSync(parent);
    } catch {
      // the hierarchy went away: nothing to sweep
    }
    for (const name of names) {
      const m = name.startsWith(NAME_PREFIX) ? /^(\d+)-/.exec(name.slice(NAME_PREFIX.length)) : null;
      if (m && !processAlive(Number(m[1]))) await removeGroups([join(parent, name)], support.version);
    }
  }
}
