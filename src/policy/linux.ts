/**
 * The manylinux / musllinux platform policies: for each policy and
 * architecture, the symbol versions a binary may need (per family: GLIBC,
 * GLIBCXX, CXXABI, GCC, ZLIB, LIBATOMIC...), the system libraries it may
 * depend on without bundling them (the allowlist), and the symbols it must not
 * use from them (the blacklist).
 *
 * Source: pypa/auditwheel 6.8.2, `src/auditwheel/policy/manylinux-policy.json`
 * and `musllinux-policy.json` (byte-identical to the copies in
 * shared/reference/; sha256 104863eb… and 672309ff…), kept verbatim in
 * auditwheel's own format beside this file so a newer release can be dropped
 * in. auditwheel is the de-facto authority PEP 600 delegates the precise
 * rules to. Its `lib_whitelist` is called the allowlist here.
 *
 * Two adjustments made the way auditwheel makes them when it loads the files:
 * - the musllinux allowlist entry `libc.so` stands for the arch-specific musl
 *   loader name (`libc.musl-x86_64.so.1`, `libc.musl-x86.so.1` on i686, ...);
 * - symbol versions are kept as full version names ('GLIBC_2.17'), the family
 *   being the text before the first '_' (auditwheel's `partition("_")`), so
 *   'GLIBC_ABI_DT_RELR' and 'CXXABI_TM_1' are members like any other.
 *
 * One decision of our own: auditwheel judges a musl wheel against the single
 * musllinux policy of the machine it runs on (or the newest, with a warning,
 * on a glibc host). distaudit judges a musllinux wheel against the policy its
 * own tag names (`policyForTarget`); the deserved-tag computation takes the
 * musllinux policy to use as a parameter (see src/rules/linux/deserved-tag.ts).
 *
 * @example
 *   const p = findPolicy('manylinux2014', 'aarch64');
 *   p?.name;                                  // 'manylinux_2_17'
 *   p?.tag;                                   // 'manylinux_2_17_aarch64'
 *   maxVersion(p!, 'GLIBC');                  // '2.18' (aarch64's base version)
 *   p?.allowlist.has('libstdc++.so.6');       // true
 *   p?.blacklist.get('libc.so.6')?.has('__cxa_thread_atexit_impl');  // true
 */
import manylinuxJson from './manylinux-policy.json' with { type: 'json' };
import musllinuxJson from './musllinux-policy.json' with { type: 'json' };
import type { Arch } from '../binary/arch.ts';
import type { Target } from '../target.ts';
import { compareVersions } from '../version.ts';

/** auditwheel's policy file format. */
export interface PolicyJson {
  name: string;
  aliases: string[];
  priority: number;
  symbol_versions: Record<string, Record<string, string[]>>;
  lib_whitelist: string[];
  blacklist: Record<string, string[]>;
}

export type PolicyLibc = 'glibc' | 'musl';

/** Linux machine names as wheel tags spell them (auditwheel's `Architecture` baselines). */
export type WheelArch = 'x86_64' | 'i686' | 'aarch64' | 'armv7l' | 'ppc64le' | 'ppc64' | 's390x' | 'riscv64' | 'loongarch64';

const WHEEL_ARCH_OF: Partial<Record<Arch, WheelArch>> = {
  x86_64: 'x86_64',
  i386: 'i686',
  arm64: 'aarch64',
  arm: 'armv7l',
  ppc64le: 'ppc64le',
  ppc64: 'ppc64',
  s390x: 's390x',
  riscv64: 'riscv64',
  loongarch64: 'loongarch64',
};

/** The wheel-tag machine name of a canonical architecture, when manylinux/musllinux have one. */
export function wheelArchOf(arch: Arch): WheelArch | null {
  return WHEEL_ARCH_OF[arch] ?? null;
}

/** The canonical architecture of a wheel-tag machine name. */
export function archOfWheelArch(arch: WheelArch): Arch {
  return (Object.entries(WHEEL_ARCH_OF) as [Arch, WheelArch][]).find(([, w]) => w === arch)![0];
}

/** musl's dynamic loader / libc file name per architecture (what `libc.so` in the musllinux allowlist stands for). */
export const MUSL_LIBC_SONAME: Readonly<Record<WheelArch, string | null>> = {
  x86_64: 'libc.musl-x86_64.so.1',
  i686: 'libc.musl-x86.so.1',
  aarch64: 'libc.musl-aarch64.so.1',
  armv7l: 'libc.musl-armv7.so.1',
  ppc64le: 'libc.musl-ppc64le.so.1',
  ppc64: null,
  s390x: 'libc.musl-s390x.so.1',
  riscv64: 'libc.musl-riscv64.so.1',
  loongarch64: 'libc.musl-loongarch64.so.1',
};

/** One policy for one architecture, ready to judge binaries with. */
export interface LinuxPolicy {
  /** 'manylinux_2_17', 'musllinux_1_2', or 'linux' (the catch-all that promises nothing). */
  name: string;
  /** The platform tag: 'manylinux_2_17_x86_64', 'linux_x86_64'. */
  tag: string;
  /** Legacy tags: ['manylinux2014_x86_64']. */
  aliases: string[];
  libc: PolicyLibc;
  arch: WheelArch;
  /** Higher is more compatible; 'linux' is 0. */
  priority: number;
  /** The glibc ('2.17') or musl ('1.2') version the policy stands for; null for 'linux'. */
  libcVersion: string | null;
  /** Family → allowed version names ('GLIBC' → {'GLIBC_2.2.5', …, 'GLIBC_2.17'}). Empty for musl and 'linux'. */
  symbolVersions: ReadonlyMap<string, ReadonlySet<string>>;
  /** SONAMEs a binary may need from the system without bundling them. Empty for 'linux' (it allows everything). */
  allowlist: ReadonlySet<string>;
  /** SONAME → symbols that must not be referenced from it. */
  blacklist: ReadonlyMap<string, ReadonlySet<string>>;
}

const RAW: Record<PolicyLibc, PolicyJson[]> = {
  // The JSON's inferred type has optional per-arch keys; the shape is checked by test/rules/linux-policy.test.ts.
  glibc: manylinuxJson as unknown as PolicyJson[],
  musl: musllinuxJson as unknown as PolicyJson[],
};

/** auditwheel's partition("_"): the version family is the text before the first underscore. */
export function versionFamily(versionName: string): string {
  const i = versionName.indexOf('_');
  return i < 0 ? versionName : versionName.slice(0, i);
}

function libcVersionOf(name: string): string | null {
  const m = /^(?:many|musl)linux_(\d+)_(\d+)$/.exec(name);
  return m ? `${m[1]}.${m[2]}` : null;
}

function build(libc: PolicyLibc, raw: PolicyJson, arch: WheelArch): LinuxPolicy {
  const versions = new Map<string, Set<string>>();
  if (raw.name !== 'linux') {
    for (const [family, list] of Object.entries(raw.symbol_versions[arch] ?? {})) {
      versions.set(family, new Set(list.map((v) => `${family}_${v}`)));
    }
  }
  const allowlist = raw.lib_whitelist.map((soname) => (libc === 'musl' && soname === 'libc.so' ? (MUSL_LIBC_SONAME[arch] ?? soname) : soname));
  return {
    name: raw.name,
    tag: `${raw.name}_${arch}`,
    aliases: raw.aliases.map((a) => `${a}_${arch}`),
    libc,
    arch,
    priority: raw.priority,
    libcVersion: libcVersionOf(raw.name),
    symbolVersions: versions,
    allowlist: new Set(allowlist),
    blacklist: new Map(Object.entries(raw.blacklist).map(([k, v]) => [k, new Set(v)])),
  };
}

const cache = new Map<string, LinuxPolicy[]>();

/**
 * Every policy of a libc family that covers `arch`, lowest priority first
 * ('linux' first, then the newest glibc/musl versions, the oldest last), as
 * auditwheel's WheelPolicies orders them. Empty for an architecture no policy
 * covers (then only 'linux' applies: see `linuxPolicy`).
 */
export function policiesFor(libc: PolicyLibc, arch: WheelArch): LinuxPolicy[] {
  const key = `${libc}/${arch}`;
  let list = cache.get(key);
  if (!list) {
    list = RAW[libc].filter((p) => p.name === 'linux' || arch in p.symbol_versions).map((p) => build(libc, p, arch));
    list.sort((a, b) => a.priority - b.priority);
    cache.set(key, list);
  }
  return list;
}

/** The catch-all `linux_<arch>` policy. */
export function linuxPolicy(libc: PolicyLibc, arch: WheelArch): LinuxPolicy {
  return policiesFor(libc, arch)[0]!;
}

/** A policy by name or legacy alias ('manylinux2014', 'manylinux_2_17', with or without the arch suffix); null if none covers `arch`. */
export function findPolicy(name: string, arch: WheelArch): LinuxPolicy | null {
  const base = name.endsWith(`_${arch}`) ? name.slice(0, -arch.length - 1) : name;
  const libc: PolicyLibc = base.startsWith('musllinux') ? 'musl' : 'glibc';
  return policiesFor(libc, arch).find((p) => p.name === base || p.aliases.includes(`${base}_${arch}`)) ?? null;
}

/** The highest version of a family a policy allows ('GLIBC' → '2.17'); null when the family has no numeric version there. */
export function maxVersion(policy: LinuxPolicy, family: string): string | null {
  let best: string | null = null;
  for (const name of policy.symbolVersions.get(family) ?? []) {
    const v = name.slice(family.length + 1);
    if (!/^\d+(\.\d+)*$/.test(v)) continue;
    if (best === null || compareVersions(v, best) > 0) best = v;
  }
  return best;
}

/** auditwheel's rule for the dynamic loader: never external, never counted (`ld-linux*`, `ld64.so.1` on ppc64le, `ld64.so.2` on s390x). */
export function isGlibcLoaderName(soname: string): boolean {
  return soname.includes('ld-linux') || soname === 'ld64.so.1' || soname === 'ld64.so.2';
}

/** `libpython3.11.so.1.0`, `libpython3.7m.so` (auditwheel's LIBPYTHON_RE). */
export const LIBPYTHON_RE = /^libpython\d+\.\d+m?.so(\.\d)*$/;

/**
 * How a target is judged: the policy its tag names when auditwheel has data
 * for it, otherwise the nearest older policy for that architecture (a valid
 * PEP 600 tag like manylinux_2_30_x86_64 has no policy of its own), with the
 * glibc ceiling of the tag itself.
 */
export interface TargetPolicy {
  policy: LinuxPolicy;
  /** True when the tag's own policy exists; false when `policy` stands in for it. */
  exact: boolean;
  /** For a stand-in: the libc version the tag promises (GLIBC_x.y up to it are then allowed too). */
  libcCeiling: string | null;
  /** How the stand-in was chosen, for evidence. */
  note: string | null;
}

/** The policy name a target claims: 'manylinux_2_17' (also for manylinux2014), 'musllinux_1_2', or null (linux_*, non-Linux). */
export function claimedPolicyName(t: Pick<Target, 'os' | 'libc' | 'policy'>): string | null {
  if (t.os !== 'linux' || !t.libc || (t.libc.kind !== 'glibc' && t.libc.kind !== 'musl')) return null;
  const prefix = t.libc.kind === 'glibc' ? 'manylinux' : 'musllinux';
  if (t.policy && t.policy !== 'linux') {
    const alias: Record<string, string> = { manylinux1: 'manylinux_2_5', manylinux2010: 'manylinux_2_12', manylinux2014: 'manylinux_2_17' };
    const p = alias[t.policy] ?? t.policy;
    if (p.startsWith(`${prefix}_`)) return p;
  }
  const v = t.libc.minVersion?.split('.');
  return v && v.length >= 2 ? `${prefix}_${Number(v[0])}_${Number(v[1])}` : null;
}

/** The policy a Linux target is judged by; null for targets with no manylinux/musllinux claim (linux_*, other OSes). */
export function policyForTarget(t: Pick<Target, 'os' | 'arch' | 'libc' | 'policy'>): TargetPolicy | null {
  const name = claimedPolicyName(t);
  const arch = wheelArchOf(t.arch);
  if (!name || !arch) return null;
  const exact = findPolicy(name, arch);
  if (exact) return { policy: exact, exact: true, libcCeiling: null, note: null };
  const libc: PolicyLibc = name.startsWith('musllinux') ? 'musl' : 'glibc';
  const want = libcVersionOf(name);
  const candidates = policiesFor(libc, arch).filter((p) => p.libcVersion !== null);
  if (!want || candidates.length === 0) return null;
  const older = candidates.filter((p) => compareVersions(p.libcVersion!, want) <= 0);
  // The newest policy not newer than the tag; for a tag older than any policy of this arch, the oldest there is.
  const stand = older.length > 0 ? older.reduce((a, b) => (compareVersions(a.libcVersion!, b.libcVersion!) >= 0 ? a : b)) : candidates[candidates.length - 1]!;
  return {
    policy: stand,
    exact: false,
    libcCeiling: libc === 'glibc' ? want : null,
    note: `auditwheel has no ${name}_${arch} policy; judged by ${stand.tag}${libc === 'glibc' ? ` with GLIBC versions up to ${want}` : ''}`,
  };
}

/** Whether a target policy allows a needed version name; families the policy does not list are not judged (auditwheel's rule). */
export function allowsVersion(tp: TargetPolicy, versionName: string): boolean {
  const family = versionFamily(versionName);
  const set = tp.policy.symbolVersions.get(family);
  if (!set || set.has(versionName)) return true;
  if (tp.libcCeiling && family === 'GLIBC') {
    const v = versionName.slice(family.length + 1);
    if (/^\d+(\.\d+)*$/.test(v) && compareVersions(v, tp.libcCeiling) <= 0) return true;
  }
  return false;
}

/** The highest version of a family a target policy allows, for messages. */
export function ceilingOf(tp: TargetPolicy, family: string): string | null {
  if (family === 'GLIBC' && tp.libcCeiling) return tp.libcCeiling;
  return maxVersion(tp.policy, family);
}
