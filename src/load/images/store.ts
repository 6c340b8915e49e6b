/**
 * The images on this machine: built once, cached as tarballs, unpacked once.
 *
 *   <cacheRoot()>/images/<id>.tar.zst     the root filesystem (tarball.ts)
 *   <cacheRoot()>/images/<id>.json        its ImageManifest, read without unpacking
 *   <cacheRoot()>/images/<id>.lock        flock'd while building, restoring or pruning (lock.ts)
 *   <cacheRoot()>/images/parts/           costly pieces reused across rebuilds (the musl CPython)
 *   <rootfsRoot()>/<id>/                  the unpacked tree that loads bind read-only at /
 *   <rootfsRoot()>/<id>.restored          which tarball that tree came from
 *
 * A tree is unpacked next to its final place and renamed in, so a reader sees
 * the old tree or the new one, never half of one; it is unpacked again when
 * the tarball changes (a rebuild, or a tarball copied in from a CI cache).
 *
 * @example
 *   const image = await ensureImage('debian-bookworm-amd64', { onProgress: (stage, detail) => console.log(stage, detail) });
 *   image.manifest.runtimes.python?.extSuffix   // '.cpython-311-x86_64-linux-gnu.so'
 *   image.rootfs                                 // '/var/tmp/distaudit-rootfs/debian-bookworm-amd64'
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cacheRoot } from '../../cache-dir.ts';
import type { Image, ImageId, ImageManifest } from '../types.ts';
import { CATALOG, IMAGE_IDS } from './catalog.ts';
import { buildImage, megabytes, type OnProgress } from './build.ts';
import { withLock } from './lock.ts';
import { unpackTree } from './tarball.ts';
import { removeTree, run } from './exec.ts';

export { ImageError, type OnProgress } from './build.ts';

export interface StoreDirs {
  /** Tarballs, manifests, locks, parts. */
  images: string;
  /** Unpacked trees. */
  rootfs: string;
}

/**
 * Where unpacked trees live. Loads run as uid 65534, which must be able to
 * walk down to them, so not under a root-only home: DISTAUDIT_ROOTFS, else
 * /var/tmp/distaudit-rootfs when running as root, else cacheRoot()/rootfs.
 */
export function rootfsRoot(): string {
  if (process.env.DISTAUDIT_ROOTFS) return process.env.DISTAUDIT_ROOTFS;
  return process.getuid?.() === 0 ? '/var/tmp/distaudit-rootfs' : join(cacheRoot(), 'rootfs');
}

export function storeDirs(): StoreDirs {
  return { images: join(cacheRoot(), 'images'), rootfs: rootfsRoot() };
}

const paths = (dirs: StoreDirs, id: ImageId) => ({
  tarball: join(dirs.images, `${id}.tar.zst`),
  manifest: join(dirs.images, `${id}.json`),
  lock: join(dirs.images, `${id}.lock`),
  tree: join(dirs.rootfs, id),
  stamp: join(dirs.rootfs, `${id}.restored`),
});

const partsDir = (dirs: StoreDirs) => join(dirs.images, 'parts');

/** The cached manifest of `id`, or null when there is no complete image of the current format. */
export function readManifest(id: ImageId, dirs: StoreDirs = storeDirs()): ImageManifest | null {
  const p = paths(dirs, id);
  if (!existsSync(p.tarball)) return null;
  try {
    const m = JSON.parse(readFileSync(p.manifest, 'utf8')) as ImageManifest;
    return m.format === 1 && m.id === id ? m : null;
  } catch {
    return null;
  }
}

/** The manifests of every image built on this machine, in catalog order. */
export function listImages(dirs: StoreDirs = storeDirs()): ImageManifest[] {
  return IMAGE_IDS.map((id) => readManifest(id, dirs)).filter((m): m is ImageManifest => m !== null);
}

/** What identifies a tarball's bytes cheaply: a rebuild or a copy changes one of these. */
function tarballStamp(tarball: string, manifest: ImageManifest): string {
  const s = statSync(tarball);
  return JSON.stringify({ size: s.size, mtimeMs: s.mtimeMs, ino: s.ino, builtAt: manifest.builtAt });
}

function isRestored(dirs: StoreDirs, manifest: ImageManifest): boolean {
  const p = paths(dirs, manifest.id);
  try {
    return existsSync(p.tree) && readFileSync(p.stamp, 'utf8') === tarballStamp(p.tarball, manifest);
  } catch {
    return false;
  }
}

async function restore(dirs: StoreDirs, manifest: ImageManifest, onProgress: OnProgress): Promise<void> {
  const p = paths(dirs, manifest.id);
  mkdirSync(dirs.rootfs, { recursive: true, mode: 0o755 });
  const fresh = `${p.tree}.tmp-${process.pid}`;
  const old = `${p.tree}.old-${process.pid}`;
  await removeTree(fresh);
  mkdirSync(fresh, { mode: 0o755 });
  onProgress('restore', '');
  const t0 = performance.now();
  try {
    await unpackTree(p.tarball, fresh);
    rmSync(p.stamp, { force: true });
    if (existsSync(p.tree)) renameSync(p.tree, old);
    renameSync(fresh, p.tree);
    writeFileSync(p.stamp, tarballStamp(p.tarball, manifest));
  } finally {
    await removeTree(fresh);
    await removeTree(old);
  }
  onProgress('restore', `${((performance.now() - t0) / 1000).toFixed(1)} s, ${megabytes(manifest.packedSize)} → ${p.tree}`);
}

export interface EnsureOptions {
  onProgress?: OnProgress;
  /** Build again even if cached. Callers that ask at the same time get one build between them. */
  rebuild?: boolean;
  dirs?: StoreDirs;
}

/**
 * The image `id`, ready to enter: built if there is no cached tarball (minutes),
 * unpacked if its tree is missing or older than the tarball (a second).
 * Concurrent callers, in this process or others, build and unpack once.
 */
export async function ensureImage(id: ImageId, opts: EnsureOptions = {}): Promise<Image> {
  const dirs = opts.dirs ?? storeDirs();
  const onProgress = opts.onProgress ?? (() => undefined);
  const p = paths(dirs, id);
  const asked = Date.now();
  const cached = readManifest(id, dirs);
  if (cached && !opts.rebuild && isRestored(dirs, cached)) return { manifest: cached, rootfs: p.tree };
  mkdirSync(dirs.images, { recursive: true });
  const WAITING = 'waiting for another process building or restoring it';
  let waitingSince: number | null = null;
  return withLock(
    p.lock,
    () => {
      waitingSince = performance.now();
      onProgress(WAITING, '');
    },
    async () => {
      if (waitingSince !== null) onProgress(WAITING, `${((performance.now() - waitingSince) / 1000).toFixed(1)} s`);
      let manifest = readManifest(id, dirs);
      // A build that finished after this call was made satisfies a rebuild request: it is as new as asked for.
      if (!manifest || (opts.rebuild && Date.parse(manifest.builtAt) < asked)) {
        manifest = await buildImage(CATALOG[id], dirs.images, partsDir(dirs), onProgress);
      }
      if (!isRestored(dirs, manifest)) await restore(dirs, manifest, onProgress);
      return { manifest, rootfs: p.tree };
    },
  );
}

export interface PruneOptions {
  /** Every image, and the cached parts (the musl CPython) too. */
  all?: boolean;
  ids?: ImageId[];
  dirs?: StoreDirs;
}

/** Removes images' tarballs, manifests and unpacked trees; returns what was removed and the bytes freed. */
export async function pruneImages(opts: PruneOptions): Promise<{ removed: string[]; bytes: number }> {
  const dirs = opts.dirs ?? storeDirs();
  const ids = opts.all ? IMAGE_IDS : (opts.ids ?? []);
  const removed: string[] = [];
  let bytes = 0;
  const sizeOf = async (path: string) => Number((await run(['du', '-sb', path])).stdout.split('\t')[0]);
  const remove = async (path: string) => {
    if (!existsSync(path)) return;
    bytes += await sizeOf(path);
    await removeTree(path);
    removed.push(path);
  };
  for (const id of ids) {
    const p = paths(dirs, id);
    if (!existsSync(p.lock) && !existsSync(p.tarball) && !existsSync(p.tree)) continue;
    await withLock(p.lock, () => undefined, async () => {
      rmSync(p.stamp, { force: true });
      for (const path of [p.tree, p.tarball, p.manifest]) await remove(path);
    });
  }
  if (opts.all) {
    await remove(partsDir(dirs));
    for (const name of existsSync(dirs.rootfs) ? readdirSync(dirs.rootfs) : []) {
      // Trees of a crashed restore.
      if (/\.(tmp|old)-\d+$/.test(name)) await remove(join(dirs.rootfs, name));
    }
  }
  return { removed, bytes };
}

