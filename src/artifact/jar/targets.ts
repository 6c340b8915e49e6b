/**
 * A JAR's claims made explicit as targets. A JAR declares no platform of its
 * own: each native library's path does (the loader of its library picks that
 * path on that platform: conventions.ts), so each native serves the
 * target(s) its own path claims, and the JAR's targets are the union.
 *
 * | path claims | target(s) |
 * |---|---|
 * | Linux, glibc (sqlite-jdbc `Linux/x86_64`, snappy-java `Linux/x86_64`) | `linux-x86_64-glibc2.17` |
 * | Linux, musl (sqlite-jdbc `Linux-Musl/x86_64`, snappy-java `Linux/x86_64-musl`) | `linux-x86_64-musl` |
 * | Linux, no libc said (JNA `linux-x86-64`, zstd-jni `linux/amd64`, lz4-java, netty, Conscrypt, JavaCPP, native-lib-loader) | both: the loader picks the same file on glibc and on musl systems |
 * | Android (sqlite-jdbc `Linux-Android`, JNA `android-*`, JavaCPP `android-*`) | `android-arm64-bionic` |
 * | macOS, Windows, FreeBSD | `macos-arm64-11.0`, `windows-x86_64`, `freebsd-x86_64` |
 * | an OS outside the vocabulary (AIX, Solaris / SunOS, OpenBSD) | none (jar.native-path-mismatch still compares the architecture) |
 * | no architecture in the path (JNA's universal `darwin`, old netty names) | one per architecture of the binary (per slice of a fat Mach-O) |
 * | an unknown layout | made from the binary's own facts, the claim reading `binary facts of <path>` |
 *
 * Libc-blind loaders (JNA, zstd-jni, lz4-java, netty...) load their one Linux
 * file on Alpine too. A library linked against glibc that needs nothing
 * glibc-only loads there (lz4-java, JNA's dispatch library mostly do); one
 * that needs `__*_chk`, `fcntl64`, glibc's loader or libstdc++ does not. So
 * the musl target exists, the glibc build is not judged by elf.libc-mismatch
 * there (it is not a mislabel: the loader never asked for musl), and
 * jar.no-musl-build says whether anything the loader picks on musl loads. Every
 * Linux architecture a JAR serves on glibc gets a musl target, also when the
 * JAR has nothing for it (sqlite-jdbc without `Linux-Musl/aarch64`): JVMs run
 * on Alpine, and that is where users find out.
 *
 * Floors, since a JAR states none:
 * - glibc 2.17 (CentOS 7 / RHEL 7, manylinux2014), the floor most Java native
 *   builds target (netty builds on CentOS 6/7, sqlite-jdbc, zstd-jni and
 *   snappy-java cross-compile against old glibc) — or the architecture's first
 *   glibc when it is newer (riscv64 2.27, loongarch64 2.36). The target's
 *   policy names it (`manylinux_2_17`), so elf.symbol-version-too-new names
 *   the symbols that need more.
 * - musl targets are judged by `musllinux_1_2` (what a plain musl system
 *   provides: libc and zlib).
 * - macOS 10.12 (x86_64) and 11.0 (arm64): the oldest macOS OpenJDK 17 itself
 *   is built for (MACOSX_VERSION_MIN in its configure), so macos.min-os-too-new
 *   names dylibs that need a newer macOS than the JVM they run in.
 */
import { ARCHES, type Arch } from '../../binary/arch.ts';
import type { BinaryFacts } from '../../binary/describe.ts';
import type { AuditedBinary } from '../../audit/types.ts';
import { targetId, type LibcKind, type Os, type Target } from '../../target.ts';
import { nativePathClaim, type NativePathClaim } from './conventions.ts';
import type { JarModel } from './model.ts';
import { innerPath } from './reader.ts';

/** The default glibc floor of JAR natives. */
export const JAR_GLIBC_FLOOR = '2.17';
/** Architectures whose first glibc is newer than the default floor. */
const FIRST_GLIBC: Partial<Record<Arch, string>> = { riscv64: '2.27', loongarch64: '2.36' };
/** The default minimum macOS of JAR natives, per architecture (OpenJDK 17's own). */
export const JAR_MACOS_FLOOR: Partial<Record<Arch, string>> = { x86_64: '10.12', arm64: '11.0' };
/** The policy musl targets are judged by. */
export const JAR_MUSL_POLICY = 'musllinux_1_2';

export function jarGlibcFloor(arch: Arch): string {
  return FIRST_GLIBC[arch] ?? JAR_GLIBC_FLOOR;
}

export interface JarPlatform {
  os: Os;
  arch: Arch;
  /** glibc / musl on Linux, bionic on Android, null elsewhere. */
  libc: LibcKind | null;
}

export interface NativeServing {
  platform: JarPlatform;
  /** How the target's claims name it: 'sqlite-jdbc Linux-Musl/x86_64', 'binary facts of lib/x.so'. */
  claim: string;
  /** A musl platform served only because the loader does not tell musl from glibc. */
  libcBlind: boolean;
}

/** What a native's platform is decided from beside its path: the binary's facts. */
export interface NativeFacts {
  facts: readonly BinaryFacts[];
  elfOsAbi: number | null;
}

/** ELF OS/ABI of FreeBSD binaries. */
const ELFOSABI_FREEBSD = 9;

/** How targets and messages name a path claim. */
export function claimLabel(c: NativePathClaim): string {
  if (c.convention === 'netty') return `netty ${c.shadedPrefix ?? ''}${c.library ?? ''}${c.platform ? ` ${c.platform}` : ''}`;
  return `${c.convention} ${c.platform}`;
}

function linux(arch: Arch, libc: LibcKind | null, claim: string): NativeServing[] {
  if (libc === 'musl' || libc === 'glibc') return [{ platform: { os: 'linux', arch, libc }, claim, libcBlind: false }];
  return [
    { platform: { os: 'linux', arch, libc: 'glibc' }, claim, libcBlind: false },
    { platform: { os: 'linux', arch, libc: 'musl' }, claim, libcBlind: true },
  ];
}

function fromFacts(f: BinaryFacts, osAbi: number | null, claim: string): NativeServing[] {
  if (f.arch === 'unknown') return [];
  switch (f.format) {
    case 'elf':
      if (f.libc === 'bionic') return [{ platform: { os: 'android', arch: f.arch, libc: 'bionic' }, claim, libcBlind: false }];
      if (osAbi === ELFOSABI_FREEBSD) return [{ platform: { os: 'freebsd', arch: f.arch, libc: null }, claim, libcBlind: false }];
      return linux(f.arch, f.libc === 'musl' ? 'musl' : null, claim);
    case 'macho':
      return [{ platform: { os: f.minOs?.platform === 'ios' ? 'ios' : 'macos', arch: f.arch, libc: null }, claim, libcBlind: false }];
    case 'pe':
      return [{ platform: { os: 'windows', arch: f.arch, libc: null }, claim, libcBlind: false }];
  }
}

/**
 * The platforms one native serves: those its path claims, or (unknown layout,
 * no architecture in the path) those of its facts. Empty for an OS outside
 * the vocabulary, or when the facts are needed and unknown.
 */
export function nativePlatforms(path: string, claim: NativePathClaim | null, facts: NativeFacts | null): NativeServing[] {
  if (claim === null) {
    const label = `binary facts of ${path}`;
    return (facts?.facts ?? []).flatMap((f) => fromFacts(f, facts!.elfOsAbi, label));
  }
  const os = claim.os;
  if (os === null) return [];
  const label = claimLabel(claim);
  const arches = claim.arch ? [claim.arch] : [...new Set((facts?.facts ?? []).map((f) => f.arch))].filter((a) => a !== 'unknown');
  return arches.flatMap((arch): NativeServing[] => {
    if (os === 'linux') return linux(arch, claim.libc === 'bionic' ? null : claim.libc, label);
    return [{ platform: { os, arch, libc: os === 'android' ? 'bionic' : null }, claim: label, libcBlind: false }];
  });
}

export function platformKey(p: Pick<JarPlatform, 'os' | 'arch'> & { libc: LibcKind | null | { kind: LibcKind } }): string {
  const libc = p.libc === null ? '' : typeof p.libc === 'string' ? p.libc : p.libc.kind;
  return `${p.os}/${p.arch}/${libc}`;
}

/** Where the loader looks on musl when the path it took on glibc names glibc (sqlite-jdbc, snappy-java on x86_64); null for libc-blind loaders. */
export function muslLookup(c: NativePathClaim): string | null {
  if (c.convention === 'sqlite-jdbc') return `${c.relocatedPrefix}org/sqlite/native/Linux-Musl/${c.platform.split('/')[1]}/`;
  if (c.convention === 'snappy-java') return `${c.relocatedPrefix}org/xerial/snappy/native/Linux/x86_64-musl/`;
  return null;
}

const OS_ORDER: Os[] = ['linux', 'android', 'macos', 'ios', 'windows', 'freebsd'];
const LIBC_ORDER = ['glibc', 'musl', 'bionic', ''];

function makeTarget(p: JarPlatform, claims: string[]): Target {
  let libc: Target['libc'] = null;
  let policy: string | null = null;
  let minOs: string | null = null;
  const notes: string[] = [];
  if (p.libc === 'glibc') {
    const floor = jarGlibcFloor(p.arch);
    libc = { kind: 'glibc', minVersion: floor };
    policy = `manylinux_${floor.replace('.', '_')}`;
    notes.push(`glibc ${floor}: distaudit's default floor for JAR natives (a JAR states none)`);
  } else if (p.libc === 'musl') {
    libc = { kind: 'musl', minVersion: null };
    policy = JAR_MUSL_POLICY;
  } else if (p.libc === 'bionic') {
    libc = { kind: 'bionic', minVersion: null };
  }
  if (p.os === 'macos' && JAR_MACOS_FLOOR[p.arch]) {
    minOs = JAR_MACOS_FLOOR[p.arch]!;
    notes.push(`macOS ${minOs}: the oldest macOS OpenJDK 17 is built for (a JAR states none)`);
  }
  return { id: targetId({ os: p.os, arch: p.arch, libc, minOs }), os: p.os, arch: p.arch, libc, minOs, policy, python: null, node: null, claims: [...claims, ...notes] };
}

/** The JAR's targets: one per platform any native serves, plus a musl target beside every Linux glibc one. */
export function jarTargets(model: JarModel): Target[] {
  const platforms = new Map<string, { p: JarPlatform; claims: string[] }>();
  const add = (p: JarPlatform, claim: string) => {
    const key = platformKey(p);
    const cur = platforms.get(key);
    if (!cur) platforms.set(key, { p, claims: [claim] });
    else if (!cur.claims.includes(claim)) cur.claims.push(claim);
  };
  const glibcClaims = new Map<string, NativePathClaim[]>();
  for (const n of model.natives) {
    for (const s of nativePlatforms(n.path, n.claim, n.scanned)) {
      add(s.platform, s.libcBlind ? `${s.claim} (loaded on musl too: the loader does not tell musl from glibc)` : s.claim);
      if (s.platform.libc === 'glibc' && n.claim) glibcClaims.set(s.platform.arch, [...(glibcClaims.get(s.platform.arch) ?? []), n.claim]);
    }
  }
  for (const { p } of [...platforms.values()]) {
    if (p.os !== 'linux' || p.libc !== 'glibc') continue;
    const musl: JarPlatform = { ...p, libc: 'musl' };
    if (platforms.has(platformKey(musl))) continue;
    const where = [...new Set((glibcClaims.get(p.arch) ?? []).map((c) => (muslLookup(c) ? `${c.convention} looks in ${muslLookup(c)}` : null)).filter((x) => x !== null))];
    add(musl, `musl systems: no ${p.arch} build for musl in the JAR${where.length > 0 ? ` (${where.join('; ')})` : ''}`);
  }
  const rank = (p: JarPlatform) => [OS_ORDER.indexOf(p.os), (ARCHES as readonly string[]).indexOf(p.arch), LIBC_ORDER.indexOf(p.libc ?? '')];
  const sorted = [...platforms.values()].sort((a, b) => {
    const ra = rank(a.p);
    const rb = rank(b.p);
    for (let i = 0; i < ra.length; i++) if (ra[i] !== rb[i]) return ra[i]! - rb[i]!;
    return 0;
  });
  return sorted.map(({ p, claims }) => makeTarget(p, claims));
}

const nativeIndex = new WeakMap<JarModel, Map<string, JarModel['natives'][number]>>();

/**
 * The targets one binary must serve: those its own path claims (or its facts,
 * for an unknown layout). A library linked against glibc is not held to the
 * musl target a libc-blind loader also hands it to: jar.no-musl-build judges
 * that (see the module comment).
 */
export function jarBinaryTargets(model: JarModel, targets: readonly Target[], bin: Pick<AuditedBinary, 'path' | 'facts' | 'parsed'>): Target[] {
  let index = nativeIndex.get(model);
  if (!index) nativeIndex.set(model, (index = new Map(model.natives.map((n) => [n.path, n]))));
  const claim = index.get(bin.path)?.claim ?? nativePathClaim(innerPath(bin.path));
  const facts: NativeFacts = { facts: bin.facts, elfOsAbi: bin.parsed.format === 'elf' ? bin.parsed.header.osabi : null };
  const glibcLinked = bin.facts[0]?.libc === 'glibc';
  const keys = new Set(nativePlatforms(bin.path, claim, facts).filter((s) => !(s.libcBlind && glibcLinked)).map((s) => platformKey(s.platform)));
  return targets.filter((t) => keys.has(platformKey(t)));
}

