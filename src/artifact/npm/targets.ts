/**
 * An npm package's claims made explicit as targets: one per platform
 * (OS, architecture, libc) and Node runtime some file of the package claims.
 *
 * | claim | target(s) |
 * |---|---|
 * | `prebuilds/linux-x64/x.musl.node` (prebuildify, tag `musl`) | `linux-x86_64-musl-node` |
 * | `prebuilds/linux-x64/x.glibc.node` | `linux-x86_64-glibc2.28-node` (the floor: see below) |
 * | `prebuilds/linux-x64/x.node`, no libc tag | `linux-x86_64-glibc2.28-node` and `linux-x86_64-musl-node` (see "untagged") |
 * | `prebuilds/darwin-x64+arm64/node.napi.node` | `macos-x86_64-10.15-napi` and `macos-arm64-11.0-napi` |
 * | `prebuilds/win32-ia32/electron.abi75.node` | `windows-i386-electron-abi75` |
 * | package.json `os: [linux] cpu: [arm64] libc: [musl]` (napi-rs platform package) | `linux-arm64-musl-napi` |
 * | `build/Release/x.node`, or a `.node` file anywhere else | from the binary's own facts, the claim reading `binary facts of <path>` |
 * | a shared library beside prebuilds (`prebuilds/linux-x64/libsodium.so.23`) | none of its own: it serves the targets of the binaries that need it |
 *
 * Runtime: the tags' runtime (`node` by default), `napi`, and `abiNN` (the
 * NODE_MODULE_VERSION of an ABI build); a platform package's `.node` is
 * loaded by `require()` on any admitted Node, so it claims N-API. The target
 * names the package's engines.node.
 *
 * Floors (node-lines.ts): a glibc target's minimum glibc is what the official
 * Node builds of the oldest Node line the target runs in need — 2.28 for
 * Node 18 and later — with the policy of that name (`manylinux_2_28`), so
 * elf.symbol-version-too-new names the symbols of an addon that needs more
 * than Node itself does; an ABI build is judged by the lines of its own
 * NODE_MODULE_VERSION (an `abi72` prebuild by Node 12's 2.17). musl targets
 * are judged by `musllinux_1_2`. macOS targets carry Node's own minimum macOS.
 *
 * Untagged Linux prebuilds: node-gyp-build picks a file without a libc tag on
 * every libc (its only musl test is /etc/alpine-release, and untagged files
 * match either way), so an untagged Linux prebuild claims the musl target
 * too. musl's loader answers for libc.so.6 itself, so a glibc build that
 * needs nothing glibc-only loads on Alpine (bufferutil ships exactly that);
 * one that names glibc's loader, glibc-only functions (`__*_chk`, `fcntl64`)
 * or libraries Node's musl systems lack does not. So such a build is not held
 * to the musl target by the libc checks (it is not mislabelled: it claims no
 * libc), and npm.prebuild-pick-fails judges whether it loads on Alpine and
 * Void Linux — the loadability test of src/rules/linux/musl-load.ts, with
 * libstdc++ and libgcc_s counted present (Alpine's nodejs package and
 * unofficial musl Node builds depend on both). An untagged build that is
 * linked against musl is held to the glibc target, where it fails. A
 * package.json `libc` field narrows all of this: npm refuses to install the
 * package on a Linux whose libc it excludes, so no prebuild serves that libc.
 */
import { ARCHES, type Arch } from '../../binary/arch.ts';
import type { BinaryFacts } from '../../binary/describe.ts';
import type { AuditedBinary } from '../../audit/types.ts';
import type { NodeAddonFacts } from '../../binary/addons/node.ts';
import { targetId, type LibcKind, type NodeRuntime, type Os, type Target } from '../../target.ts';
import { abiNumber, nodeArchName, npmArch, npmPlatformOs, osPlatform } from './prebuilds.ts';
import type { NpmModel, ScannedNative } from './model.ts';
import { listAllows } from './package-json.ts';
import { linesOf, lowestLine, nodeGlibcFloorFor, nodeLines, nodeMacosFloorFor, rangeText, type NodeLines } from './node-lines.ts';

/** The policy musl targets of Node addons are judged by. */
export const NODE_MUSL_POLICY = 'musllinux_1_2';

export interface Platform {
  os: Os;
  arch: Arch;
  libc: LibcKind | null;
}

/** One platform and runtime a file claims (or its facts give, for an unclaimed file). */
export interface Serving {
  platform: Platform;
  node: NodeRuntime | null;
  /** How the target's claims name it. */
  claim: string;
  /** A musl platform served only because the loader does not tell musl from glibc (an untagged prebuild). */
  libcBlind: boolean;
}

const ELFOSABI_FREEBSD = 9;

function linuxServings(arch: Arch, libc: LibcKind | null, node: NodeRuntime | null, claim: string): Serving[] {
  // Electron and NW.js have no musl builds: a file for them serves glibc systems only.
  if (libc === null && node && node.runtime !== 'node') libc = 'glibc';
  if (libc !== null) return [{ platform: { os: 'linux', arch, libc }, node, claim, libcBlind: false }];
  return [
    { platform: { os: 'linux', arch, libc: 'glibc' }, node, claim, libcBlind: false },
    { platform: { os: 'linux', arch, libc: 'musl' }, node, claim, libcBlind: true },
  ];
}

function platformServings(os: Os, arch: Arch, libc: LibcKind | null, node: NodeRuntime | null, claim: string): Serving[] {
  if (os === 'linux') return linuxServings(arch, libc === 'bionic' ? null : libc, node, claim);
  return [{ platform: { os, arch, libc: os === 'android' ? 'bionic' : null }, node, claim, libcBlind: false }];
}

/** The Node runtime a binary's own addon facts give: N-API, or an ABI build of the runtime its NODE_MODULE_VERSION belongs to. */
export function runtimeOfFacts(node: NodeAddonFacts | null | undefined, engines: string | null): NodeRuntime | null {
  if (!node || node.kind === null) return null;
  if (node.kind !== 'v8') return { runtime: 'node', napi: true, moduleVersion: null, engines };
  const runtimes = [...new Set(node.runtimes.map((r) => r.runtime))];
  const runtime = runtimes.length === 1 ? runtimes[0]! : 'node';
  return { runtime, napi: false, moduleVersion: node.moduleVersion, engines };
}

/** The platforms a binary's facts give (per slice of a fat Mach-O): for files no path or field claims a platform for. */
export function factsServings(facts: readonly BinaryFacts[], elfOsAbi: number | null, node: NodeRuntime | null, claim: string): Serving[] {
  const out: Serving[] = [];
  for (const f of facts) {
    if (f.arch === 'unknown') continue;
    switch (f.format) {
      case 'elf':
        if (f.libc === 'bionic') out.push(...platformServings('android', f.arch, 'bionic', node, claim));
        else if (elfOsAbi === ELFOSABI_FREEBSD) out.push(...platformServings('freebsd', f.arch, null, node, claim));
        else out.push(...linuxServings(f.arch, f.libc === 'glibc' || f.libc === 'musl' ? f.libc : null, node, claim));
        break;
      case 'macho':
        out.push(...platformServings(f.minOs?.platform === 'ios' ? 'ios' : 'macos', f.arch === 'arm64e' ? 'arm64' : f.arch, null, node, claim));
        break;
      case 'pe':
        out.push(...platformServings('windows', f.arch, null, node, claim));
        break;
    }
  }
  return out;
}

function baseName(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

function dirName(p: string): string {
  return p.slice(0, Math.max(0, p.lastIndexOf('/')));
}

/** Every serving of every native file of the package, by archive path (files that serve nothing are absent). */
export function npmServings(model: NpmModel): Map<string, Serving[]> {
  const engines = model.packageJson?.enginesNode ?? null;
  const out = new Map<string, Serving[]>();
  const add = (path: string, s: Serving[]) => {
    if (s.length > 0) out.set(path, [...(out.get(path) ?? []), ...s]);
  };
  const natives = new Set(model.natives);
  const pjLibc = model.packageJson?.libc ?? null;

  // 1. prebuildify: the directory and the file's tags.
  for (const p of model.prebuilds) {
    if (!p.tags || !p.tuple) continue;
    const os = npmPlatformOs(p.tuple.platform);
    if (!os) continue;
    const node: NodeRuntime = { runtime: p.tags.runtime ?? 'node', napi: p.tags.napi, moduleVersion: p.tags.napi ? null : abiNumber(p.tags), engines };
    for (const a of p.tuple.architectures) {
      const arch = npmArch(a, p.tuple.platform);
      if (!arch) continue;
      // npm refuses the package on a Linux whose libc its package.json `libc` excludes: no prebuild serves it there.
      add(p.path, platformServings(os, arch, p.tags.libc, node, p.rel).filter((s) => s.platform.os !== 'linux' || !s.platform.libc || listAllows(pjLibc, s.platform.libc)));
    }
  }

  // 2. A platform package: every native file outside prebuilds/ serves what its fields say.
  const claim = model.platform;
  if (claim) {
    const hasAddon = model.otherAddons.length + model.buildOutputs.length > 0;
    const node: NodeRuntime | null = hasAddon ? { runtime: 'node', napi: true, moduleVersion: null, engines } : null;
    const libcs: (LibcKind | null)[] = claim.libc.length > 0 ? claim.libc.map((l) => (l === 'musl' ? 'musl' : l === 'glibc' ? 'glibc' : null)) : [claim.named?.libc ?? null];
    const text = `package.json os ${JSON.stringify(claim.os)}, cpu ${JSON.stringify(claim.cpu)}${claim.libc.length > 0 ? `, libc ${JSON.stringify(claim.libc)}` : claim.named?.libc ? ` (name: -${claim.named.suffix})` : ''}`;
    const servings: Serving[] = [];
    for (const osName of claim.os) {
      const os = npmPlatformOs(osName);
      if (!os) continue;
      for (const cpu of claim.cpu) {
        const arch = npmArch(cpu, osName);
        if (!arch) continue;
        for (const libc of [...new Set(libcs)]) servings.push(...platformServings(os, arch, libc, node, text));
      }
    }
    for (const path of natives) {
      const rel = path.slice(path.indexOf('/') + 1);
      if (!rel.startsWith('prebuilds/')) add(path, servings);
    }
  }

  // 3. Addons nothing claims a platform for: build outputs and stray .node files, by their own facts.
  if (!claim) {
    for (const rel of [...model.buildOutputs, ...model.otherAddons]) {
      const path = model.archivePath.get(rel);
      const s = path ? model.scanned[path] : undefined;
      if (!path || !s) continue;
      add(path, factsServings(s.facts, s.elfOsAbi, runtimeOfFacts(s.node, engines), `binary facts of ${rel} (nothing claims its platform)`));
    }
  }

  // 4. Other native files: the servings of the binaries that need them; else their own facts.
  // A file in a prebuilds/ directory node-gyp-build cannot read (`linuxmusl-x64`) is never loaded: it serves nothing.
  const dead = new Set(model.prebuilds.filter((p) => p.tuple === null || npmPlatformOs(p.tuple.platform) === null).map((p) => p.path));
  const pending = model.natives.filter((p) => !out.has(p) && !dead.has(p));
  // One serving per target and blindness: a library many addons need takes each target once.
  const servingKey = (x: Serving) => `${x.platform.os}/${x.platform.arch}/${x.platform.libc}/${JSON.stringify(x.node)}/${x.libcBlind}`;
  const archesOf = (p: string) => new Set((model.scanned[p]?.facts ?? []).map((f) => f.arch));
  for (let round = 0; round < 4 && pending.length > 0; round++) {
    // needed name → directory → the binaries with servings there that need it (one pass over their NEEDED lists).
    const needIndex = new Map<string, Map<string, string[]>>();
    for (const p of out.keys()) {
      const dir = dirName(p);
      for (const n of new Set((model.scanned[p]?.facts ?? []).flatMap((f) => f.needed.map(baseName)))) {
        let byDir = needIndex.get(n);
        if (!byDir) needIndex.set(n, (byDir = new Map()));
        const list = byDir.get(dir);
        if (list) list.push(p);
        else byDir.set(dir, [p]);
      }
    }
    // The servings of every needer of a name, per architecture (computed once: a library in many directories asks often).
    const unions = new Map<string, Serving[]>();
    const union = (needers: readonly string[], key: string): Serving[] => {
      const hit = unions.get(key);
      if (hit) return hit;
      const m = new Map<string, Serving>();
      for (const p of needers) for (const x of out.get(p)!) if (!m.has(servingKey(x))) m.set(servingKey(x), x);
      const list = [...m.values()];
      unions.set(key, list);
      return list;
    };
    const resolved: string[] = [];
    for (const path of pending) {
      const s = model.scanned[path];
      const names = new Set([baseName(path), ...(s?.facts ?? []).map((f) => f.installName).filter((n): n is string => n !== null).map(baseName)]);
      // Needers of the same architecture, in the same directory when there are such (prebuilds/<dir>/ keeps each platform's copy apart).
      const arches = archesOf(path);
      const sameArch = (p: string) => [...archesOf(p)].some((a) => arches.has(a));
      const dir = dirName(path);
      const near = [...names].flatMap((n) => needIndex.get(n)?.get(dir) ?? []).filter(sameArch);
      let inherited: Serving[];
      if (near.length > 0) inherited = union(near, `near\0${path}`);
      else {
        inherited = [];
        for (const n of names) {
          const key = `all\0${n}\0${[...arches].sort().join(',')}`;
          const list = unions.get(key) ?? union([...(needIndex.get(n)?.values() ?? [])].flat().filter(sameArch), key);
          inherited.push(...list);
        }
      }
      if (inherited.length === 0) continue;
      resolved.push(path);
      add(path, inherited);
    }
    if (resolved.length === 0) break;
    const done = new Set(resolved);
    pending.splice(0, pending.length, ...pending.filter((p) => !done.has(p)));
  }
  for (const path of pending) {
    const s = model.scanned[path];
    if (!s) continue;
    const rel = path.slice(path.indexOf('/') + 1);
    add(path, factsServings(s.facts, s.elfOsAbi, runtimeOfFacts(s.node, engines), `binary facts of ${rel} (nothing claims its platform)`));
  }
  return out;
}

/** A target of a Node addon platform, with the floors of the Node lines its runtime runs in (see the module comment). */
export function makeNodeTarget(p: Platform, node: NodeRuntime | null, lines: NodeLines): Target {
  let libc: Target['libc'] = null;
  let policy: string | null = null;
  let minOs: string | null = null;
  const notes: string[] = [];
  const lowest = lowestLine(linesOf(lines, node));
  if (p.libc === 'glibc') {
    const floor = lowest && p.os === 'linux' ? nodeGlibcFloorFor(lowest.major, p.arch) : null;
    libc = { kind: 'glibc', minVersion: floor?.version ?? null };
    if (floor) {
      policy = `manylinux_${floor.version.replace('.', '_')}`;
      const abi = node && !node.napi && node.moduleVersion !== null ? node.moduleVersion : null;
      notes.push(`${floor.note}, ${abi !== null ? `the oldest line with NODE_MODULE_VERSION ${abi}` : `the oldest line ${rangeText(lines)} admits`}`);
    } else if (node && node.runtime !== 'node') notes.push(`no glibc floor: ${node.runtime} ships its own runtime, whose requirements distaudit does not know`);
  } else if (p.libc === 'musl') {
    libc = { kind: 'musl', minVersion: null };
    policy = NODE_MUSL_POLICY;
  } else if (p.libc === 'bionic') {
    libc = { kind: 'bionic', minVersion: null };
  }
  if (p.os === 'macos' && lowest && (!node || node.runtime === 'node')) {
    const floor = nodeMacosFloorFor(lowest.major, p.arch);
    if (floor) {
      minOs = floor.version;
      notes.push(floor.note);
    }
  }
  return {
    id: targetId({ os: p.os, arch: p.arch, libc, minOs, node }),
    os: p.os,
    arch: p.arch,
    libc,
    minOs,
    policy,
    python: null,
    node,
    claims: notes,
  };
}

const OS_ORDER: Os[] = ['linux', 'android', 'macos', 'ios', 'windows', 'freebsd'];
const LIBC_ORDER = ['glibc', 'musl', 'bionic', ''];

function rank(t: Target): (number | string)[] {
  return [OS_ORDER.indexOf(t.os), (ARCHES as readonly string[]).indexOf(t.arch), LIBC_ORDER.indexOf(t.libc?.kind ?? ''), t.node?.runtime ?? '', t.node?.napi ? 0 : 1, t.node?.moduleVersion ?? 0];
}

function byRank(a: Target, b: Target): number {
  const ra = rank(a);
  const rb = rank(b);
  for (let i = 0; i < ra.length; i++) {
    if (ra[i] === rb[i]) continue;
    return ra[i]! < rb[i]! ? -1 : 1;
  }
  return 0;
}

/**
 * How messages name a target (its first claim): the runtime and the platform,
 * e.g. "Node >=18 on linux-x64 glibc", "Node 12 (NODE_MODULE_VERSION 72) on
 * darwin-x64", "Electron (NODE_MODULE_VERSION 75) on win32-ia32".
 */
export function targetLabel(p: Platform, node: NodeRuntime | null, lines: NodeLines): string {
  const platform = `${osPlatform(p.os)}-${nodeArchName(p.arch)}${p.libc && p.libc !== 'bionic' ? ` ${p.libc}` : ''}`;
  if (!node) return platform;
  const range = lines.declared ? lines.range : `${lines.range} (no engines.node)`;
  if (node.runtime !== 'node') return `${node.runtime === 'electron' ? 'Electron' : 'NW.js'}${node.moduleVersion !== null ? ` (NODE_MODULE_VERSION ${node.moduleVersion})` : ''} on ${platform}`;
  if (node.napi || node.moduleVersion === null) return `Node ${range} on ${platform}`;
  const majors = [...new Set(linesOf(lines, node).map((l) => l.major))];
  return `Node ${majors.length > 0 ? majors.join(', ') : '?'} (NODE_MODULE_VERSION ${node.moduleVersion}) on ${platform}`;
}

/** A target lists at most this many of the files that claim it (then how many more). */
const MAX_CLAIMS = 32;

/** Targets from servings: one per id, the claims merged (a label, the files' claims, then the floors' notes). */
export function targetsOfServings(servings: Iterable<Serving>, lines: NodeLines): { targets: Target[]; idOf: (s: Serving) => string } {
  const byId = new Map<string, { target: Target; label: string; claims: Set<string>; more: number }>();
  const ids = new WeakMap<Serving, string>();
  // One target per platform and runtime: made once, whatever number of files claim it.
  const made = new Map<string, Target>();
  for (const s of servings) {
    const key = `${s.platform.os}/${s.platform.arch}/${s.platform.libc}/${JSON.stringify(s.node)}`;
    let t = made.get(key);
    if (!t) made.set(key, (t = makeNodeTarget(s.platform, s.node, lines)));
    ids.set(s, t.id);
    const claim = s.libcBlind ? `${s.claim} (no libc tag: node-gyp-build picks it on musl systems too)` : s.claim;
    let cur = byId.get(t.id);
    if (!cur) byId.set(t.id, (cur = { target: t, label: targetLabel(s.platform, s.node, lines), claims: new Set(), more: 0 }));
    if (cur.claims.has(claim)) continue;
    if (cur.claims.size < MAX_CLAIMS) cur.claims.add(claim);
    else cur.more++;
  }
  const targets = [...byId.values()].map(({ target, label, claims, more }) => ({
    ...target,
    claims: [label, ...claims, ...(more > 0 ? [`and ${more} more file(s)`] : []), ...target.claims],
  }));
  return { targets: targets.sort(byRank), idOf: (s) => ids.get(s) ?? makeNodeTarget(s.platform, s.node, lines).id };
}

interface TargetIndex {
  /** Archive path → the target ids it serves, and whether each is a libc-blind musl claim. */
  byPath: Map<string, { id: string; blind: boolean }[]>;
}

const indexes = new WeakMap<NpmModel, TargetIndex>();

/** The package's targets (see the module comment). */
export function npmTargets(model: NpmModel): Target[] {
  const lines = nodeLines(model.packageJson?.enginesNode ?? null);
  const servings = npmServings(model);
  const { targets, idOf } = targetsOfServings([...servings.values()].flat(), lines);
  const byPath = new Map<string, { id: string; blind: boolean }[]>();
  for (const [path, list] of servings) byPath.set(path, list.map((s) => ({ id: idOf(s), blind: s.libcBlind })));
  indexes.set(model, { byPath });
  return targets;
}

/**
 * The targets one binary must serve: those its own path or package claims
 * (or its facts give). A binary linked against glibc is not held to a musl
 * target it serves only because node-gyp-build does not tell musl from glibc
 * (npm.prebuild-pick-fails judges whether it loads there).
 */
export function npmBinaryTargets(model: NpmModel, targets: readonly Target[], bin: Pick<AuditedBinary, 'path' | 'facts'>): Target[] {
  let index = indexes.get(model);
  if (!index) {
    npmTargets(model);
    index = indexes.get(model)!;
  }
  const glibcLinked = bin.facts[0]?.libc === 'glibc';
  const ids = new Set((index.byPath.get(bin.path) ?? []).filter((x) => !(x.blind && glibcLinked)).map((x) => x.id));
  return targets.filter((t) => ids.has(t.id));
}

/** The scanned facts of a native file of the package, if the scan read them. */
export function scannedOf(model: NpmModel, path: string): ScannedNative | null {
  return model.scanned[path] ?? null;
}
