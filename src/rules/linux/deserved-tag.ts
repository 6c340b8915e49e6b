/**
 * The platform tag a Linux wheel deserves, computed the way `auditwheel show`
 * computes it (pypa/auditwheel 6.8.2: wheel_abi.py `analyze_wheel_abi` with
 * allow_graft=False, lddtree.py, policy/__init__.py, elfutils.py), so the two
 * can be compared wheel by wheel. Pure: the binaries are given parsed, and the
 * machine auditwheel would run on is a parameter (`HostSystem`), defaulting to
 * a manylinux/musllinux build image (every allowlisted library present,
 * nothing else).
 *
 * The semantics kept on purpose, including where distaudit's own checks judge
 * differently (and say so in their findings):
 * - files are the wheel's ELF files in the order given (auditwheel: RECORD
 *   order); `*.py` files are skipped; ELF files of another architecture, of an
 *   unknown one (e.g. soft-float ARM), or of the other libc are ignored;
 * - the dependency tree is auditwheel's lddtree, not the loader: the top ELF's
 *   RPATH and RUNPATH are searched for every library in its tree, each SONAME
 *   is resolved once (depth-first, first found wins), `$ORIGIN` is the
 *   directory in the unpacked wheel (not the install layout), and an empty
 *   entry is the wheel root (auditwheel runs inside it);
 * - versioned symbols are counted from every ELF in the wheel, bundled
 *   libraries included, except versions of the dynamic loader;
 * - external libraries are searched per policy from Python extensions and from
 *   ELF files no other ELF needs (by file name), skipping the loader and the
 *   policy's allowlist; any external library makes a policy unreachable
 *   (show does not graft);
 * - the blacklist applies to direct DT_NEEDED libraries of those same files,
 *   with undefined non-weak symbols, whichever library they bind to;
 * - the ISA check looks at those same files and at external libraries only;
 * - PyFPE_jbuf and UCS2 symbols of extensions force `linux`.
 *
 * What cannot match without the same machine: external libraries found on
 * auditwheel's host add their own symbol versions (and ISA) — pass a
 * `HostSystem` that sees that machine's files (see host.ts) to reproduce it.
 *
 * @example
 *   const r = deservedPlatformTag([{ path: 'demo/_core.so', elf }], 'x86_64', 'glibc');
 *   r.tag;                         // 'manylinux_2_34_x86_64'
 *   r.rejected['manylinux_2_28_x86_64'];  // { tooNewVersions: [{ version: 'GLIBC_2.34', culprits: ['pthread_create@GLIBC_2.34 (demo/_core.so)'] }], … }
 */
import type { ElfFile } from '../../binary/elf/parse.ts';
import { EM } from '../../binary/elf/constants.ts';
import {
  isGlibcLoaderName,
  LIBPYTHON_RE,
  policiesFor,
  type LinuxPolicy,
  type PolicyLibc,
  type WheelArch,
} from '../../policy/linux.ts';
import { basename, dirname, joinPath, normalizePath } from './layout.ts';
import { neededVersions, undefinedNonWeak, x86IsaLevel, type X86IsaLevel } from './elf-facts.ts';
import { extensionInitVersion } from '../python/extension-name.ts';

export interface TagBinary {
  /** Path in the wheel. */
  path: string;
  elf: ElfFile;
}

/** A library auditwheel's machine has. `elf` null: present, contents unknown (no dependencies, no versions). */
export interface HostLibrary {
  realpath: string;
  elf: ElfFile | null;
}

/** The machine auditwheel runs on, as far as its library search sees it. */
export interface HostSystem {
  /** ld.so.conf directories (and the defaults) for this libc: auditwheel's ldpaths['conf']. */
  confDirs(libc: PolicyLibc | null): string[];
  /** AUDITWHEEL_LD_LIBRARY_PATH / LD_LIBRARY_PATH directories. */
  envDirs(): string[];
  isDir(path: string): boolean;
  /** The library at an absolute path (symlinks followed), or null. */
  open(path: string): HostLibrary | null;
}

export interface DeservedTagOptions {
  /** Other file paths of the wheel (directories exist only if a file is under them); the binaries' paths are always included. */
  files?: readonly string[];
  /** The musllinux policy to judge a musl wheel by (auditwheel: the host's musl version, else the newest). */
  muslPolicy?: string;
  host?: HostSystem;
  /** auditwheel's --disable-isa-ext-check. */
  disableIsaCheck?: boolean;
  /** Library lookups allowed (default TAG_BUDGET); beyond it the result is an error, not a hang. */
  budget?: number;
}

/** A symbol version that keeps a policy out of reach, with the symbols that need it. */
export interface TooNewVersion {
  version: string;
  /** Libraries it is needed from. */
  libs: string[];
  /** `symbol@version (file)`, e.g. 'pthread_create@GLIBC_2.34 (demo/_core.so)'; external libraries' needs name the library. */
  culprits: string[];
}

/** Why a policy better than the deserved one is out of reach. */
export interface RejectReasons {
  /** External libraries that would have to be eliminated (or bundled): SONAME → path on the host or null. */
  libsToEliminate: Record<string, string | null>;
  /** Blacklisted symbols, per library. */
  blacklistedSymbols: Record<string, string[]>;
  tooNewVersions: TooNewVersion[];
  /** Files needing an ISA extension the tag's baseline lacks. */
  isa: { file: string; isa: X86IsaLevel }[];
  pyfpe: boolean;
  ucs2: boolean;
}

export interface DeservedTag {
  /** 'manylinux_2_17_x86_64', 'musllinux_1_2_aarch64', 'linux_x86_64'; null when auditwheel would stop with `error`. */
  tag: string | null;
  /** The policy name without arch: 'manylinux_2_17', 'linux'. */
  policy: string | null;
  /** Legacy names of the tag: ['manylinux2014_x86_64']. */
  aliases: string[];
  error: string | null;
  arch: WheelArch | null;
  libc: PolicyLibc | null;
  /** The tag the symbol versions alone allow (auditwheel's sym_tag). */
  symTag: string | null;
  /** Library → needed version names, as auditwheel's versioned_symbols. */
  versionedSymbols: Record<string, string[]>;
  /** External libraries for the most compatible policy (show --json's external_libs): SONAME → host path or null. */
  externalLibs: Record<string, string | null>;
  pyfpe: boolean;
  ucs2: boolean;
  unsupportedIsa: boolean;
  /** show --json's policy_upgrades, by policy tag. */
  policyUpgrades: Record<string, { libs_to_eliminate?: string[]; blacklisted_symbols?: Record<string, string[]> }>;
  /** Every policy more compatible than the deserved one, by its tag ('manylinux_2_17_x86_64'), with all its reasons. */
  rejected: Record<string, RejectReasons>;
  /** ELF files auditwheel would ignore, and why. */
  ignored: { path: string; reason: string }[];
}

// ---------------------------------------------------------------------------
// Platforms (lddtree._get_platform)

interface AwPlatform {
  osabi: number;
  cls: 32 | 64;
  little: boolean;
  machine: number;
  base: WheelArch | null;
  ext: X86IsaLevel | null;
  error: string | null;
}

const EF_ARM_EABIMASK = 0xff000000;
const EF_ARM_EABI_VER5 = 0x05000000;
const EF_ARM_ABI_FLOAT_HARD = 0x400;

/** The architecture auditwheel gives an ELF file (null, with the reason, for the ones it ignores). */
export function auditwheelArch(elf: ElfFile): { arch: WheelArch | null; error: string | null } {
  const p = platformOf(elf);
  return { arch: p.base, error: p.error };
}

function platformOf(elf: ElfFile): AwPlatform {
  const h = elf.header;
  const little = h.endianness === 'little';
  const key = `${h.machine}/${h.class}/${little ? 'LE' : 'BE'}`;
  const table: Record<string, WheelArch> = {
    [`${EM.I386}/32/LE`]: 'i686',
    [`${EM.X86_64}/64/LE`]: 'x86_64',
    [`${EM.PPC64}/64/LE`]: 'ppc64le',
    [`${EM.PPC64}/64/BE`]: 'ppc64',
    [`${EM.RISCV}/64/LE`]: 'riscv64',
    [`${EM.AARCH64}/64/LE`]: 'aarch64',
    [`${EM.S390}/64/BE`]: 's390x',
    [`${EM.ARM}/32/LE`]: 'armv7l',
    [`${EM.LOONGARCH}/64/LE`]: 'loongarch64',
  };
  let base: WheelArch | null = table[key] ?? null;
  let error: string | null = base ? null : 'Unknown architecture';
  let ext: X86IsaLevel | null = null;
  if (base === 'x86_64') ext = x86IsaLevel(elf);
  else if (base === 'armv7l') {
    if ((h.flags & EF_ARM_EABIMASK) >>> 0 !== EF_ARM_EABI_VER5) error = 'Invalid ARM EABI version for armv7l';
    else if ((h.flags & EF_ARM_ABI_FLOAT_HARD) !== EF_ARM_ABI_FLOAT_HARD) error = 'armv7l shall use hard-float';
    if (error) base = null;
  }
  return { osabi: h.osabi, cls: h.class, little, machine: h.machine, base, ext, error };
}

/** ELFOSABI_NONE/SYSV (0) and ELFOSABI_GNU/LINUX (3) are interchangeable; others must be equal. */
function compatible(a: AwPlatform, b: AwPlatform): boolean {
  const linuxish = (o: number) => o === 0 || o === 3;
  return (a.osabi === b.osabi || (linuxish(a.osabi) && linuxish(b.osabi))) && a.cls === b.cls && a.little === b.little && a.machine === b.machine;
}

// ---------------------------------------------------------------------------
// libc of one tree (lddtree.ldd, first ELF)

function treeLibc(path: string, elf: ElfFile): PolicyLibc | null | 'conflict' {
  let libc: PolicyLibc | null = null;
  if (elf.interpreter) libc = basename(elf.interpreter).startsWith('ld-musl-') ? 'musl' : 'glibc';
  for (const soname of elf.dynamic?.needed ?? []) {
    if (soname.startsWith('libc.musl-') || soname.startsWith('ld-musl-')) {
      if (libc === null) libc = 'musl';
      if (libc !== 'musl') return 'conflict';
    } else if (soname === 'libc.so.6' || soname.startsWith('ld-linux-') || soname.startsWith('ld64.so.')) {
      if (libc === null) libc = 'glibc';
      if (libc !== 'glibc') return 'conflict';
    }
  }
  if (libc === null) {
    const name = basename(path);
    if (name.endsWith('-arm-linux-musleabihf.so') || name.endsWith('-linux-musl.so')) libc = 'musl';
    else if (name.endsWith('-arm-linux-gnueabihf.so') || name.endsWith('-linux-gnu.so')) {
      // Before CPython 3.11, musl builds also used the -gnu suffix.
      const stem = name.slice(0, name.lastIndexOf('.'));
      const soabi = stem.slice(stem.lastIndexOf('.') + 1).split('-');
      if (soabi[0] === 'cpython' && /^3(1[1-9]|[2-9]\d)/.test(soabi[1] ?? '')) libc = 'glibc';
    }
  }
  return libc;
}

// ---------------------------------------------------------------------------
// lddtree

/** A path auditwheel sees: in the unpacked wheel (relative, '' = its root) or on the host (absolute). */
type AwPath = { where: 'wheel'; path: string } | { where: 'host'; path: string };

interface AwLib {
  soname: string;
  realpath: AwPath | null;
  platform: AwPlatform | null;
  needed: string[];
}

interface AwTree {
  path: string;
  elf: ElfFile;
  platform: AwPlatform;
  libc: PolicyLibc | null | 'conflict';
  needed: string[];
  libraries: Map<string, AwLib>;
}

interface TreeEnv {
  wheel: ReadonlyMap<string, ElfFile>;
  dirs: ReadonlySet<string>;
  host: HostSystem;
  /** Library lookups left (each tree is walked anew, as auditwheel does; a hostile wheel must not make that unbounded). */
  budget: { left: number };
}

/** Library lookups allowed for one wheel. */
export const TAG_BUDGET = 5_000_000;

class TagBudgetExceeded extends Error {}

interface LdPaths {
  conf: AwPath[];
  env: AwPath[];
  interp: AwPath[];
  rpath: AwPath[];
  runpath: AwPath[];
}

const ORIGIN_RE = /\$(ORIGIN|\{ORIGIN\})/;
const ORIGIN_ALL = /\$(ORIGIN|\{ORIGIN\})/g;

function hostNorm(p: string): string {
  const n = normalizePath(p.slice(1));
  return `/${n ?? ''}`;
}

function awPathKey(p: AwPath): string {
  return `${p.where}:${p.path}`;
}

function dirExists(env: TreeEnv, p: AwPath): boolean {
  return p.where === 'wheel' ? env.dirs.has(p.path) : env.host.isDir(p.path);
}

/** lddtree.parse_ld_paths: split, expand, normalize, dedupe, keep existing directories. */
function parseLdPaths(value: string | null | undefined, origin: AwPath, env: TreeEnv): AwPath[] {
  if (!value) return [];
  const out: AwPath[] = [];
  for (const entry of value.split(':')) {
    let p: AwPath | null;
    if (entry === '') p = { where: 'wheel', path: '' };
    else if (ORIGIN_RE.test(entry)) {
      if (origin.where === 'wheel') {
        const expanded = entry.replace(ORIGIN_ALL, `/${dirname(origin.path)}`);
        const n = expanded.startsWith('/') ? normalizePath(expanded.slice(1)) : null;
        p = n === null ? null : { where: 'wheel', path: n };
      } else p = { where: 'host', path: hostNorm(entry.replace(ORIGIN_ALL, dirname(origin.path) || '/')) };
    } else p = { where: 'host', path: hostNorm(`/${entry}`) };
    if (p) out.push(p);
  }
  const seen = new Set<string>();
  return out.filter((p) => !seen.has(awPathKey(p)) && seen.add(awPathKey(p)) && dirExists(env, p));
}

function openLib(env: TreeEnv, dir: AwPath, soname: string): { realpath: AwPath; elf: ElfFile | null } | null {
  if (dir.where === 'wheel') {
    const path = joinPath(dir.path, soname);
    const elf = env.wheel.get(path);
    return elf ? { realpath: { where: 'wheel', path }, elf } : null;
  }
  const lib = env.host.open(`${dir.path === '/' ? '' : dir.path}/${soname}`);
  return lib ? { realpath: { where: 'host', path: lib.realpath }, elf: lib.elf } : null;
}

function ldd(path: AwPath, elf: ElfFile | null, env: TreeEnv, ldpathsIn: LdPaths | null, allLibs: Map<string, AwLib> | null): { platform: AwPlatform | null; needed: string[]; libc: PolicyLibc | null | 'conflict'; libraries: Map<string, AwLib> } {
  const first = allLibs === null;
  const libs = allLibs ?? new Map<string, AwLib>();
  if (!elf) return { platform: null, needed: [], libc: null, libraries: libs };
  const platform = platformOf(elf);
  let ldpaths = ldpathsIn;
  let libc: PolicyLibc | null | 'conflict' = null;
  if (first && elf.interpreter) {
    const interp = hostNorm(elf.interpreter.startsWith('/') ? elf.interpreter : `/${elf.interpreter}`);
    const soname = basename(interp);
    libs.set(soname, { soname, realpath: { where: 'host', path: env.host.open(interp)?.realpath ?? interp }, platform, needed: [] });
    const interpLibc: PolicyLibc = soname.startsWith('ld-musl-') ? 'musl' : 'glibc';
    ldpaths = { conf: env.host.confDirs(interpLibc).map(host), env: env.host.envDirs().map(host), interp: [], rpath: [], runpath: [] };
    const d = dirname(interp) || '/';
    ldpaths.interp = [host(d), host(hostNorm(`/usr${d}`))];
  }
  let rpaths = parseLdPaths(elf.dynamic?.rpath, path, env);
  const runpaths = parseLdPaths(elf.dynamic?.runpath, path, env);
  if (runpaths.length > 0) rpaths = [];
  const needed = elf.dynamic?.needed ?? [];
  if (first) {
    libc = treeLibc(path.path, elf);
    if (!ldpaths) {
      const l = libc === 'conflict' ? null : libc;
      ldpaths = { conf: env.host.confDirs(l).map(host), env: env.host.envDirs().map(host), interp: [], rpath: [], runpath: [] };
    }
    ldpaths.rpath = rpaths;
    ldpaths.runpath = runpaths;
  }
  const lp = ldpaths!;
  const all = [...lp.rpath, ...rpaths, ...runpaths, ...lp.env, ...lp.runpath, ...lp.conf, ...lp.interp];
  for (const soname of needed) {
    if (libs.has(soname)) continue;
    if (LIBPYTHON_RE.test(soname)) {
      libs.set(soname, { soname, realpath: null, platform: null, needed: [] });
      continue;
    }
    let found: { realpath: AwPath; elf: ElfFile | null } | null = null;
    for (const dir of all) {
      if (--env.budget.left < 0) throw new TagBudgetExceeded();
      const cand = openLib(env, dir, soname);
      if (!cand) continue;
      if (cand.elf && !compatible(platform, platformOf(cand.elf))) continue;
      found = cand;
      break;
    }
    libs.set(soname, { soname, realpath: found?.realpath ?? null, platform: null, needed: [] });
    if (!found) continue;
    const dep = ldd(found.realpath, found.elf, env, lp, libs);
    libs.set(soname, { soname, realpath: found.realpath, platform: dep.platform, needed: dep.needed });
  }
  return { platform, needed: [...needed], libc, libraries: libs };
}

function host(path: string): AwPath {
  return { where: 'host', path };
}

function buildTree(bin: TagBinary, env: TreeEnv): AwTree {
  const r = ldd({ where: 'wheel', path: bin.path }, bin.elf, env, null, null);
  return { path: bin.path, elf: bin.elf, platform: r.platform!, libc: r.libc, needed: r.needed, libraries: r.libraries };
}

// ---------------------------------------------------------------------------
// Policies

function selectPolicies(libc: PolicyLibc, arch: WheelArch, muslPolicy: string | undefined): LinuxPolicy[] | string {
  const all = policiesFor(libc, arch);
  if (all.length === 0) return `no ${libc === 'glibc' ? 'manylinux' : 'musllinux'} policy for ${arch}`;
  if (libc !== 'musl') return all;
  if (muslPolicy === undefined) return all.length > 1 ? [all[0]!, all[1]!] : all;
  const chosen = all.find((p) => p.name === muslPolicy);
  return chosen ? [all[0]!, chosen] : `no ${muslPolicy} policy for ${arch}`;
}

interface ExternalReference {
  libs: Map<string, AwPath | null>;
  blacklist: Map<string, string[]>;
  policy: LinuxPolicy;
}

function filterLibs(libs: readonly string[], allow: ReadonlySet<string>): string[] {
  return libs.filter((lib) => !isGlibcLoaderName(lib) && !allow.has(lib));
}

function externalReferences(tree: AwTree, policies: LinuxPolicy[]): Map<string, ExternalReference> {
  const out = new Map<string, ExternalReference>();
  const undef = undefinedNonWeak(tree.elf);
  for (const p of policies) {
    const libs = new Map<string, AwPath | null>();
    const blacklist = new Map<string, string[]>();
    if (p.name !== 'linux') {
      for (const lib of [...p.blacklist.keys()].filter((l) => tree.needed.includes(l))) {
        const hit = [...p.blacklist.get(lib)!].filter((s) => s === '*' || undef.has(s)).sort();
        if (hit.length > 0) blacklist.set(lib, hit);
      }
      const pending = new Set(filterLibs(tree.needed, p.allowlist));
      const reqs = new Set<string>();
      while (pending.size > 0) {
        const lib = pending.values().next().value as string;
        pending.delete(lib);
        reqs.add(lib);
        for (const dep of filterLibs(tree.libraries.get(lib)?.needed ?? [], p.allowlist)) if (!reqs.has(dep)) pending.add(dep);
      }
      for (const lib of reqs) {
        const real = tree.libraries.get(lib)?.realpath ?? null;
        if (real?.where === 'wheel') continue; // "RPATH FTW": bundled, not external
        libs.set(lib, real);
      }
    }
    out.set(p.name, { libs, blacklist, policy: p });
  }
  return out;
}

/** auditwheel's versioned_symbols_policy: the most compatible policy whose sets contain every needed version of each family it lists. */
function versionedSymbolsPolicy(policies: LinuxPolicy[], versioned: Map<string, Set<string>>): LinuxPolicy {
  const required = requiredByFamily(versioned);
  for (let i = policies.length - 1; i >= 0; i--) {
    const p = policies[i]!;
    if (missingVersions(p, required).length === 0) return p;
  }
  return policies[0]!;
}

function requiredByFamily(versioned: Map<string, Set<string>>): Map<string, Set<string>> {
  const required = new Map<string, Set<string>>();
  for (const versions of versioned.values()) {
    for (const v of versions) {
      const fam = v.split('_', 1)[0]!;
      let s = required.get(fam);
      if (!s) required.set(fam, (s = new Set()));
      s.add(v);
    }
  }
  return required;
}

function missingVersions(p: LinuxPolicy, required: Map<string, Set<string>>): string[] {
  const out: string[] = [];
  for (const [fam, need] of required) {
    const allowed = p.symbolVersions.get(fam);
    if (!allowed) continue;
    for (const v of need) if (!allowed.has(v)) out.push(v);
  }
  return out.sort();
}

function addVersions(into: Map<string, Set<string>>, lib: string, versions: Iterable<string>): void {
  let s = into.get(lib);
  if (!s) into.set(lib, (s = new Set()));
  for (const v of versions) s.add(v);
}

function versionsOf(elf: ElfFile): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const need of elf.versionNeeds) {
    if (isGlibcLoaderName(need.file)) continue;
    addVersions(out, need.file, need.versions.map((v) => v.name));
  }
  return out;
}

const maxPolicy = (a: LinuxPolicy, b: LinuxPolicy) => (b.priority > a.priority ? b : a);
const minPolicy = (a: LinuxPolicy, b: LinuxPolicy) => (b.priority < a.priority ? b : a);

/** A path as auditwheel prints it: the host path, or the path in the wheel (auditwheel prints its temporary directory there). */
function awPathString(p: AwPath | null): string | null {
  return p === null ? null : p.path;
}

// ---------------------------------------------------------------------------
// The computation

function emptyResult(arch: WheelArch | null, libc: PolicyLibc | null, error: string, ignored: DeservedTag['ignored']): DeservedTag {
  return {
    tag: null, policy: null, aliases: [], error, arch, libc, symTag: null, versionedSymbols: {}, externalLibs: {},
    pyfpe: false, ucs2: false, unsupportedIsa: false, policyUpgrades: {}, rejected: {}, ignored,
  };
}

/**
 * The tag `auditwheel show` would give a wheel whose ELF files are `binaries`,
 * for the architecture and libc its filename names (null: taken from the
 * first ELF file, as auditwheel does for a tag it cannot read).
 */
export function deservedPlatformTag(binaries: readonly TagBinary[], archIn: WheelArch | null, libcIn: PolicyLibc | null, options: DeservedTagOptions = {}): DeservedTag {
  const hostSys = options.host ?? buildImageHost(libcIn, archIn);
  const files = [...(options.files ?? []), ...binaries.map((b) => b.path)];
  const dirs = new Set<string>(['']);
  for (const f of files) for (let d = dirname(f); d !== ''; d = dirname(d)) dirs.add(d);
  const env: TreeEnv = { wheel: new Map(binaries.map((b) => [b.path, b.elf])), dirs, host: hostSys, budget: { left: options.budget ?? TAG_BUDGET } };
  try {
    return computeTag(binaries, archIn, libcIn, options, env);
  } catch (e) {
    if (!(e instanceof TagBudgetExceeded)) throw e;
    return emptyResult(archIn, libcIn, `the wheel's dependency trees need more than ${options.budget ?? TAG_BUDGET} library lookups: too large to analyse`, []);
  }
}

function computeTag(binaries: readonly TagBinary[], archIn: WheelArch | null, libcIn: PolicyLibc | null, options: DeservedTagOptions, env: TreeEnv): DeservedTag {
  let arch = archIn;
  let libc = libcIn;

  const ignored: DeservedTag['ignored'] = [];
  const purelib: string[] = [];
  const invalidMachine: string[] = [];
  const pyTrees = new Map<string, AwTree>();
  const nonpyTrees = new Map<string, AwTree>();
  const refsByFile = new Map<string, Map<string, ExternalReference>>();
  const versioned = new Map<string, Set<string>>();
  let policies: LinuxPolicy[] | null = null;
  let platformWheel = false;
  let pyfpe = false;
  let ucs2 = false;

  for (const bin of binaries) {
    if (bin.path.endsWith('.py')) continue;
    if (bin.path.split('/').slice(0, -1).includes('purelib')) purelib.push(basename(bin.path));
    if (purelib.length > 0) continue;
    const tree = buildTree(bin, env);
    const base = tree.platform.base;
    if (!base) {
      invalidMachine.push(basename(bin.path));
      ignored.push({ path: bin.path, reason: tree.platform.error ?? 'unknown architecture' });
      continue;
    }
    if (arch === null) arch = base;
    else if (base !== arch) {
      invalidMachine.push(basename(bin.path));
      ignored.push({ path: bin.path, reason: `${base} architecture` });
      continue;
    }
    if (tree.libc === 'conflict') return emptyResult(arch, libc, `${bin.path}: found dependencies on both glibc and musl`, ignored);
    if (tree.libc !== null) {
      if (libc === null) libc = tree.libc;
      else if (libc !== tree.libc) {
        ignored.push({ path: bin.path, reason: `${tree.libc} libc` });
        continue;
      }
    }
    if (policies === null && libc !== null && arch !== null) {
      const sel = selectPolicies(libc, arch, options.muslPolicy);
      if (typeof sel === 'string') return emptyResult(arch, libc, sel, ignored);
      policies = sel;
    }
    platformWheel = true;
    for (const [lib, vs] of versionsOf(bin.elf)) addVersions(versioned, lib, vs);
    const py = extensionInitVersion({ path: bin.path, parsed: bin.elf });
    if (py !== null) {
      if (policies === null) return emptyResult(arch, libc, `couldn't detect libc for python extension ${bin.path}`, ignored);
      pyTrees.set(bin.path, tree);
      for (const s of bin.elf.dynamicSymbols) {
        if (s.defined) continue;
        if (['PyFPE_jbuf', 'PyFPE_dummy', 'PyFPE_counter'].includes(s.name) && (s.typeName === 'FUNC' || s.typeName === 'NOTYPE')) pyfpe = true;
        if (py === 2 && s.name.includes('PyUnicodeUCS2_') && s.typeName === 'FUNC') ucs2 = true;
      }
      refsByFile.set(bin.path, externalReferences(tree, policies));
    } else nonpyTrees.set(bin.path, tree);
  }

  if (purelib.length > 0) {
    return emptyResult(arch, libc, `Invalid binary wheel, found the following shared library/libraries in purelib folder:\n\t${purelib.join('\n\t')}\nThe wheel has to be platlib compliant in order to be repaired by auditwheel.`, ignored);
  }
  if (!platformWheel) {
    const msg =
      arch === null || invalidMachine.length === 0
        ? 'This does not look like a platform wheel, no ELF executable or shared library file (including compiled Python C extension) found in the wheel archive'
        : `Invalid binary wheel: no ELF executable or shared library file (including compiled Python C extension) with a '${arch}' architecture found. The following ELF files were found:\n\t${invalidMachine.join('\n\t')}\n`;
    return emptyResult(arch, libc, msg, ignored);
  }

  fixupTrees(pyTrees, nonpyTrees);
  const neededLibs = new Set<string>([...pyTrees.values(), ...nonpyTrees.values()].flatMap((t) => t.needed));
  if (policies === null) {
    // No ELF file said which libc: auditwheel falls back to the host's (glibc on the hosts it runs on here).
    libc = 'glibc';
    const sel = selectPolicies(libc, arch!, options.muslPolicy);
    if (typeof sel === 'string') return emptyResult(arch, libc, sel, ignored);
    policies = sel;
  }
  const fullTrees = new Map(pyTrees);
  for (const [path, tree] of nonpyTrees) {
    if (!neededLibs.has(basename(path))) fullTrees.set(path, tree);
    refsByFile.set(path, externalReferences(tree, policies));
  }
  return judge(policies, fullTrees, refsByFile, versioned, binaries, env, { pyfpe, ucs2, arch: arch!, libc: libc!, ignored, disableIsaCheck: options.disableIsaCheck ?? false });
}

/** wheel_abi._fixup_elf_trees: a non-extension ELF with unresolved libraries borrows them from a fully resolved tree that contains it. */
function fixupTrees(pyTrees: Map<string, AwTree>, nonpyTrees: Map<string, AwTree>): void {
  const resolved = [...pyTrees.values(), ...nonpyTrees.values()].filter((t) => [...t.libraries.values()].every((l) => l.realpath !== null));
  for (const [path, tree] of nonpyTrees) {
    if ([...tree.libraries.values()].every((l) => l.realpath !== null)) continue;
    const ref = resolved.find((c) => [...c.libraries.values()].some((l) => l.realpath?.where === 'wheel' && l.realpath.path === path));
    if (!ref) continue;
    const libs = new Map<string, AwLib>();
    const all = new Set(tree.libraries.keys());
    for (const [soname, lib] of tree.libraries) {
      if (lib.realpath === null && ref.libraries.has(soname)) {
        libs.set(soname, ref.libraries.get(soname)!);
        let pending = new Set(ref.libraries.get(soname)!.needed.filter((n) => !all.has(n)));
        while (pending.size > 0) {
          const batch = [...pending];
          for (const n of batch) all.add(n);
          const next = new Set<string>();
          for (const n of batch) {
            const l = ref.libraries.get(n);
            if (l) {
              libs.set(n, l);
              for (const x of l.needed) next.add(x);
            }
          }
          pending = new Set([...next].filter((n) => !all.has(n)));
        }
      } else libs.set(soname, lib);
    }
    nonpyTrees.set(path, { ...tree, libraries: libs });
  }
}

interface JudgeExtras {
  pyfpe: boolean;
  ucs2: boolean;
  arch: WheelArch;
  libc: PolicyLibc;
  ignored: DeservedTag['ignored'];
  disableIsaCheck: boolean;
}

function judge(
  policies: LinuxPolicy[],
  fullTrees: Map<string, AwTree>,
  refsByFile: Map<string, Map<string, ExternalReference>>,
  versionedWheel: Map<string, Set<string>>,
  binaries: readonly TagBinary[],
  env: TreeEnv,
  x: JudgeExtras,
): DeservedTag {
  const linux = policies[0]!;
  const highest = policies[policies.length - 1]!;
  const refs = new Map<string, ExternalReference>(policies.map((p) => [p.name, { libs: new Map(), blacklist: new Map(), policy: p }]));
  for (const path of fullTrees.keys()) {
    for (const [name, r] of refsByFile.get(path) ?? []) {
      const into = refs.get(name)!;
      for (const [lib, syms] of r.blacklist) into.blacklist.set(lib, [...new Set([...(into.blacklist.get(lib) ?? []), ...syms])].sort());
      for (const [lib, real] of r.libs) into.libs.set(lib, real);
    }
  }

  // External libraries found on the host, and the versions they need.
  const externalLibs = new Map<string, string>(); // host realpath → soname
  for (const r of refs.values()) {
    if (r.policy.priority === 0) continue;
    for (const [lib, real] of r.libs) if (real && !externalLibs.has(real.path)) externalLibs.set(real.path, lib);
  }
  const externalVersions = new Map<string, Map<string, Set<string>>>();
  for (const [real, soname] of externalLibs) {
    const elf = env.host.open(real)?.elf;
    externalVersions.set(soname, elf ? versionsOf(elf) : new Map());
  }

  // Symbol versions per policy, with the external libraries it would graft.
  const symbolPolicies: { policy: LinuxPolicy; versioned: Map<string, Set<string>> }[] = [];
  for (const r of refs.values()) {
    if (r.policy.priority === 0) continue;
    const v = new Map([...versionedWheel].map(([k, s]) => [k, new Set(s)]));
    for (const soname of r.libs.keys()) for (const [k, s] of externalVersions.get(soname) ?? []) addVersions(v, k, s);
    symbolPolicies.push({ policy: minPolicy(r.policy, versionedSymbolsPolicy(policies, v)), versioned: v });
  }
  let sym = { policy: versionedSymbolsPolicy(policies, versionedWheel), versioned: versionedWheel };
  if (symbolPolicies.length > 0) sym = symbolPolicies.reduce((a, b) => (b.policy.priority > a.policy.priority ? b : a));

  const refPolicy = [...refs.values()].filter((r) => r.libs.size === 0).reduce<LinuxPolicy>((a, r) => maxPolicy(a, r.policy), linux);
  const blacklistPolicy = [...refs.values()].filter((r) => r.blacklist.size === 0).reduce<LinuxPolicy>((a, r) => maxPolicy(a, r.policy), linux);

  // ISA: top-level files and external libraries found on the host.
  const isaOffenders: { file: string; isa: X86IsaLevel; soname: string | null }[] = [];
  let machinePolicy = highest;
  if (!x.disableIsaCheck) {
    const externalSonames = new Set(externalLibs.values());
    const seen = new Set<string>();
    const toCheck: { key: string; file: string; soname: string | null; ext: X86IsaLevel | null }[] = [];
    for (const [path, tree] of fullTrees) {
      if (seen.has(`wheel:${path}`)) continue;
      seen.add(`wheel:${path}`);
      toCheck.push({ key: path, file: path, soname: null, ext: tree.platform.ext });
      for (const dep of tree.libraries.values()) {
        if (!externalSonames.has(dep.soname) || dep.realpath === null || !dep.platform) continue;
        const key = awPathKey(dep.realpath);
        if (seen.has(key)) continue;
        seen.add(key);
        toCheck.push({ key, file: dep.realpath.path, soname: dep.soname, ext: dep.platform.ext });
      }
    }
    for (const c of toCheck) {
      // The wheel's architecture is a baseline (from its tag, or the first ELF's), so any extension level is beyond it.
      if (c.ext === null) continue;
      isaOffenders.push({ file: c.file, isa: c.ext, soname: c.soname });
      if (c.soname !== null) {
        const found = policies.filter((p) => p.allowlist.has(c.soname!)).reduce<LinuxPolicy>(maxPolicy, linux);
        if (found.priority > linux.priority) {
          machinePolicy = minPolicy(machinePolicy, found);
          continue;
        }
      }
      machinePolicy = linux;
    }
  }

  const ucsPolicy = x.ucs2 ? linux : highest;
  const pyfpePolicy = x.pyfpe ? linux : highest;
  let overall = [sym.policy, ucsPolicy, pyfpePolicy, blacklistPolicy, machinePolicy].reduce(minPolicy);
  overall = minPolicy(overall, refPolicy);

  // Culprit symbols per (library, version), for the reasons.
  const culprits = new Map<string, string[]>();
  for (const b of binaries) {
    for (const nv of neededVersions(b.elf)) {
      const key = `${nv.file}\0${nv.version}`;
      const list = culprits.get(key) ?? [];
      list.push(...(nv.symbols.length > 0 ? nv.symbols.map((s) => `${s}@${nv.version} (${b.path})`) : [`${nv.version} (${b.path}, no symbol)`]));
      culprits.set(key, list);
    }
  }

  const policyUpgrades: DeservedTag['policyUpgrades'] = {};
  const rejected: DeservedTag['rejected'] = {};
  for (const p of policies) {
    if (p.priority <= overall.priority) continue;
    const r = refs.get(p.name)!;
    const entry: DeservedTag['policyUpgrades'][string] = {};
    if (r.libs.size > 0) entry.libs_to_eliminate = [...r.libs.keys()].sort();
    if (r.blacklist.size > 0) entry.blacklisted_symbols = Object.fromEntries([...r.blacklist].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, [...v].sort()]));
    if (Object.keys(entry).length > 0) policyUpgrades[p.tag] = entry;

    const pvFor = symbolPolicyVersions(r, versionedWheel, externalVersions) ?? versionedWheel;
    const missing = missingVersions(p, requiredByFamily(pvFor));
    const tooNewVersions: TooNewVersion[] = missing.map((version) => {
      const libs = [...pvFor].filter(([, s]) => s.has(version)).map(([lib]) => lib).sort();
      const list: string[] = [];
      for (const lib of libs) list.push(...(culprits.get(`${lib}\0${version}`) ?? []));
      for (const [soname, vs] of externalVersions) if ([...vs.values()].some((s) => s.has(version)) && r.libs.has(soname)) list.push(`${version} (external ${soname})`);
      return { version, libs, culprits: list };
    });
    rejected[p.tag] = {
      libsToEliminate: Object.fromEntries([...r.libs].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, awPathString(v)])),
      blacklistedSymbols: Object.fromEntries(r.blacklist),
      tooNewVersions,
      isa: machinePolicy.priority < p.priority ? isaOffenders.map((o) => ({ file: o.file, isa: o.isa })) : [],
      pyfpe: x.pyfpe,
      ucs2: x.ucs2,
    };
  }

  const highestRefs = refs.get(highest.name)!;
  return {
    tag: overall.tag,
    policy: overall.name,
    aliases: overall.aliases,
    error: null,
    arch: x.arch,
    libc: x.libc,
    symTag: sym.policy.tag,
    versionedSymbols: Object.fromEntries([...sym.versioned].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, [...v].sort()])),
    externalLibs: Object.fromEntries([...highestRefs.libs].sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, awPathString(v)])),
    pyfpe: x.pyfpe,
    ucs2: x.ucs2,
    unsupportedIsa: machinePolicy === linux,
    policyUpgrades,
    rejected,
    ignored: x.ignored,
  };
}

/** The versions a policy is judged on: the wheel's own plus those of the external libraries it would graft. */
function symbolPolicyVersions(r: ExternalReference, wheel: Map<string, Set<string>>, external: Map<string, Map<string, Set<string>>>): Map<string, Set<string>> | null {
  if (r.policy.priority === 0) return null;
  const v = new Map([...wheel].map(([k, s]) => [k, new Set(s)]));
  for (const soname of r.libs.keys()) for (const [k, s] of external.get(soname) ?? []) addVersions(v, k, s);
  return v;
}

/**
 * The default machine: a manylinux / musllinux build image, where every
 * library some policy allows is present (contents unknown) and nothing else.
 */
export function buildImageHost(libc: PolicyLibc | null, arch: WheelArch | null): HostSystem {
  const names = new Set<string>();
  if (arch) for (const p of policiesFor(libc ?? 'glibc', arch)) for (const n of p.allowlist) names.add(n);
  const dir = '/usr/lib';
  return {
    confDirs: () => [dir],
    envDirs: () => [],
    isDir: (p) => p === dir,
    open(path) {
      const name = basename(path);
      return dirname(path) === dir && names.has(name) ? { realpath: path, elf: null } : null;
    },
  };
}
