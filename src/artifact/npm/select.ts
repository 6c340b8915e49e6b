/**
 * Which file node-gyp-build (4.8.4, prebuild/node-gyp-build node-gyp-build.js)
 * loads from a package on a given system, replayed from the package's file
 * list — what `require('node-gyp-build')(__dirname)` returns there:
 *
 * 1. `build/Release/`, then `build/Debug/`: the first `*.node` file by name
 *    (libuv's scandir sorts names with strcmp), whatever its platform —
 *    a shipped build output wins over every prebuild, on every system;
 * 2. else `prebuilds/<platform>-<arch>[+<arch>...]/`: the directories whose
 *    platform is `os.platform()` and whose architectures include `os.arch()`,
 *    single-architecture first; in the first one, every `*.node` file whose
 *    tags do not contradict the running Node:
 *    - runtime: a `node` / `electron` / `node-webkit` tag must be the running
 *      runtime's (a `node.napi` file is accepted by every runtime);
 *    - abi: an `abiNN` tag must be process.versions.modules, unless `napi`;
 *    - uv: a `uvN` tag must be libuv's major (1); armv: an `armvN` tag must
 *      be ARM_VERSION, or 8 on arm64 (nothing on x64, so any armv tag fails);
 *    - libc: a `glibc` / `musl` tag must be the detected libc, which is
 *      `musl` only where /etc/alpine-release exists (Void Linux, OpenWrt and
 *      other musl systems are taken for glibc); untagged files match any;
 *    then ranked: the running runtime's own tag first, an `abi` build before
 *    a `napi` one, then more tags first (Array.prototype.sort, stable, with
 *    node-gyp-build's own comparator).
 *
 * Not replayed: the `<NAME>_PREBUILD`, `PREBUILDS_ONLY`, `LIBC`,
 * `ARM_VERSION`, `npm_config_arch` / `npm_config_platform` overrides (users'
 * settings), and the fallback to prebuilds beside the node executable.
 *
 * ```ts
 * pickPrebuild(files, { platform: 'linux', arch: 'x64', libc: 'musl', armv: '', uv: '1' }, { runtime: 'node', abi: '115' });
 * // { file: 'prebuilds/linux-x64/demo.musl.node', via: 'prebuilds', dir: 'linux-x64', considered: [...] }
 * ```
 */
import { parseTags, parseTuple, tagsText, type PrebuildTags } from './prebuilds.ts';

/** What node-gyp-build reads of the running process and system. */
export interface LoaderEnv {
  /** os.platform(). */
  platform: string;
  /** os.arch(). */
  arch: string;
  /** What node-gyp-build detects: 'musl' only where /etc/alpine-release exists. */
  libc: 'glibc' | 'musl';
  /** ARM_VERSION, '8' on arm64, process.config.variables.arm_version on arm, '' elsewhere. */
  armv: string;
  /** libuv's major version. */
  uv: string;
}

export interface RuntimeEnv {
  runtime: 'node' | 'electron' | 'node-webkit';
  /** process.versions.modules. */
  abi: string;
}

export interface Considered {
  /** Package path. */
  file: string;
  tags: string;
  /** Why node-gyp-build rejected it; null when it matched. */
  rejected: string | null;
}

export interface PrebuildPick {
  /** The package path node-gyp-build returns; null when it finds nothing ("No native build was found for ..."). */
  file: string | null;
  via: 'build/Release' | 'build/Debug' | 'prebuilds' | null;
  /** The prebuilds/ directory chosen (when it got that far). */
  dir: string | null;
  /** The files of that directory, with why each was passed over. */
  considered: Considered[];
  /** prebuilds/ directories for this platform and architecture that were not chosen (another came first). */
  otherDirs: string[];
}

/** strcmp order, as libuv's scandir returns directory entries. */
function byName(a: string, b: string): number {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return Buffer.compare(x, y);
}

interface Tags {
  file: string;
  runtime: string | undefined;
  napi: boolean | undefined;
  abi: string | undefined;
  uv: string | undefined;
  armv: string | undefined;
  libc: string | undefined;
  specificity: number;
}

/** node-gyp-build's tag object (undefined for absent tags, so its comparator sees what it sees at run time). */
function asLoaderTags(t: PrebuildTags): Tags {
  return {
    file: t.file,
    runtime: t.runtime ?? undefined,
    napi: t.napi ? true : undefined,
    abi: t.abi ?? undefined,
    uv: t.uv ?? undefined,
    armv: t.armv ?? undefined,
    libc: t.libc ?? undefined,
    specificity: t.specificity,
  };
}

/** matchTags, with the reason for a rejection. */
function rejection(tags: Tags, env: LoaderEnv, rt: RuntimeEnv): string | null {
  const runtimeAgnostic = tags.runtime === 'node' && tags.napi === true;
  if (tags.runtime && tags.runtime !== rt.runtime && !runtimeAgnostic) return `runtime ${tags.runtime}, not ${rt.runtime}`;
  if (tags.abi && tags.abi !== rt.abi && !tags.napi) return `abi${tags.abi}, not abi${rt.abi} (NODE_MODULE_VERSION)`;
  if (tags.uv && tags.uv !== env.uv) return `uv${tags.uv}, not uv${env.uv} (libuv major)`;
  if (tags.armv && tags.armv !== env.armv) return env.armv ? `armv${tags.armv}, not armv${env.armv}` : `armv${tags.armv} on ${env.arch} (no ARM version there)`;
  if (tags.libc && tags.libc !== env.libc) return `${tags.libc}, not ${env.libc}${env.libc === 'glibc' ? ' (no /etc/alpine-release)' : ''}`;
  return null;
}

/** compareTags(runtime), node-gyp-build's comparator, verbatim in behaviour. */
function compareTags(runtime: string) {
  return (a: Tags, b: Tags): number => {
    if (a.runtime !== b.runtime) return a.runtime === runtime ? -1 : 1;
    else if (a.abi !== b.abi) return a.abi ? -1 : 1;
    else if (a.specificity !== b.specificity) return a.specificity > b.specificity ? -1 : 1;
    return 0;
  };
}

/**
 * Replays node-gyp-build's choice over a package's file list (package paths,
 * e.g. 'prebuilds/linux-x64/x.node', 'build/Release/x.node').
 */
export function pickPrebuild(files: readonly string[], env: LoaderEnv, rt: RuntimeEnv): PrebuildPick {
  const none: PrebuildPick = { file: null, via: null, dir: null, considered: [], otherDirs: [] };
  for (const dir of ['build/Release', 'build/Debug'] as const) {
    const first = files
      .filter((f) => f.startsWith(`${dir}/`) && !f.slice(dir.length + 1).includes('/') && /\.node$/.test(f))
      .map((f) => f.slice(dir.length + 1))
      .sort(byName)[0];
    if (first !== undefined) return { ...none, file: `${dir}/${first}`, via: dir };
  }
  const dirs = new Map<string, string[]>();
  for (const f of files) {
    const parts = f.split('/');
    if (parts[0] !== 'prebuilds' || parts.length < 3) continue;
    const list = dirs.get(parts[1]!) ?? [];
    // Entries of the directory: files directly in it, and subdirectories (by name, once).
    if (!list.includes(parts[2]!)) list.push(parts[2]!);
    dirs.set(parts[1]!, list);
  }
  const tuples = [...dirs.keys()]
    .sort(byName)
    .map(parseTuple)
    .filter((t): t is NonNullable<typeof t> => t !== null && t.platform === env.platform && t.architectures.includes(env.arch))
    .sort((a, b) => a.architectures.length - b.architectures.length);
  const tuple = tuples[0];
  if (!tuple) return none;
  const entries = (dirs.get(tuple.name) ?? []).sort(byName);
  const considered: Considered[] = [];
  const candidates: Tags[] = [];
  for (const name of entries) {
    const parsed = parseTags(name);
    if (!parsed) continue;
    const tags = asLoaderTags(parsed);
    const why = rejection(tags, env, rt);
    considered.push({ file: `prebuilds/${tuple.name}/${name}`, tags: tagsText(parsed), rejected: why });
    if (why === null) candidates.push(tags);
  }
  const winner = candidates.sort(compareTags(rt.runtime))[0];
  return {
    file: winner ? `prebuilds/${tuple.name}/${winner.file}` : null,
    via: winner ? 'prebuilds' : null,
    dir: tuple.name,
    considered,
    otherDirs: tuples.slice(1).map((t) => t.name),
  };
}
