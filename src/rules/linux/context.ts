/**
 * What the Linux rules share about one artifact: its ELF files with their
 * install paths, the Linux targets with the policy each is judged by, the
 * roots a process loads (extension modules, and files nothing else needs),
 * and the loader simulation from each root — computed once per audit.
 */
import type { AuditContext, AuditedBinary } from '../../audit/types.ts';
import type { ElfFile } from '../../binary/elf/parse.ts';
import type { Target } from '../../target.ts';
import { policyForTarget, wheelArchOf, type TargetPolicy, type WheelArch } from '../../policy/linux.ts';
import { extensionInitVersion } from '../python/extension-name.ts';
import { elfLibc } from '../../binary/describe.ts';
import { basename, installPath, joinPath, SITE_PACKAGES } from './layout.ts';
import { LOAD_BUDGET, LoadBudgetExceeded, simulateLoad, type ElfObject, type LoadEdge, type LoaderFlavour, type ObjectIndex } from './loader.ts';

export interface LinuxTarget {
  target: Target;
  /** How messages name it: the tag as claimed, e.g. 'manylinux_2_17_x86_64'. */
  label: string;
  flavour: LoaderFlavour;
  arch: WheelArch | null;
  /** Null for linux_* (no policy promised) or an architecture no policy covers. */
  policy: TargetPolicy | null;
}

export interface LinuxObject extends ElfObject {
  binary: AuditedBinary;
  /** Python major version when it is an extension module, else null. */
  extension: 2 | 3 | null;
  /** The C library it was linked against, with the evidence. */
  libc: ReturnType<typeof elfLibc>;
  arch: WheelArch | null;
  /** Ids of the targets it must serve (ctx.targetsOf): all of a wheel's; a prebuild's or a JAR path's own. */
  targetIds: Set<string>;
}

export interface LinuxContext {
  targets: LinuxTarget[];
  objects: LinuxObject[];
  index: ObjectIndex;
  /** Objects a process loads first: extension modules and files no other object needs. */
  roots: LinuxObject[];
  /** Every file path of the artifact. */
  files: string[];
  /** Loader simulation per root (by artifact path), for a loader flavour. */
  loads(flavour: LoaderFlavour): ReadonlyMap<string, LoadEdge[]>;
  /** The artifact's ELF files with this file name or SONAME. */
  named(name: string): readonly LinuxObject[];
  /** Whether the artifact carries a file with this file name or SONAME. */
  bundles(name: string): boolean;
}

/** How a finding names a target: its claimed tag, else its id. */
export function targetLabel(t: Target): string {
  return t.claims[0] ?? t.id;
}

/** The Linux targets (glibc or musl; android is not judged here). */
export function linuxTargets(targets: readonly Target[]): LinuxTarget[] {
  return targets
    .filter((t) => t.os === 'linux' && (t.libc === null || t.libc.kind === 'glibc' || t.libc.kind === 'musl'))
    .map((t) => ({
      target: t,
      label: targetLabel(t),
      flavour: t.libc?.kind === 'musl' ? 'musl' : 'glibc',
      arch: wheelArchOf(t.arch),
      policy: policyForTarget(t),
    }));
}

/**
 * Where a file ends up once installed: a wheel's under site-packages
 * (layout.ts); an npm package's under node_modules/<name>/ — here the same
 * prefix stands for node_modules, so an `$ORIGIN/../..` from a scoped
 * package's lib/ stays inside it, as it does on users' machines.
 */
export function artifactInstallPath(ctx: Pick<AuditContext, 'artifact'>, path: string): string {
  if (ctx.artifact.kind !== 'npm') return installPath(path);
  const slash = path.indexOf('/');
  return joinPath(`${SITE_PACKAGES}/${npmInstallName(ctx.artifact.npm.packageJson?.name)}`, slash < 0 ? path : path.slice(slash + 1));
}

/** The directory name(s) npm installs a package under: its name ('@img/sharp-linux-x64'), or 'package' when it has none usable. */
export function npmInstallName(name: string | null | undefined): string {
  return name && /^(@[a-z0-9][\w.-]*\/)?[a-z0-9][\w.-]*$/i.test(name) ? name : 'package';
}

const cache = new WeakMap<AuditContext, LinuxContext>();

/** The shared Linux view of an audit (computed on first use). */
export function linuxContext(ctx: AuditContext): LinuxContext {
  const hit = cache.get(ctx);
  if (hit) return hit;
  const objects: LinuxObject[] = [];
  for (const b of ctx.binaries) {
    if (b.parsed.format !== 'elf') continue;
    const elf: ElfFile = b.parsed;
    objects.push({
      path: b.path,
      install: artifactInstallPath(ctx, b.path),
      elf,
      binary: b,
      extension: extensionInitVersion({ path: b.path, parsed: elf }),
      libc: elfLibc(elf),
      arch: wheelArchOf(elf.header.arch),
      targetIds: new Set(ctx.targetsOf(b).map((t) => t.id)),
    });
  }
  const index = new Map(objects.map((o) => [o.install, o as ElfObject]));
  const neededNames = new Set(objects.flatMap((o) => o.elf.dynamic?.needed ?? []));
  const roots = objects.filter((o) => o.extension !== null || !(neededNames.has(basename(o.path)) || (o.elf.dynamic?.soname && neededNames.has(o.elf.dynamic.soname))));
  const loadCache = new Map<LoaderFlavour, Map<string, LoadEdge[]>>();
  const named = new Map<string, LinuxObject[]>();
  for (const o of objects) {
    for (const n of new Set([basename(o.path), o.elf.dynamic?.soname].filter((x): x is string => !!x))) {
      const list = named.get(n);
      if (list) list.push(o);
      else named.set(n, [o]);
    }
  }
  const lc: LinuxContext = {
    targets: linuxTargets(ctx.targets),
    objects,
    index,
    roots,
    files: ctx.scan.entries.filter((e) => !e.isDirectory).map((e) => e.path),
    loads(flavour) {
      let m = loadCache.get(flavour);
      if (!m) {
        // One budget for all roots of the artifact: a hostile one cannot multiply the work by its number of files.
        let left = LOAD_BUDGET;
        m = new Map();
        for (const r of roots) {
          if (left <= 0) throw new LoadBudgetExceeded(r.path, LOAD_BUDGET);
          const edges = simulateLoad(r, index, flavour, left);
          left -= edges.length;
          m.set(r.path, edges);
        }
        loadCache.set(flavour, m);
      }
      return m;
    },
    named: (name) => named.get(name) ?? [],
    bundles: (name) => named.has(name),
  };
  cache.set(ctx, lc);
  return lc;
}

/** Whether an object must serve a target: it is one of its targets, and of its architecture. */
export function servesArch(o: LinuxObject, t: LinuxTarget): boolean {
  // By the canonical architecture: also one no policy names (mips64el in a JAR).
  return o.elf.header.arch === t.target.arch && o.targetIds.has(t.target.id);
}

/** Whether an object's libc contradicts the target's (elf.libc-mismatch reports it; other checks then stay quiet). */
export function libcContradicts(o: LinuxObject, t: LinuxTarget): boolean {
  const libc = o.libc.libc;
  if (libc === 'static' || libc === null) return false;
  return t.flavour === 'glibc' ? libc !== 'glibc' : libc !== 'musl';
}

/** ' (manylinux_2_17_x86_64, manylinux_2_28_x86_64)' style target list for messages. */
export function labels(ts: readonly LinuxTarget[]): string {
  return ts.map((t) => t.label).join(', ');
}
