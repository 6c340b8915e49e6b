/**
 * What the dynamic loader does when an artifact's binary is loaded, simulated
 * from the bytes: every DT_NEEDED looked up the way glibc's or musl's ld.so
 * looks it up, inside the installed artifact, and what is left for the system
 * to provide. Nothing is executed. Independent of wheels: the caller gives the
 * objects with their install paths (see layout.ts).
 *
 * glibc (elf/dl-load.c `_dl_map_object`, elf/dl-deps.c), for a NEEDED name
 * without '/' requested by object L:
 * 1. an object already loaded under that name (requested by it, or its
 *    DT_SONAME) satisfies it — so the order of loading matters, and it is
 *    breadth-first: all of L's NEEDED entries, then their own;
 * 2. if L has no DT_RUNPATH: the DT_RPATH of L, then of the object that loaded
 *    L, and so on up the chain (an object that has a DT_RUNPATH contributes no
 *    DT_RPATH: ld.so ignores DT_RPATH when both exist);
 * 3. LD_LIBRARY_PATH (not modelled: users do not set it for a pip install);
 * 4. the DT_RUNPATH of L — of L only: a RUNPATH is NOT inherited by the
 *    libraries L loads, so a bundled libfoo that needs a bundled libbar needs
 *    its own RUNPATH ($ORIGIN), where a DT_RPATH on the extension would have
 *    served both;
 * 5. ld.so.cache and the system directories: the system's business.
 *
 * musl (ldso/dynlink.c `load_library`): an already loaded object is found by
 * the name it was loaded under (not its SONAME); then the RUNPATH (or, without
 * one, the RPATH) of L, then of the object that loaded L, up the chain — musl
 * inherits both kinds; then the system path. musl's loader also answers for
 * itself under the names libc.so, libpthread.so, librt.so, libm.so, libdl.so,
 * libutil.so, libxnet.so (with any suffix), which `muslReservedName` tells.
 *
 * A candidate file of another ELF class, machine or byte order is skipped, as
 * ld.so skips it (and reports `wrong ELF class` when nothing else is found).
 *
 * @example
 *   const edges = simulateLoad(index.get('lib/pythonX.Y/site-packages/demo/_core.so')!, index, 'glibc');
 *   edges.filter((e) => e.resolution.kind === 'not-in-artifact').map((e) => e.name);  // ['libbar.so.2']
 */
import type { ElfFile } from '../../binary/elf/parse.ts';
import { basename, dirname, expandSearchEntry, joinPath, splitSearchPath, type SearchEntry } from './layout.ts';

export type LoaderFlavour = 'glibc' | 'musl';

/** One ELF file of the artifact, as the loader would find it after installation. */
export interface ElfObject {
  /** Path in the artifact. */
  path: string;
  /** Path under the install prefix. */
  install: string;
  elf: ElfFile;
}

/** The artifact's ELF files by install path. */
export type ObjectIndex = ReadonlyMap<string, ElfObject>;

/** One searched directory, with where it came from. */
export interface SearchedDir {
  /** The RPATH/RUNPATH entry as written. */
  entry: string;
  tag: 'RPATH' | 'RUNPATH';
  /** Path in the artifact of the object whose entry this is. */
  owner: string;
  where: SearchEntry;
}

/** An object in the simulated process. */
export interface LoadedNode {
  /** The artifact's file, or null for a library left to the system. */
  object: ElfObject | null;
  /** The NEEDED name it was first loaded under (null for the root). */
  name: string | null;
  parent: LoadedNode | null;
}

export type Resolution =
  /** Satisfied by an object already loaded under that name (or SONAME, for glibc). */
  | { kind: 'already-loaded'; node: LoadedNode }
  /** Found in the artifact, through `dir`. */
  | { kind: 'bundled'; node: LoadedNode; dir: SearchedDir }
  /**
   * Not found in the artifact: the system must provide it. `searched` lists
   * the directories looked in; `incompatible` files of that name that were
   * skipped (another class or machine).
   */
  | { kind: 'not-in-artifact'; searched: SearchedDir[]; incompatible: ElfObject[] };

export interface LoadEdge {
  /** The object whose DT_NEEDED this is. */
  from: LoadedNode;
  name: string;
  resolution: Resolution;
}

/** musl's loader answers for itself under these names (ldso/dynlink.c, `reserved`). */
export function muslReservedName(name: string): boolean {
  const m = /^lib(c|pthread|rt|m|dl|util|xnet)\./.exec(name);
  return m !== null;
}

/** The chain of objects from the root to `node`, as artifact paths or NEEDED names. */
export function chainOf(node: LoadedNode): LoadedNode[] {
  const out: LoadedNode[] = [];
  for (let n: LoadedNode | null = node; n; n = n.parent) out.unshift(n);
  return out;
}

/** Same class, machine and byte order (what ld.so's open_verify insists on). */
export function compatibleElf(a: ElfFile, b: ElfFile): boolean {
  return a.header.class === b.header.class && a.header.machine === b.header.machine && a.header.endianness === b.header.endianness;
}

function searchDirs(obj: ElfObject, tag: 'RPATH' | 'RUNPATH'): SearchedDir[] {
  const value = tag === 'RPATH' ? obj.elf.dynamic?.rpath : obj.elf.dynamic?.runpath;
  const origin = dirname(obj.install);
  return splitSearchPath(value).map((entry) => ({ entry, tag, owner: obj.path, where: expandSearchEntry(entry, origin) }));
}

function hasRunpath(obj: ElfObject): boolean {
  return obj.elf.dynamic?.runpath !== null && obj.elf.dynamic?.runpath !== undefined;
}

/** The directories `node` searches for its NEEDED entries, in the loader's order. */
export function searchOrder(node: LoadedNode, flavour: LoaderFlavour): SearchedDir[] {
  const own = node.object!;
  const dirs: SearchedDir[] = [];
  if (flavour === 'glibc') {
    if (!hasRunpath(own)) {
      for (let n: LoadedNode | null = node; n; n = n.parent) {
        if (n.object && !hasRunpath(n.object)) dirs.push(...searchDirs(n.object, 'RPATH'));
      }
    }
    dirs.push(...searchDirs(own, 'RUNPATH'));
  } else {
    for (let n: LoadedNode | null = node; n; n = n.parent) {
      if (n.object) dirs.push(...searchDirs(n.object, hasRunpath(n.object) ? 'RUNPATH' : 'RPATH'));
    }
  }
  return dirs;
}

/** Work allowed for one simulation (NEEDED entries looked at); beyond it `simulateLoad` throws. */
export const LOAD_BUDGET = 2_000_000;

export class LoadBudgetExceeded extends Error {
  constructor(root: string, budget: number) {
    super(`loading ${root} takes more than ${budget} steps: the artifact's dependency graph is too large to simulate`);
  }
}

/**
 * Loads `root` as ld.so would (breadth-first), with the artifact's files as
 * the only files there are. Every DT_NEEDED of every object reached gives one
 * edge; a name the artifact does not provide becomes a system library (a node
 * without object) so that later requests for it are `already-loaded`.
 * Each object is loaded once, so the work is bounded by the artifact; a
 * hostile one that still exceeds `budget` steps makes it throw.
 */
export function simulateLoad(root: ElfObject, index: ObjectIndex, flavour: LoaderFlavour, budget = LOAD_BUDGET): LoadEdge[] {
  const rootNode: LoadedNode = { object: root, name: null, parent: null };
  // Loaded objects by the names they were requested under, and (glibc) by SONAME; the earliest loaded wins.
  const order = new Map<LoadedNode, number>([[rootNode, 0]]);
  const byName = new Map<string, LoadedNode>();
  const bySoname = new Map<string, LoadedNode>();
  const addLoaded = (node: LoadedNode, name: string | null) => {
    if (!order.has(node)) order.set(node, order.size);
    if (name !== null && !byName.has(name)) byName.set(name, node);
    const soname = node.object?.elf.dynamic?.soname;
    if (soname && !bySoname.has(soname)) bySoname.set(soname, node);
  };
  addLoaded(rootNode, null);
  const byPath = new Map<string, LoadedNode>([[root.install, rootNode]]);
  const queue: LoadedNode[] = [rootNode];
  const edges: LoadEdge[] = [];
  let steps = 0;

  const matchLoaded = (name: string): LoadedNode | null => {
    const a = byName.get(name) ?? null;
    const b = flavour === 'glibc' ? (bySoname.get(name) ?? null) : null;
    if (a && b) return order.get(a)! <= order.get(b)! ? a : b;
    return a ?? b;
  };

  for (let qi = 0; qi < queue.length; qi++) {
    const node = queue[qi]!;
    const obj = node.object!;
    for (const name of obj.elf.dynamic?.needed ?? []) {
      if (++steps > budget) throw new LoadBudgetExceeded(root.path, budget);
      const prior = matchLoaded(name);
      if (prior) {
        edges.push({ from: node, name, resolution: { kind: 'already-loaded', node: prior } });
        continue;
      }
      const searched = name.includes('/') ? [] : searchOrder(node, flavour);
      steps += searched.length;
      const incompatible: ElfObject[] = [];
      let found: { file: ElfObject; dir: SearchedDir } | null = null;
      for (const dir of searched) {
        if (dir.where.kind !== 'prefix') continue;
        const file = index.get(joinPath(dir.where.dir, name));
        if (!file) continue;
        if (!compatibleElf(file.elf, root.elf)) {
          incompatible.push(file);
          continue;
        }
        found = { file, dir };
        break;
      }
      if (found) {
        const same = byPath.get(found.file.install);
        if (same) {
          // The same file reached under another name: one object, one more name.
          addLoaded(same, name);
          edges.push({ from: node, name, resolution: { kind: 'already-loaded', node: same } });
          continue;
        }
        const child: LoadedNode = { object: found.file, name, parent: node };
        addLoaded(child, name);
        byPath.set(found.file.install, child);
        queue.push(child);
        edges.push({ from: node, name, resolution: { kind: 'bundled', node: child, dir: found.dir } });
      } else {
        const sys: LoadedNode = { object: null, name, parent: node };
        addLoaded(sys, name);
        edges.push({ from: node, name, resolution: { kind: 'not-in-artifact', searched, incompatible } });
      }
    }
  }
  return edges;
}

/** Files of the artifact whose file name or SONAME is `name` (where a missing library actually is, if anywhere). */
export function filesNamed(index: ObjectIndex, name: string): ElfObject[] {
  return [...index.values()].filter((o) => basename(o.install) === name || o.elf.dynamic?.soname === name);
}
