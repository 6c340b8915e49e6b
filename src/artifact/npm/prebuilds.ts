/**
 * prebuildify's layout as node-gyp-build reads it, and Node's platform and
 * architecture names in distaudit's vocabulary.
 *
 * A prebuild lives at `prebuilds/<platform>-<arch>[+<arch2>...]/<file>.node`.
 * The directory is a "tuple"; the file name's dot-separated tokens are
 * "tags": runtime (`node`, `electron`, `node-webkit`), `napi`, `abi<N>`
 * (NODE_MODULE_VERSION), `uv<N>`, `armv<N>`, libc (`glibc`, `musl`); any other
 * token (prebuildify 6 puts the package name first) is ignored.
 *
 * The parsing is node-gyp-build 4.8.4's (`parseTuple`, `parseTags`,
 * prebuild/node-gyp-build node-gyp-build.js), token for token, including its
 * quirks: a token is a tag by its prefix only, so a package named `uvu`
 * yields `uvu.node` whose token `uvu` reads as tag uv=`u` (and never matches
 * libuv 1), and `abi-foo` reads as abi=`-foo`.
 *
 * ```ts
 * parseTuple('darwin-x64+arm64');          // { name, platform: 'darwin', architectures: ['x64', 'arm64'] }
 * parseTags('node.abi72.node');            // { runtime: 'node', abi: '72', napi: false, specificity: 2, ... }
 * parseTags('classic-level.musl.node');    // { libc: 'musl', specificity: 1, ... } (the name token is ignored)
 * npmArch('x64');                          // 'x86_64'
 * ```
 */
import type { Arch } from '../../binary/arch.ts';
import type { Os } from '../../target.ts';

export interface PrebuildTuple {
  /** The directory name as written. */
  name: string;
  /** Node's `os.platform()` name: 'linux', 'darwin', 'win32', ... */
  platform: string;
  /** Node's `os.arch()` names: ['x64'], ['x64', 'arm64'] for a universal build. */
  architectures: string[];
}

/** node-gyp-build's parseTuple: `<platform>-<arch>[+<arch>...]`; null when the name has another shape. */
export function parseTuple(name: string): PrebuildTuple | null {
  const arr = name.split('-');
  if (arr.length !== 2) return null;
  const platform = arr[0]!;
  const architectures = arr[1]!.split('+');
  if (!platform) return null;
  if (!architectures.every(Boolean)) return null;
  return { name, platform, architectures };
}

export type NodeRuntimeTag = 'node' | 'electron' | 'node-webkit';

export interface PrebuildTags {
  file: string;
  runtime: NodeRuntimeTag | null;
  napi: boolean;
  /** The text after `abi` (node-gyp-build compares it as a string with process.versions.modules). */
  abi: string | null;
  uv: string | null;
  armv: string | null;
  libc: 'glibc' | 'musl' | null;
  /** How many tokens were tags (ranks candidates). */
  specificity: number;
}

/** node-gyp-build's parseTags: null for a file whose last token is not `node`. */
export function parseTags(file: string): PrebuildTags | null {
  const arr = file.split('.');
  const extension = arr.pop();
  if (extension !== 'node') return null;
  const tags: PrebuildTags = { file, runtime: null, napi: false, abi: null, uv: null, armv: null, libc: null, specificity: 0 };
  for (const tag of arr) {
    if (tag === 'node' || tag === 'electron' || tag === 'node-webkit') tags.runtime = tag;
    else if (tag === 'napi') tags.napi = true;
    else if (tag.slice(0, 3) === 'abi') tags.abi = tag.slice(3);
    else if (tag.slice(0, 2) === 'uv') tags.uv = tag.slice(2);
    else if (tag.slice(0, 4) === 'armv') tags.armv = tag.slice(4);
    else if (tag === 'glibc' || tag === 'musl') tags.libc = tag;
    else continue;
    tags.specificity++;
  }
  return tags;
}

/** The tags as a file name would spell them, for messages: 'node, abi72, musl'; 'untagged'. */
export function tagsText(t: PrebuildTags): string {
  const parts = [t.runtime, t.napi ? 'napi' : null, t.abi !== null ? `abi${t.abi}` : null, t.uv !== null ? `uv${t.uv}` : null, t.armv !== null ? `armv${t.armv}` : null, t.libc].filter(
    (x): x is string => x !== null,
  );
  return parts.length > 0 ? parts.join(', ') : 'untagged';
}

/** The NODE_MODULE_VERSION an `abi` tag names, when it is a number. */
export function abiNumber(t: Pick<PrebuildTags, 'abi'>): number | null {
  return t.abi !== null && /^\d{1,6}$/.test(t.abi) ? Number(t.abi) : null;
}

const PLATFORM_OS: Record<string, Os> = { linux: 'linux', darwin: 'macos', win32: 'windows', android: 'android', freebsd: 'freebsd' };

/** distaudit's OS for a Node `os.platform()` name; null for platforms outside the vocabulary (aix, sunos, openbsd, ...). */
export function npmPlatformOs(platform: string): Os | null {
  return PLATFORM_OS[platform] ?? null;
}

/** The Node `os.platform()` name of an OS. */
export function osPlatform(os: Os): string {
  return Object.entries(PLATFORM_OS).find(([, o]) => o === os)?.[0] ?? os;
}

/**
 * Node's `os.arch()` names. `ppc64` is little-endian on Linux (the only
 * PowerPC Linux Node supports); on AIX it is big-endian ppc64.
 */
const NODE_ARCH: Record<string, Arch> = {
  x64: 'x86_64',
  ia32: 'i386',
  arm64: 'arm64',
  arm: 'arm',
  ppc64: 'ppc64le',
  ppc: 'ppc',
  s390x: 's390x',
  s390: 's390',
  riscv64: 'riscv64',
  loong64: 'loongarch64',
  mips: 'mips',
  mipsel: 'mipsel',
  mips64el: 'mips64el',
};

/** distaudit's architecture for a Node `os.arch()` name (`cpu` values too); null when unknown. */
export function npmArch(arch: string, platform = 'linux'): Arch | null {
  if (arch === 'ppc64' && platform === 'aix') return 'ppc64';
  return NODE_ARCH[arch] ?? null;
}

/** The Node `os.arch()` name of an architecture ('x86_64' → 'x64'). */
export function nodeArchName(arch: Arch): string {
  if (arch === 'ppc64') return 'ppc64';
  return Object.entries(NODE_ARCH).find(([, a]) => a === arch)?.[0] ?? arch;
}
