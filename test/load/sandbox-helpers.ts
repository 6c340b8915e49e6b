/**
 * What the sandbox tests look at on the host: the image they load in, and
 * what a run may have left behind (processes, zombies, cgroups, scratch
 * directories, changed files).
 */
import { lstatSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { detectCgroups } from '../../src/load/drivers/cgroup.ts';
import { ensureImage } from '../../src/load/images/store.ts';
import type { Image } from '../../src/load/types.ts';

/** The bookworm image (built on first use: minutes; then cached). */
export function bookworm(): Promise<Image> {
  return ensureImage('debian-bookworm-amd64', { onProgress: (stage, detail) => console.log(`image debian-bookworm-amd64: ${stage} ${detail}`) });
}

function procEntries(): number[] {
  return readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .map(Number);
}

/** Live processes whose environment holds `marker` (each run's environment carries a nonce, inherited by everything it starts). */
export function processesWithEnv(marker: string): string[] {
  const found: string[] = [];
  for (const pid of procEntries()) {
    try {
      if (readFileSync(`/proc/${pid}/environ`).includes(marker)) found.push(`${pid} ${readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ')}`);
    } catch {
      // gone, or a kernel thread
    }
  }
  return found;
}

/**
 * Zombies owned by the sandbox user (a zombie has no environment left to
 * match). Other processes on the machine may make some too: compare with the
 * set from before a run (newZombies).
 */
export function sandboxZombies(): string[] {
  const found: string[] = [];
  for (const pid of procEntries()) {
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      if (/^State:\s+Z/m.test(status) && /^Uid:\s+65534\b/m.test(status)) found.push(`${pid} ${/^Name:\s+(.*)$/m.exec(status)?.[1]} ppid ${/^PPid:\s+(\d+)/m.exec(status)?.[1]}`);
    } catch {
      // gone
    }
  }
  return found;
}

export function newZombies(before: string[]): string[] {
  return sandboxZombies().filter((z) => !before.includes(z));
}

/** A process's parent pid and its pids in each pid namespace, outermost first (NSpid). */
export function processInfo(pid: number): { ppid: number; nspid: number[]; name: string } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return {
    ppid: Number(/^PPid:\s+(\d+)/m.exec(status)![1]),
    nspid: /^NSpid:\s+(.*)$/m.exec(status)![1]!.trim().split(/\s+/).map(Number),
    name: /^Name:\s+(.*)$/m.exec(status)![1]!,
  };
}

/** Cgroups and scratch directories this test process's runs made and did not remove. */
export function leftoverRunState(): string[] {
  const mine = (dir: string, prefix: string) => {
    try {
      return readdirSync(dir)
        .filter((n) => n.startsWith(`${prefix}${process.pid}-`))
        .map((n) => join(dir, n));
    } catch {
      return [];
    }
  };
  const cg = detectCgroups();
  const parents = !cg.ok ? [] : cg.version === 1 ? [cg.memoryParent, cg.pidsParent] : [cg.parent];
  return [...parents.flatMap((p) => mine(p, 'distaudit-load-')), ...mine(tmpdir(), 'distaudit-scratch-')];
}

/** Every path under `root` with its type, mode, owner, size and times: a write anywhere changes it. */
export function snapshotTree(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const visit = (p: string) => {
    const s = lstatSync(p);
    out.set(p.slice(root.length) || '/', `${s.mode} ${s.uid}:${s.gid} ${s.size} ${s.mtimeMs} ${s.ctimeMs}`);
    if (s.isDirectory()) for (const name of readdirSync(p)) visit(join(p, name));
  };
  visit(root);
  return out;
}

/** The paths whose entries differ between two snapshots. */
export function treeChanges(before: Map<string, string>, after: Map<string, string>): string[] {
  const changed = [...after].filter(([p, v]) => before.get(p) !== v).map(([p]) => p);
  const removed = [...before.keys()].filter((p) => !after.has(p));
  return [...changed, ...removed.map((p) => `${p} (removed)`)];
}
