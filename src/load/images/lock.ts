/**
 * One builder at a time per image, across processes (test files running in
 * parallel, a worker, a CLI) and within one: an exclusive flock(2) on a lock
 * file, held by a `flock` child process for as long as the work runs.
 *
 * The kernel owns the lock, so a process that dies (killed mid-build, a
 * crashed test) releases it with its last file descriptor: no stale lock
 * files to judge by pid or age. The child's stdin is our end of the line:
 * when this process goes away, stdin closes, `cat` exits and the lock is free.
 */
import { spawn } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

/** How long to wait for the lock before saying that someone else holds it. */
const QUIET_WAIT_MS = 300;

/**
 * Runs `fn` holding an exclusive lock on `path` (created if absent).
 * `onWait` is called once when the lock is not granted at once.
 */
export async function withLock<T>(path: string, onWait: () => void, fn: () => Promise<T>): Promise<T> {
  mkdirSync(dirname(path), { recursive: true });
  const holder = spawn('flock', ['--exclusive', path, 'sh', '-c', 'echo locked; exec cat'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  holder.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  await new Promise<void>((resolve, reject) => {
    const waiting = setTimeout(onWait, QUIET_WAIT_MS);
    const fail = (why: string) => {
      clearTimeout(waiting);
      reject(new Error(`cannot lock ${path}: ${why}${stderr ? `: ${stderr.trim()}` : ''} (flock is in util-linux)`));
    };
    holder.on('error', (e) => fail(e.message));
    holder.on('exit', (code) => fail(`flock exited ${code}`));
    holder.stdout.once('data', () => {
      clearTimeout(waiting);
      holder.removeAllListeners('exit');
      resolve();
    });
  });
  try {
    return await fn();
  } finally {
    const released = new Promise((resolve) => holder.once('close', resolve));
    holder.stdin.end();
    await released;
  }
}
