/**
 * Where JNI libraries live inside JARs, by library convention, and which
 * platform each path claims. A loader picks one resource path for the running
 * JVM (from `os.name`, `os.arch` and, for a few, a musl or Android probe) and
 * loads whatever bytes sit there; the path is therefore a claim about the
 * binary, which the audit checks against the binary's own facts.
 *
 * | convention | path | platform part |
 * |---|---|---|
 * | sqlite-jdbc | `org/sqlite/native/<OS>/<arch>/libsqlitejdbc.so` | OS `Linux`, `Linux-Musl`, `Linux-Android`, `Mac`, `Windows`, `FreeBSD`...; arch from its OSInfo map (`ppc64` also serves ppc64le JVMs) |
 * | snappy-java | `org/xerial/snappy/native/<OS>/<arch>/libsnappyjava.so` | same lineage; `x86_64-musl`, `android-arm`, `android-aarch64` arch folders |
 * | JNA | `com/sun/jna/<os>-<arch>/libjnidispatch.so`, and user libraries at `<os>-<arch>/` at the root | `linux-x86-64`, `linux-armel`, `darwin-aarch64`, `win32-x86-64`, `darwin` (universal) |
 * | zstd-jni | `<os>/<arch>/libzstd-jni-<version>.so` at the root | `linux/amd64`, `darwin/aarch64`, `win/amd64`; raw `os.arch` |
 * | lz4-java | `net/jpountz/util/<os>/<arch>/liblz4-java.so` | `linux/amd64`, `darwin/aarch64`, `win32/amd64` (a DLL named .so) |
 * | netty | `META-INF/native/lib[<prefix>]netty_<library>_[<os>_]<arch>.so` | epoll / io_uring (Linux), kqueue and resolver_dns_native_macos (macOS), tcnative and quiche with an os; `<prefix>` = the shaded package, mangled |
 * | native-lib-loader (scijava) | `natives/<os>_<bits or arch>/`, `META-INF/lib/<os>_<...>/` | `linux_64`, `linux_arm64`, `windows_32`, `osx_arm64`...; also `<os>-<arch>-<bits>` |
 * | Conscrypt | `META-INF/native/libconscrypt_openjdk_jni-<os>-<arch>.so` | `linux-x86_64`, `osx-aarch_64`, `windows-x86` |
 * | JavaCPP | `<package path>/<os>-<arch>[-<extension>]/<lib>` | `linux-x86_64`, `macosx-arm64`, `windows-x86_64`, `android-arm64`, `linux-armhf` |
 *
 * Sources: the loaders' code as summarised in reference/notes/node-addons-and-jars.md §2.1
 * (sqlite-jdbc and snappy-java OSInfo, JNA Platform, zstd-jni Native, lz4-java
 * Native, netty NativeLibraryLoader, scijava NativeLibraryUtil, Conscrypt
 * NativeCryptoJni, JavaCPP Loader), and the paths of the published JARs.
 *
 * A path under a known anchor with an unknown platform part still matches
 * (`os` / `arch` null, the part kept in `platform`); an unknown layout gives
 * null, and the caller falls back to the binary's own facts. Paths relocated
 * by a shader keep their anchor after a prefix (`shaded/org/sqlite/native/...`):
 * the prefix is returned.
 *
 * @example
 * nativePathClaim('org/sqlite/native/Linux-Musl/aarch64/libsqlitejdbc.so')
 * // { convention: 'sqlite-jdbc', platform: 'Linux-Musl/aarch64', os: 'linux', arch: 'arm64', libc: 'musl', ... }
 */
import type { Arch } from '../../binary/arch.ts';
import type { LibcKind, Os } from '../../target.ts';

export const NATIVE_CONVENTIONS = ['sqlite-jdbc', 'snappy-java', 'jna', 'zstd-jni', 'lz4-java', 'netty', 'native-lib-loader', 'conscrypt', 'javacpp'] as const;
export type NativeConvention = (typeof NATIVE_CONVENTIONS)[number];

export interface NativePathClaim {
  convention: NativeConvention;
  /** The part of the path that names the platform, as written: 'Linux-Musl/aarch64', 'linux-x86-64', 'x86_64' (netty epoll). */
  platform: string;
  /** Null when the path names an OS outside the project's vocabulary (AIX, SunOS, OpenBSD, Windows CE...) or does not say. */
  os: Os | null;
  /** Null when the path names no architecture (JNA's universal `darwin`) or one outside the vocabulary. */
  arch: Arch | null;
  /**
   * The libc the loader picks this file for: musl / bionic when the path says
   * so, glibc where the loader tells musl apart and chose this file for glibc;
   * null when the loader makes no difference (the file is served to every libc).
   */
  libc: LibcKind | null;
  /** What the path says beside the architecture: 'armel' (ARM soft-float EABI), 'armhf', 'armv6', 'armv7', 'fedora' (netty-tcnative)... */
  variant: string | null;
  /** Path before the convention's anchor when a shader relocated the resources ('shaded/' for 'shaded/org/sqlite/native/...'); '' otherwise. */
  relocatedPrefix: string;
  /** netty: the library ('transport_native_epoll', 'tcnative', ...); JavaCPP: the package path ('org/bytedeco/javacpp'); null otherwise. */
  library: string | null;
  /** netty: the mangled package prefix of a shaded build ('io_grpc_netty_shaded_'), '' when not shaded; null for other conventions. */
  shadedPrefix: string | null;
  /** netty: that prefix as a package ('io.grpc.netty.shaded'); null when not shaded or not netty. */
  shadedPackage: string | null;
  /** netty: the class whose (relocated) name the loader mangles into the file name it asks for; null otherwise. */
  loaderClass: string | null;
  /** How the loader's choice departs from the plain reading of the path, when it does. */
  note: string | null;
}

type Platform = { os: Os | null; arch: Arch | null; libc?: LibcKind | null; variant?: string | null; note?: string | null };

function claim(convention: NativeConvention, platform: string, p: Platform, relocatedPrefix = '', extra: Partial<NativePathClaim> = {}): NativePathClaim {
  return {
    convention,
    platform,
    os: p.os,
    arch: p.arch,
    libc: p.libc ?? null,
    variant: p.variant ?? null,
    relocatedPrefix,
    library: null,
    shadedPrefix: null,
    shadedPackage: null,
    loaderClass: null,
    note: p.note ?? null,
    ...extra,
  };
}

/** Java `os.arch` values (raw, as zstd-jni and lz4-java use them) and common spellings. */
const JAVA_ARCH: Record<string, Arch> = {
  amd64: 'x86_64',
  x86_64: 'x86_64',
  'x86-64': 'x86_64',
  x64: 'x86_64',
  em64t: 'x86_64',
  i386: 'i386',
  i486: 'i386',
  i586: 'i386',
  i686: 'i386',
  x86: 'i386',
  aarch64: 'arm64',
  arm64: 'arm64',
  arm: 'arm',
  ppc: 'ppc',
  ppc64: 'ppc64',
  ppc64le: 'ppc64le',
  s390x: 's390x',
  s390: 's390',
  riscv64: 'riscv64',
  riscv32: 'riscv32',
  loongarch64: 'loongarch64',
  mips64el: 'mips64el',
  mips64: 'mips64',
  mipsel: 'mipsel',
  mips: 'mips',
  sparcv9: 'sparc64',
  sparc64: 'sparc64',
  sparc: 'sparc',
  ia64: 'ia64',
};

// ---------------------------------------------------------------------------
// sqlite-jdbc and snappy-java (the xerial OSInfo lineage)

const XERIAL_OS: Record<string, { os: Os; libc: LibcKind | null }> = {
  Linux: { os: 'linux', libc: null },
  'Linux-Musl': { os: 'linux', libc: 'musl' },
  'Linux-Android': { os: 'android', libc: 'bionic' },
  Mac: { os: 'macos', libc: null },
  Windows: { os: 'windows', libc: null },
  FreeBSD: { os: 'freebsd', libc: null },
};

const XERIAL_ARCH: Record<string, { arch: Arch; variant?: string }> = {
  x86_64: { arch: 'x86_64' },
  x86: { arch: 'i386' },
  aarch64: { arch: 'arm64' },
  arm: { arch: 'arm', variant: 'armel' },
  armv6: { arch: 'arm', variant: 'armv6' },
  armv7: { arch: 'arm', variant: 'armv7' },
  ppc: { arch: 'ppc' },
  ppc64: { arch: 'ppc64' },
  ppc64le: { arch: 'ppc64le' },
  s390x: { arch: 's390x' },
  riscv64: { arch: 'riscv64' },
  loongarch64: { arch: 'loongarch64' },
  sparc: { arch: 'sparc' },
  sparcv9: { arch: 'sparc64' },
  ia64: { arch: 'ia64' },
  s390: { arch: 's390' },
};

function xerial(convention: 'sqlite-jdbc' | 'snappy-java', prefix: string, osDir: string, archDir: string): NativePathClaim {
  const platform = `${osDir}/${archDir}`;
  const o = XERIAL_OS[osDir];
  let p: Platform = { os: o?.os ?? null, arch: null, libc: o?.libc ?? null };
  let a = archDir;
  if (convention === 'snappy-java') {
    if (a === 'x86_64-musl') {
      a = 'x86_64';
      p.libc = 'musl';
    } else if (a.startsWith('android-')) {
      a = a.slice('android-'.length);
      p = { ...p, os: 'android', libc: 'bionic' };
    }
  }
  const arch = XERIAL_ARCH[a];
  if (arch) {
    p.arch = arch.arch;
    p.variant = arch.variant ?? null;
  }
  if (p.os === 'android' && p.variant === 'armel') p.variant = null; // Android's arm builds are armeabi-v7a
  if (osDir === 'Linux' && p.libc === null && p.os === 'linux') {
    // sqlite-jdbc tells musl apart on every arch (Linux-Musl); snappy-java only on x86_64.
    if (convention === 'sqlite-jdbc' || a === 'x86_64') p.libc = 'glibc';
    else p.note = 'snappy-java detects musl only on x86_64 (/lib/ld-musl-x86_64.so.1): this file is also loaded on musl systems';
  }
  if (convention === 'sqlite-jdbc' && a === 'ppc64' && osDir === 'Linux') {
    p.arch = 'ppc64le';
    p.note = "sqlite-jdbc's OSInfo maps os.arch ppc64le to the ppc64 folder (big-endian ppc64 JVMs land there too); its published builds are little-endian";
  }
  return claim(convention, platform, p, prefix);
}

// ---------------------------------------------------------------------------
// JNA: <os>-<arch> resource prefixes (Platform.getNativeLibraryResourcePrefix)

const JNA_OS: Record<string, { os: Os | null; libc?: LibcKind }> = {
  linux: { os: 'linux' },
  darwin: { os: 'macos' },
  mac: { os: 'macos' },
  win32: { os: 'windows' },
  freebsd: { os: 'freebsd' },
  android: { os: 'android', libc: 'bionic' },
  w32ce: { os: null },
  sunos: { os: null },
  openbsd: { os: null },
  netbsd: { os: null },
  dragonflybsd: { os: null },
  kfreebsd: { os: null },
  gnu: { os: null },
  aix: { os: null },
};

const JNA_ARCH: Record<string, { arch: Arch; variant?: string }> = {
  x86: { arch: 'i386' },
  'x86-64': { arch: 'x86_64' },
  aarch64: { arch: 'arm64' },
  arm: { arch: 'arm', variant: 'armhf' },
  armel: { arch: 'arm', variant: 'armel' },
  armv7: { arch: 'arm', variant: 'armv7' },
  ppc: { arch: 'ppc' },
  ppc64: { arch: 'ppc64' },
  ppc64le: { arch: 'ppc64le' },
  sparc: { arch: 'sparc' },
  sparcv9: { arch: 'sparc64' },
  mips: { arch: 'mips' },
  mipsel: { arch: 'mipsel' },
  mips64: { arch: 'mips64' },
  mips64el: { arch: 'mips64el' },
  loongarch64: { arch: 'loongarch64' },
  s390x: { arch: 's390x' },
  riscv64: { arch: 'riscv64' },
  ia64: { arch: 'ia64' },
};

/** A JNA resource prefix ('linux-x86-64', 'darwin'), or null when the directory is not one. */
function jnaPrefix(dir: string): Platform | null {
  if (dir === 'darwin') return { os: 'macos', arch: null, note: "the universal prefix of older JNA releases: the architecture comes from the binary (a fat Mach-O)" };
  const dash = dir.indexOf('-');
  if (dash < 0) return null;
  const o = JNA_OS[dir.slice(0, dash)];
  const a = JNA_ARCH[dir.slice(dash + 1)];
  if (!o || !a) return null;
  // JNA's android prefixes ('android-arm') name the ABI family: armeabi-v7a.
  const variant = o.os === 'android' && a.arch === 'arm' ? null : (a.variant ?? null);
  return { os: o.os, arch: a.arch, libc: o.libc ?? null, variant };
}

// ---------------------------------------------------------------------------
// zstd-jni and lz4-java: <os>/<raw os.arch>

const ZSTD_OS: Record<string, Os | null> = { linux: 'linux', darwin: 'macos', win: 'windows', freebsd: 'freebsd', aix: null, sunos: null, openbsd: null, netbsd: null };
const LZ4_OS: Record<string, Os | null> = { linux: 'linux', darwin: 'macos', win32: 'windows', solaris: null, aix: null, freebsd: 'freebsd' };

function rawJavaArch(dir: string): Platform['arch'] {
  return JAVA_ARCH[dir] ?? null;
}

// ---------------------------------------------------------------------------
// netty: META-INF/native/lib<prefix>netty_<library>_<platform>.<ext>

const NETTY_ARCH: Record<string, Arch> = {
  x86_64: 'x86_64',
  x86_32: 'i386',
  aarch_64: 'arm64',
  arm_32: 'arm',
  ppcle_64: 'ppc64le',
  ppc_64: 'ppc64',
  ppc_32: 'ppc',
  s390_64: 's390x',
  s390_32: 's390',
  riscv64: 'riscv64',
  loongarch_64: 'loongarch64',
  sparc_64: 'sparc64',
  sparc_32: 'sparc',
  mips_64: 'mips64',
  mipsel_64: 'mips64el',
  mips_32: 'mips',
  mipsel_32: 'mipsel',
  itanium_64: 'ia64',
};

const NETTY_OS: Record<string, Os | null> = { linux: 'linux', osx: 'macos', windows: 'windows', freebsd: 'freebsd', openbsd: null, netbsd: null, sunos: null, aix: null };

/** Libraries whose OS is implied by the name, and those that name it. */
const NETTY_LIBS: { re: RegExp; os: Os | null }[] = [
  { re: /^transport_native_epoll$/, os: 'linux' },
  { re: /^transport_native_io_uring\d*$/, os: 'linux' },
  { re: /^transport_native_kqueue$/, os: 'macos' },
  { re: /^resolver_dns_native_macos$/, os: 'macos' },
  { re: /^tcnative$/, os: null },
  { re: /^quiche\d*$/, os: null },
];

const NETTY_LOADER = 'io.netty.util.internal.NativeLibraryLoader';

/** netty's calculateMangledPackagePrefix in reverse: '_1' → '_', '_' → '.'. Null when it is not such a prefix. */
function unmangleNettyPrefix(prefix: string): string | null {
  if (prefix === '') return '';
  if (!prefix.endsWith('_') || !/^[A-Za-z0-9_]+$/.test(prefix)) return null;
  let out = '';
  for (let i = 0; i < prefix.length; i++) {
    const c = prefix[i]!;
    if (c === '_' && prefix[i + 1] === '1') {
      out += '_';
      i++;
    } else out += c === '_' ? '.' : c;
  }
  // The package ends in '.': 'io.grpc.netty.shaded.'.
  if (!out.endsWith('.') || out.includes('..') || out.startsWith('.')) return null;
  return out.slice(0, -1);
}

/** Longest file name considered: loaders extract under the same name, and file systems stop at 255 bytes. */
const MAX_FILE_NAME = 255;

const NETTY_LIB = /^(transport_native_epoll|transport_native_io_uring\d*|transport_native_kqueue|resolver_dns_native_macos|tcnative|quiche\d*)(?:_(.*))?$/;

function netty(file: string): NativePathClaim | null {
  if (file.length > MAX_FILE_NAME) return null;
  const ext = /^(.*)\.(so|jnilib|dylib|dll)$/.exec(file);
  if (!ext) return null;
  let stem = ext[1]!;
  // Linux / macOS names carry 'lib' (System.mapLibraryName); Windows DLLs do not.
  if (ext[2] !== 'dll') {
    if (!stem.startsWith('lib')) return null;
    stem = stem.slice(3);
  }
  // The shading prefix may itself contain 'netty_' (io_grpc_netty_shaded_): try each occurrence.
  for (let at = stem.indexOf('netty_'); at >= 0; at = stem.indexOf('netty_', at + 1)) {
    const prefix = stem.slice(0, at);
    const shadedPackage = unmangleNettyPrefix(prefix);
    if (shadedPackage === null) continue;
    const lib = NETTY_LIB.exec(stem.slice(at + 'netty_'.length));
    if (!lib) continue;
    const parsed = nettyPlatform(lib[1]!, lib[2] ?? '');
    if (!parsed) continue;
    return claim('netty', lib[2] ?? '', parsed, '', {
      library: lib[1]!,
      shadedPrefix: prefix,
      shadedPackage: shadedPackage === '' ? null : shadedPackage,
      loaderClass: shadedPackage === '' ? NETTY_LOADER : `${shadedPackage}.${NETTY_LOADER}`,
    });
  }
  return null;
}

/** The platform part after the library: [<os>_]<arch>[_fedora], or nothing for old builds of OS-specific libraries. */
function nettyPlatform(library: string, platform: string): Platform | null {
  const impliedOs = NETTY_LIBS.find((l) => l.re.test(library))?.os ?? null;
  let tail = platform === '' ? [] : platform.split('_');
  let variant: string | null = null;
  if (tail[tail.length - 1] === 'fedora') {
    variant = 'fedora';
    tail = tail.slice(0, -1);
  }
  let os: Os | null = impliedOs;
  if (impliedOs === null) {
    const osName = tail[0];
    if (osName === undefined || !(osName in NETTY_OS)) return null;
    os = NETTY_OS[osName]!;
    tail = tail.slice(1);
  }
  const archName = tail.join('_');
  if (archName === '') {
    // Old builds (netty 4.0 / early 4.1) had no architecture in the name.
    if (impliedOs === null) return null;
    return { os, arch: null, variant, note: 'no architecture in the name (an old netty build): the architecture comes from the binary' };
  }
  const arch = NETTY_ARCH[archName];
  return arch ? { os, arch, variant } : null;
}

// ---------------------------------------------------------------------------
// Conscrypt: META-INF/native/libconscrypt_openjdk_jni-<os>-<arch>.<ext>

const CONSCRYPT_ARCH: Record<string, Arch> = { ...NETTY_ARCH, x86: 'i386', aarch64: 'arm64', arm: 'arm' };

function conscrypt(file: string): NativePathClaim | null {
  const m = /^(?:lib)?conscrypt_openjdk_jni-([a-z0-9]+)-([a-z0-9_]+)\.(?:so|dylib|jnilib|dll)$/.exec(file);
  if (!m) return null;
  const os = m[1]! in NETTY_OS ? NETTY_OS[m[1]!]! : null;
  return claim('conscrypt', `${m[1]}-${m[2]}`, { os, arch: CONSCRYPT_ARCH[m[2]!] ?? null });
}

// ---------------------------------------------------------------------------
// scijava native-lib-loader: natives/<arch enum, lowercased>/ and META-INF/lib/<...>/

const NLL_LEGACY: Record<string, { os: Os | null; arch: Arch | null; variant?: string; note?: string }> = {
  linux_32: { os: 'linux', arch: 'i386' },
  linux_64: { os: 'linux', arch: 'x86_64' },
  linux_arm: { os: 'linux', arch: 'arm' },
  linux_arm64: { os: 'linux', arch: 'arm64' },
  linux_riscv64: { os: 'linux', arch: 'riscv64' },
  linux_riscv32: { os: 'linux', arch: 'riscv32' },
  linux_ppc: { os: 'linux', arch: null, note: "'linux_ppc' does not say which PowerPC (jssc 2.9.6 ships ppc64le there): the architecture comes from the binary" },
  windows_32: { os: 'windows', arch: 'i386' },
  windows_64: { os: 'windows', arch: 'x86_64' },
  windows_arm64: { os: 'windows', arch: 'arm64' },
  osx_32: { os: 'macos', arch: 'i386' },
  osx_64: { os: 'macos', arch: 'x86_64' },
  osx_ppc: { os: 'macos', arch: 'ppc' },
  osx_arm64: { os: 'macos', arch: 'arm64' },
  aix_32: { os: null, arch: 'ppc' },
  aix_64: { os: null, arch: 'ppc64' },
  solaris_32: { os: null, arch: 'sparc' },
  solaris_64: { os: null, arch: 'sparc64' },
};

/** NativeOsArchUtil's normalized architectures (`<os>-<arch>-<bits>` directories of native-lib-loader 2.5). */
const NLL_ARCH: Record<string, Arch> = {
  x86_32: 'i386',
  x86_64: 'x86_64',
  aarch_64: 'arm64',
  arm_32: 'arm',
  ppc_32: 'ppc',
  ppc_64: 'ppc64',
  ppcle_64: 'ppc64le',
  sparc_32: 'sparc',
  sparc_64: 'sparc64',
  itanium_64: 'ia64',
};

const NLL_OS: Record<string, Os | null> = { linux: 'linux', windows: 'windows', osx: 'macos', aix: null, solaris: null, zos: null };

function nativeLibLoader(dir: string): NativePathClaim | null {
  const legacy = NLL_LEGACY[dir];
  if (legacy) return claim('native-lib-loader', dir, { os: legacy.os, arch: legacy.arch, variant: legacy.variant ?? null, note: legacy.note ?? null });
  const m = /^([a-z]+)-([a-z0-9_]+)-(32|64)(?:-([a-z0-9_]+))?$/.exec(dir);
  if (m && m[1]! in NLL_OS && m[2]! in NLL_ARCH) {
    return claim('native-lib-loader', dir, { os: NLL_OS[m[1]!]!, arch: NLL_ARCH[m[2]!]!, variant: m[4] ?? null });
  }
  return null;
}

// ---------------------------------------------------------------------------
// JavaCPP: <package path>/<os>-<arch>[<extension>]/ (Loader.Detector.getPlatform)

const JAVACPP_OS: Record<string, { os: Os; libc?: LibcKind }> = {
  linux: { os: 'linux' },
  macosx: { os: 'macos' },
  windows: { os: 'windows' },
  android: { os: 'android', libc: 'bionic' },
  ios: { os: 'ios' },
  freebsd: { os: 'freebsd' },
};

const JAVACPP_ARCH: Record<string, { arch: Arch; variant?: string }> = {
  x86: { arch: 'i386' },
  x86_64: { arch: 'x86_64' },
  arm: { arch: 'arm' },
  armhf: { arch: 'arm', variant: 'armhf' },
  arm64: { arch: 'arm64' },
  ppc64le: { arch: 'ppc64le' },
  ppc64: { arch: 'ppc64' },
  mips64el: { arch: 'mips64el' },
  riscv64: { arch: 'riscv64' },
  s390x: { arch: 's390x' },
};

function javacppPlatform(dir: string): { p: Platform; extension: string | null } | null {
  const m = /^([a-z]+)-(x86_64|x86|armhf|arm64|arm|ppc64le|ppc64|mips64el|riscv64|s390x)(-[A-Za-z][A-Za-z0-9_]*)?$/.exec(dir);
  if (!m) return null;
  const o = JAVACPP_OS[m[1]!];
  const a = JAVACPP_ARCH[m[2]!];
  if (!o || !a) return null;
  return { p: { os: o.os, arch: a.arch, libc: o.libc ?? null, variant: a.variant ?? null }, extension: m[3] ? m[3].slice(1) : null };
}

// ---------------------------------------------------------------------------

/** Splits off what precedes an anchor: the relocation prefix, '' or ending in '/'. */
function anchored(path: string, anchor: string): { prefix: string; rest: string } | null {
  if (path.startsWith(anchor)) return { prefix: '', rest: path.slice(anchor.length) };
  const at = path.indexOf(`/${anchor}`);
  if (at < 0) return null;
  return { prefix: path.slice(0, at + 1), rest: path.slice(at + 1 + anchor.length) };
}

/**
 * The platform a JAR entry path claims, by the library convention it follows;
 * null for an unknown layout. `path` is the entry's name as stored ('/'-separated).
 */
export function nativePathClaim(path: string): NativePathClaim | null {
  const parts = path.split('/');
  const file = parts[parts.length - 1]!;
  if (file === '' || parts.some((p) => p === '' || p === '.' || p === '..')) return null;

  const sqlite = anchored(path, 'org/sqlite/native/');
  if (sqlite) {
    const r = sqlite.rest.split('/');
    if (r.length === 3) return xerial('sqlite-jdbc', sqlite.prefix, r[0]!, r[1]!);
  }
  const snappy = anchored(path, 'org/xerial/snappy/native/');
  if (snappy) {
    const r = snappy.rest.split('/');
    if (r.length === 3) return xerial('snappy-java', snappy.prefix, r[0]!, r[1]!);
  }
  const jna = anchored(path, 'com/sun/jna/');
  if (jna) {
    const r = jna.rest.split('/');
    if (r.length === 2) {
      const p = jnaPrefix(r[0]!);
      if (p) return claim('jna', r[0]!, p, jna.prefix);
    }
  }
  const lz4 = anchored(path, 'net/jpountz/util/');
  if (lz4) {
    const r = lz4.rest.split('/');
    if (r.length === 3 && r[0]! in LZ4_OS) {
      return claim('lz4-java', `${r[0]}/${r[1]}`, { os: LZ4_OS[r[0]!]!, arch: rawJavaArch(r[1]!) }, lz4.prefix);
    }
  }
  if (parts.length === 3 && parts[0] === 'META-INF' && parts[1] === 'native') {
    return netty(file) ?? conscrypt(file);
  }
  // native-lib-loader searches natives/ and META-INF/lib/ at the root only.
  if ((parts.length === 3 && parts[0] === 'natives') || (parts.length === 4 && parts[0] === 'META-INF' && parts[1] === 'lib')) {
    const c = nativeLibLoader(parts[parts.length - 2]!);
    if (c) return c;
  }
  // zstd-jni: <os>/<arch>/libzstd-jni-<version>.<ext>, at the root (or under a relocation prefix).
  if (parts.length >= 3 && /^(lib)?zstd-jni([-.].*)?\.(so|dylib|dll|jnilib|a)$/.test(file)) {
    const osDir = parts[parts.length - 3]!;
    const archDir = parts[parts.length - 2]!;
    if (osDir in ZSTD_OS) {
      // zstd-jni renames only darwin's amd64 (to x86_64); elsewhere the folder is os.arch as the JVM says it.
      const prefix = parts.slice(0, -3).join('/');
      return claim('zstd-jni', `${osDir}/${archDir}`, { os: ZSTD_OS[osDir]!, arch: rawJavaArch(archDir) }, prefix === '' ? '' : `${prefix}/`);
    }
  }
  // JNA's resource prefix for user libraries: <os>-<arch>/<lib> at the root of the class path.
  if (parts.length === 2) {
    const p = jnaPrefix(parts[0]!);
    if (p) return claim('jna', parts[0]!, p, '', { library: null });
  }
  // JavaCPP: <package path>/<platform>/<lib>, the package path at least one directory.
  if (parts.length >= 3) {
    const dir = parts[parts.length - 2]!;
    const j = javacppPlatform(dir);
    if (j) {
      const pkg = parts.slice(0, -2).join('/');
      return claim('javacpp', dir, { ...j.p, variant: j.p.variant ?? j.extension }, '', { library: pkg });
    }
  }
  return null;
}
