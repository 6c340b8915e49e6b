/**
 * Every ELF file in the machine's own library and binary directories: the
 * real-world population the ELF differential test and the throughput
 * benchmark run over.
 */
import { closeSync, lstatSync, openSync, readdirSync, readSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';

const SYSTEM_DIRS = [
  '/usr/lib/x86_64-linux-gnu',
  '/usr/bin',
  '/usr/sbin',
  '/usr/lib/gcc',
  '/usr/lib/gcc-cross',
  '/usr/aarch64-linux-gnu/lib',
  '/usr/i686-linux-gnu/lib',
  '/usr/lib/jvm',
  '/usr/libexec',
];

function isElf(path: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
    const b = Buffer.alloc(4);
    return readSync(fd, b, 0, 4, 0) === 4 && b.readUInt32BE(0) === 0x7f454c46;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/** Regular ELF files under the directories; symlinked files count once (by real path), symlinked directories are not entered. */
export function systemElfFiles(): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  const walk = (dir: string): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        walk(p);
        continue;
      }
      let real: string;
      try {
        real = e.isSymbolicLink() ? realpathSync(p) : p;
        const st = e.isSymbolicLink() ? statSync(real) : lstatSync(p);
        if (!st.isFile() || st.size < 52) continue;
      } catch {
        continue;
      }
      if (seen.has(real)) continue;
      seen.add(real);
      if (isElf(real)) out.push(real);
    }
  };
  for (const d of SYSTEM_DIRS) walk(d);
  return out.sort();
}
