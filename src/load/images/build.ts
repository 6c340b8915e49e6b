/**
 * Builds one image: its recipe makes a root filesystem in a scratch directory,
 * the mount points every load needs are added, what is in it is measured from
 * inside, and the tree is packed as <id>.tar.zst with its manifest <id>.json
 * beside it. Both are written under temporary names and renamed into place, so
 * a reader never sees half an image. The caller (store.ts) holds the image's lock.
 */
import { chmodSync, mkdirSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ImageManifest } from '../types.ts';
import { SANDBOX_PATHS } from '../types.ts';
import { privateBinfmtSupport } from '../binfmt.ts';
import type { ImageRecipe } from './catalog.ts';
import { buildDebian } from './debian.ts';
import { buildMusl } from './musl.ts';
import { measureImage } from './measure.ts';
import { packTree } from './tarball.ts';
import { removeTree, run } from './exec.ts';

/**
 * Called twice per build stage: when it starts, with an empty detail, and when
 * it ends, with how long it took and what it came to ('27.9 s', '1.3 s, 415 MB → 132 MB').
 */
export type OnProgress = (stage: string, detail: string) => void;

/** What a recipe's builder gets. */
export interface BuildContext {
  recipe: ImageRecipe;
  /** An empty directory that becomes the image's /. */
  root: string;
  /** Scratch space, removed after the build. */
  work: string;
  /** Where costly pieces shared between builds are cached (the musl CPython). */
  partsDir: string;
  /** Runs one step, reporting its start and its duration. */
  stage<T>(name: string, fn: () => Promise<T>, detail?: (result: T) => string): Promise<T>;
}

export class ImageError extends Error {}

export function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`;
}

async function onPath(cmd: string): Promise<boolean> {
  const r = await run(['sh', '-c', 'command -v "$1"', 'sh', cmd], { check: false });
  return r.code === 0;
}

/** Why this host cannot build `recipe` (empty when it can). */
export async function buildProblems(recipe: ImageRecipe): Promise<string[]> {
  const problems: string[] = [];
  if (process.getuid?.() !== 0) problems.push('building images needs root (debootstrap writes root-owned trees; apt runs as root inside them)');
  const tools: Array<[string, string]> = [
    ['debootstrap', 'debootstrap'],
    ['zstd', 'zstd'],
    ['bwrap', 'bubblewrap'],
    ['tar', 'tar'],
    ['unshare', 'util-linux'],
    ['flock', 'util-linux'],
  ];
  const missing: string[] = [];
  for (const [cmd, pkg] of tools) if (!(await onPath(cmd))) missing.push(pkg);
  if (missing.length > 0) problems.push(`missing tools: apt-get install ${[...new Set(missing)].join(' ')}`);
  if (recipe.emulated) {
    const binfmt = privateBinfmtSupport('arm64');
    if (!binfmt.ok) problems.push(binfmt.reason);
  }
  return problems;
}

function treeBytes(root: string): Promise<number> {
  return run(['du', '-sb', root]).then((r) => Number(r.stdout.split('\t')[0]));
}

/**
 * Builds the image of `recipe` into `imagesDir` and returns its manifest.
 * `partsDir` caches pieces reused across rebuilds.
 */
export async function buildImage(recipe: ImageRecipe, imagesDir: string, partsDir: string, onProgress: OnProgress): Promise<ImageManifest> {
  const problems = await buildProblems(recipe);
  if (problems.length > 0) throw new ImageError(`cannot build ${recipe.id}: ${problems.join('; ')}`);
  const started = performance.now();
  const work = join(imagesDir, `.build-${recipe.id}-${process.pid}`);
  const root = join(work, 'root');
  // Leftovers of builds that were killed (the caller holds the lock: no build of this image is running).
  for (const name of readdirSync(imagesDir)) {
    if (name.startsWith(`.build-${recipe.id}-`)) await removeTree(join(imagesDir, name));
    else if (name.startsWith(`${recipe.id}.tar.zst.tmp-`) || name.startsWith(`${recipe.id}.json.tmp-`)) rmSync(join(imagesDir, name), { force: true });
  }
  mkdirSync(root, { recursive: true });
  const ctx: BuildContext = {
    recipe,
    root,
    work,
    partsDir,
    async stage(name, fn, detail) {
      onProgress(name, '');
      const t0 = performance.now();
      const result = await fn();
      onProgress(name, `${((performance.now() - t0) / 1000).toFixed(1)} s${detail ? `, ${detail(result)}` : ''}`);
      return result;
    },
  };
  try {
    const built = recipe.build.kind === 'debian' ? await buildDebian(ctx, recipe.build) : await buildMusl(ctx, recipe.build);
    // The tree is mounted read-only at load time, so every mount point must already exist.
    for (const dir of Object.values(SANDBOX_PATHS)) mkdirSync(join(root, dir), { recursive: true, mode: 0o755 });
    // The sandbox user (65534) must be able to enter it.
    chmodSync(root, 0o755);
    const measured = await ctx.stage('measure', () => measureImage(recipe, root), (m) => describeMeasured(m.libc, m.runtimes));
    const size = await treeBytes(root);
    const tarball = join(imagesDir, `${recipe.id}.tar.zst`);
    const packedTmp = `${tarball}.tmp-${process.pid}`;
    await ctx.stage('pack', () => packTree(root, packedTmp), () => `${megabytes(size)} → ${megabytes(statSync(packedTmp).size)}`);
    const manifest: ImageManifest = {
      format: 1,
      id: recipe.id,
      title: recipe.title,
      arch: recipe.arch,
      libc: measured.libc,
      emulated: recipe.emulated,
      runtimes: measured.runtimes,
      sources: { ...built, ...measured.packages },
      builtAt: new Date().toISOString(),
      buildSeconds: Math.round((performance.now() - started) / 100) / 10,
      size,
      packedSize: statSync(packedTmp).size,
    };
    const manifestPath = join(imagesDir, `${recipe.id}.json`);
    writeFileSync(`${manifestPath}.tmp-${process.pid}`, JSON.stringify(manifest, null, 2) + '\n');
    renameSync(packedTmp, tarball);
    renameSync(`${manifestPath}.tmp-${process.pid}`, manifestPath);
    return manifest;
  } finally {
    await removeTree(work);
    rmSync(join(imagesDir, `${recipe.id}.tar.zst.tmp-${process.pid}`), { force: true });
    rmSync(join(imagesDir, `${recipe.id}.json.tmp-${process.pid}`), { force: true });
  }
}

/** 'glibc 2.36; python 3.11.2, java 17.0.19, node 18.20.4' */
export function describeMeasured(libc: ImageManifest['libc'], runtimes: ImageManifest['runtimes']): string {
  const rt = [
    runtimes.python ? `python ${runtimes.python.version}` : null,
    runtimes.java ? `java ${runtimes.java.version}` : null,
    runtimes.node ? `node ${runtimes.node.version}` : null,
  ].filter(Boolean);
  return `${libc.kind} ${libc.version}; ${rt.length > 0 ? rt.join(', ') : 'no runtimes'}`;
}
