/**
 * Debian images: debootstrap --variant=minbase, then the runtimes from the
 * suite's own archive with apt-get inside the tree, then what a load never
 * reads is stripped (apt lists and caches, docs, man pages, locales, logs).
 *
 * Foreign architectures bootstrap in two stages: --foreign unpacks on the host,
 * and the second stage runs the guest's own dpkg under qemu-user, registered in
 * a private binfmt_misc (../binfmt.ts). debootstrap is told it is in a
 * container (container=lxc) or its mknod check fails in a user namespace.
 */
import { lstatSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { aptSources, debianMirrors, type DebianRecipe } from './catalog.ts';
import type { BuildContext } from './build.ts';
import { removeTree, run, shInRoot, type InRootOptions } from './exec.ts';

/**
 * Runs debootstrap in a mount namespace of its own: the /proc and /sys it
 * mounts in the target vanish with it, whatever happens. Tried twice: a mirror
 * caught mid-sync answers "Couldn't find these debs" for a few seconds.
 */
export async function debootstrap(target: string, suite: string, debianArch: string, opts: { foreign: boolean }): Promise<void> {
  try {
    await debootstrapOnce(target, suite, debianArch, opts);
  } catch {
    await removeTree(target);
    mkdirSync(target);
    await debootstrapOnce(target, suite, debianArch, opts);
  }
}

async function debootstrapOnce(target: string, suite: string, debianArch: string, opts: { foreign: boolean }): Promise<void> {
  const { mirror } = debianMirrors();
  await run([
    'unshare',
    '--mount',
    '--propagation',
    'private',
    'debootstrap',
    '--variant=minbase',
    `--arch=${debianArch}`,
    ...(opts.foreign ? ['--foreign'] : []),
    suite,
    target,
    mirror,
  ]);
}

/** apt-get with retries: a CI runner's network blips should not fail a ten-minute build. */
export const APT_GET = 'apt-get -q -o Acquire::Retries=3';

/** Empties the directories a load never reads. */
export function stripTree(root: string): void {
  for (const dir of ['var/lib/apt/lists', 'var/cache/apt', 'usr/share/doc', 'usr/share/man', 'usr/share/locale', 'var/log']) {
    let entries: string[];
    try {
      entries = readdirSync(join(root, dir));
    } catch {
      continue;
    }
    for (const e of entries) rmSync(join(root, dir, e), { recursive: true, force: true });
  }
  // debootstrap copied these from the host; an image should not carry the builder's network or name.
  writeFileSync(join(root, 'etc/resolv.conf'), '');
  writeFileSync(join(root, 'etc/hostname'), 'distaudit\n');
}

export async function buildDebian(ctx: BuildContext, recipe: DebianRecipe): Promise<Record<string, string>> {
  const { root } = ctx;
  const emulated = ctx.recipe.emulated;
  const inRoot: InRootOptions = { writable: true, emulated, network: true };
  if (emulated) {
    await ctx.stage('debootstrap --foreign', () => debootstrap(root, recipe.suite, recipe.debianArch, { foreign: true }));
    // --foreign leaves /proc a symlink to the host's /proc; bwrap mounts a proc of its own there and needs a directory.
    const proc = join(root, 'proc');
    if (lstatSync(proc).isSymbolicLink()) {
      rmSync(proc);
      mkdirSync(proc, { mode: 0o555 });
    }
    await ctx.stage('debootstrap second stage (qemu)', () =>
      shInRoot(root, '/debootstrap/debootstrap --second-stage', [], { ...inRoot, network: false, env: { container: 'lxc' } }),
    );
  } else {
    await ctx.stage('debootstrap', () => debootstrap(root, recipe.suite, recipe.debianArch, { foreign: false }));
  }
  writeFileSync(join(root, 'etc/apt/sources.list'), aptSources(recipe.suite, { withSource: false }));
  await ctx.stage(
    `apt-get install ${recipe.packages.join(' ')}${emulated ? ' (qemu)' : ''}`,
    () => shInRoot(root, `${APT_GET} update && ${APT_GET} install -y --no-install-recommends "$@"`, recipe.packages, inRoot),
  );
  await ctx.stage('strip', async () => stripTree(root));
  const { mirror, security } = debianMirrors();
  return { suite: recipe.suite, architecture: recipe.debianArch, mirror, securityMirror: security };
}
