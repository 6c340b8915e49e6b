/**
 * The images distaudit builds, as data: which distribution suite, which
 * architecture, which runtimes. How a recipe becomes a root filesystem is in
 * debian.ts and musl.ts; how it is cached and restored, in store.ts.
 *
 * Every image is a clean, minimal root filesystem (Debian's debootstrap
 * --variant=minbase, close to debian:<suite>-slim) plus the runtimes a probe
 * loads binaries with. Measured recipes: ../shared/reference/notes/load-sandbox.md §1, §2, §4, §5.
 */
import type { ImageId, ImageManifest } from '../types.ts';

/** A Debian suite bootstrapped with debootstrap, runtimes from its own archive. */
export interface DebianRecipe {
  kind: 'debian';
  suite: 'bullseye' | 'bookworm' | 'trixie';
  /** Debian's architecture name. */
  debianArch: 'amd64' | 'arm64';
  /** Installed with apt-get --no-install-recommends. */
  packages: string[];
}

/**
 * No Debian release runs on musl: the image is musl's own loader taken from
 * Debian's `musl` package, busybox for a shell, and a CPython compiled with
 * musl-gcc from Debian's python3.11 source. There is no musl Node or Java.
 */
export interface MuslRecipe {
  kind: 'musl';
  /** The Debian suite the musl package, busybox and CPython source come from. */
  suite: 'bookworm';
  /** The Debian source package of the CPython built. */
  pythonSource: 'python3.11';
}

export interface ImageRecipe {
  id: ImageId;
  title: string;
  arch: ImageManifest['arch'];
  /** Programs run under qemu-user through a private binfmt_misc (src/load/binfmt.ts). */
  emulated: boolean;
  build: DebianRecipe | MuslRecipe;
}

const RUNTIME_PACKAGES = ['python3', 'default-jre-headless', 'nodejs'];

export const CATALOG: Record<ImageId, ImageRecipe> = {
  'debian-bullseye-amd64': {
    id: 'debian-bullseye-amd64',
    title: 'Debian 11 (bullseye) amd64',
    arch: 'x86_64',
    emulated: false,
    build: { kind: 'debian', suite: 'bullseye', debianArch: 'amd64', packages: RUNTIME_PACKAGES },
  },
  'debian-bookworm-amd64': {
    id: 'debian-bookworm-amd64',
    title: 'Debian 12 (bookworm) amd64',
    arch: 'x86_64',
    emulated: false,
    build: { kind: 'debian', suite: 'bookworm', debianArch: 'amd64', packages: RUNTIME_PACKAGES },
  },
  'debian-trixie-amd64': {
    id: 'debian-trixie-amd64',
    title: 'Debian 13 (trixie) amd64',
    arch: 'x86_64',
    emulated: false,
    build: { kind: 'debian', suite: 'trixie', debianArch: 'amd64', packages: RUNTIME_PACKAGES },
  },
  'musl-amd64': {
    id: 'musl-amd64',
    title: 'musl 1.2 amd64 (Debian musl, busybox, CPython 3.11 built with musl-gcc)',
    arch: 'x86_64',
    emulated: false,
    build: { kind: 'musl', suite: 'bookworm', pythonSource: 'python3.11' },
  },
  'debian-bookworm-arm64': {
    id: 'debian-bookworm-arm64',
    title: 'Debian 12 (bookworm) arm64, under qemu-user',
    arch: 'arm64',
    emulated: true,
    build: { kind: 'debian', suite: 'bookworm', debianArch: 'arm64', packages: RUNTIME_PACKAGES },
  },
};

export const IMAGE_IDS = Object.keys(CATALOG) as ImageId[];

export function isImageId(s: string): s is ImageId {
  return Object.hasOwn(CATALOG, s);
}

/** Where Debian packages come from: DISTAUDIT_DEBIAN_MIRROR and DISTAUDIT_DEBIAN_SECURITY_MIRROR override. */
export function debianMirrors(): { mirror: string; security: string } {
  return {
    mirror: process.env.DISTAUDIT_DEBIAN_MIRROR || 'http://deb.debian.org/debian',
    security: process.env.DISTAUDIT_DEBIAN_SECURITY_MIRROR || 'http://deb.debian.org/debian-security',
  };
}

/**
 * The apt sources of an image: the suite, its point-release updates and its
 * security updates. Source packages come from the suite itself: the security
 * archive's source pool is not mirrored everywhere, and a build from the
 * point release is the same on every machine.
 */
export function aptSources(suite: string, opts: { withSource: boolean }): string {
  const { mirror, security } = debianMirrors();
  const lines = [`deb ${mirror} ${suite} main`, `deb ${mirror} ${suite}-updates main`, `deb ${security} ${suite}-security main`];
  if (opts.withSource) lines.push(`deb-src ${mirror} ${suite} main`);
  return lines.join('\n') + '\n';
}
