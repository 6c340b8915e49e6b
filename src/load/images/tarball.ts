/**
 * Root filesystems as tar.zst: numeric owners and extended attributes kept,
 * so a tree restored on another machine is the tree that was built.
 * /dev, /proc and /sys are left empty: whoever enters the tree mounts its own.
 * Measured: 35–95 MB for 120–300 MB trees, 0.2–0.4 s to restore (load-sandbox.md §2).
 */
import { run } from './exec.ts';

const EXCLUDES = ['./dev/*', './proc/*', './sys/*'];

/** Packs the tree at `root` into `file` (zstd level 3, all cores). */
export async function packTree(root: string, file: string): Promise<void> {
  const excludes = EXCLUDES.map((e) => `--exclude=${e}`).join(' ');
  await run([
    'bash',
    '-o',
    'pipefail',
    '-c',
    `tar -C "$1" --numeric-owner --xattrs --xattrs-include='*' ${excludes} -cf - . | zstd -T0 -3 -q -f -o "$2"`,
    'pack',
    root,
    file,
  ]);
}

/** Unpacks `file` into the existing directory `dest`. */
export async function unpackTree(file: string, dest: string): Promise<void> {
  await run(['bash', '-o', 'pipefail', '-c', `zstd -dc -q "$1" | tar -C "$2" --numeric-owner --xattrs --xattrs-include='*' -xf -`, 'unpack', file, dest]);
}
