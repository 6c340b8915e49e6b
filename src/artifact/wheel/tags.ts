/**
 * Wheel compatibility tags: the python tag, the ABI tag and the platform tag
 * of PEP 425, parsed into what they promise. Platform tags become a typed
 * union (manylinux with its legacy aliases, musllinux, macOS with its
 * multi-architecture names, Windows, linux_*, Android, iOS, Emscripten), each
 * with the canonical architectures (src/binary/arch.ts) it covers, so a claim
 * can be compared with the bytes of a binary.
 *
 * Specs: https://packaging.python.org/en/latest/specifications/platform-compatibility-tags/
 * (PEP 425, PEP 600 manylinux_x_y, PEP 656 musllinux_x_y, PEP 730 iOS, PEP 738 Android).
 *
 * Whether PyPI accepts a platform tag follows warehouse's `_valid_platform_tag`
 * (warehouse/forklift/legacy.py, snapshot 6b62157 of 2026-08-21): see `pypiPlatformVerdict`.
 *
 * @example
 * parsePlatformTag('manylinux2014_aarch64')
 * // { kind: 'manylinux', glibc: '2.17', policy: 'manylinux_2_17', alias: 'manylinux2014', archName: 'aarch64', archs: ['arm64'], ... }
 */
import type { Arch } from '../../binary/arch.ts';

// ---------------------------------------------------------------------------
// Python tags

export interface PythonTag {
  raw: string;
  /** 'cp', 'pp', 'py', 'ip', 'jy', 'graalpy'... (the letters before the version). */
  implementation: string;
  /** 'CPython', 'PyPy', 'any Python'... for messages. */
  implementationName: string;
  /** '3.11', '3' (major only: 'py3'), '2.7'; null when the tag has no digits. */
  version: string | null;
  /** A trailing 't' (free-threaded), seen in the wild as in 'cp313t'. */
  freeThreaded: boolean;
}

const IMPLEMENTATIONS: Record<string, string> = { cp: 'CPython', pp: 'PyPy', py: 'any Python', ip: 'IronPython', jy: 'Jython', graalpy: 'GraalPy' };

/** 'cp311' → 3.11, 'py3' → 3, 'cp27' → 2.7: the first digit is the major version, the rest the minor. */
export function digitsToVersion(digits: string): string {
  return digits.length <= 1 ? digits : `${digits[0]}.${Number(digits.slice(1))}`;
}

export function parsePythonTag(raw: string): PythonTag {
  const m = /^([a-z]+?)(\d+)(t?)$/.exec(raw);
  const implementation = m ? m[1]! : raw;
  return {
    raw,
    implementation,
    implementationName: IMPLEMENTATIONS[implementation] ?? implementation,
    version: m ? digitsToVersion(m[2]!) : null,
    freeThreaded: m ? m[3] === 't' : false,
  };
}

// ---------------------------------------------------------------------------
// ABI tags

export type AbiTag =
  | { kind: 'none'; raw: string }
  /** The stable ABI (PEP 384); 'abi3t' is its free-threaded variant (PEP 803). */
  | { kind: 'abi3'; raw: string; freeThreaded: boolean }
  /** One CPython version's ABI, with its ABI flags: d (debug), m (pymalloc, < 3.8), u (wide unicode, Python 2), t (free-threaded). */
  | { kind: 'cpython'; raw: string; version: string; flags: string; debug: boolean; freeThreaded: boolean }
  /** PyPy: 'pypy310_pp73' = Python 3.10 language level, PyPy ABI 73. */
  | { kind: 'pypy'; raw: string; version: string | null; pypyAbi: string }
  | { kind: 'other'; raw: string };

export function parseAbiTag(raw: string): AbiTag {
  if (raw === 'none') return { kind: 'none', raw };
  if (raw === 'abi3' || raw === 'abi3t') return { kind: 'abi3', raw, freeThreaded: raw === 'abi3t' };
  let m = /^cp(\d+)([dmut]*)$/.exec(raw);
  if (m) {
    const flags = m[2]!;
    return { kind: 'cpython', raw, version: digitsToVersion(m[1]!), flags, debug: flags.includes('d'), freeThreaded: flags.includes('t') };
  }
  m = /^pypy(\d*)_(?:pp)?(\d+)$/.exec(raw);
  if (m) return { kind: 'pypy', raw, version: m[1] ? digitsToVersion(m[1]) : null, pypyAbi: m[2]! };
  return { kind: 'other', raw };
}

// ---------------------------------------------------------------------------
// Platform tags

/** Linux machine names (uname -m, as in manylinux / musllinux / linux_* tags) → canonical architecture. */
export const LINUX_ARCHES: Readonly<Record<string, Arch>> = {
  x86_64: 'x86_64',
  i686: 'i386',
  i386: 'i386',
  aarch64: 'arm64',
  armv7l: 'arm',
  armv6l: 'arm',
  armv8l: 'arm',
  ppc64le: 'ppc64le',
  ppc64: 'ppc64',
  ppc: 'ppc',
  s390x: 's390x',
  riscv64: 'riscv64',
  loongarch64: 'loongarch64',
  mips64: 'mips64',
  mips64el: 'mips64el',
  mips: 'mips',
  mipsel: 'mipsel',
  sparc64: 'sparc64',
  x32: 'x32',
};

/** macOS tag architectures → the slices they stand for (packaging's `_mac_binary_formats`, read in reverse). */
export const MACOS_ARCHES: Readonly<Record<string, readonly Arch[]>> = {
  x86_64: ['x86_64'],
  arm64: ['arm64'],
  i386: ['i386'],
  ppc: ['ppc'],
  ppc64: ['ppc64'],
  universal2: ['x86_64', 'arm64'],
  intel: ['i386', 'x86_64'],
  fat: ['i386', 'ppc'],
  fat32: ['i386', 'ppc'],
  fat3: ['i386', 'ppc', 'x86_64'],
  fat64: ['x86_64', 'ppc64'],
  universal: ['i386', 'ppc', 'ppc64', 'x86_64'],
};

export const WINDOWS_ARCHES: Readonly<Record<string, Arch>> = {
  win32: 'i386',
  win_amd64: 'x86_64',
  win_arm64: 'arm64',
  win_ia64: 'ia64',
  win_arm32: 'arm',
};

export const ANDROID_ARCHES: Readonly<Record<string, Arch>> = {
  armeabi_v7a: 'arm',
  arm64_v8a: 'arm64',
  x86: 'i386',
  x86_64: 'x86_64',
};

export const IOS_ARCHES: Readonly<Record<string, Arch>> = { arm64: 'arm64', x86_64: 'x86_64' };

/** The legacy manylinux names and the glibc versions they stand for (PEP 600). */
export const MANYLINUX_ALIASES: Readonly<Record<string, string>> = {
  manylinux1: '2.5',
  manylinux2010: '2.12',
  manylinux2014: '2.17',
};

interface PlatformBase {
  raw: string;
  /** Canonical architectures the tag covers (two or more for macOS universal2 / intel / fat...). */
  archs: Arch[];
}

export type PlatformTag =
  | (PlatformBase & { kind: 'any' })
  | (PlatformBase & {
      kind: 'manylinux';
      /** glibc floor, 'X.Y'. */
      glibc: string;
      /** 'manylinux_2_17' (the PEP 600 name, also for a legacy alias). */
      policy: string;
      /** 'manylinux2014' when written with a legacy name, else null. */
      alias: string | null;
      archName: string;
    })
  | (PlatformBase & { kind: 'musllinux'; musl: string; policy: string; archName: string })
  /** linux_<arch>: built on some Linux, promises nothing about the libc version. */
  | (PlatformBase & { kind: 'linux'; archName: string })
  | (PlatformBase & { kind: 'macosx'; version: string; major: number; minor: number; archName: string })
  | (PlatformBase & { kind: 'windows'; archName: string })
  | (PlatformBase & { kind: 'android'; api: number; archName: string })
  | (PlatformBase & { kind: 'ios'; version: string; archName: string; sdk: 'iphoneos' | 'iphonesimulator' })
  /** Pyodide / Emscripten (wasm32): no native architecture in the canonical vocabulary. */
  | (PlatformBase & { kind: 'emscripten' })
  | (PlatformBase & { kind: 'unknown'; reason: string });

export type PlatformKind = PlatformTag['kind'];

function unknown(raw: string, reason: string): PlatformTag {
  return { kind: 'unknown', raw, archs: [], reason };
}

export function parsePlatformTag(raw: string): PlatformTag {
  if (raw === 'any') return { kind: 'any', raw, archs: [] };

  let m = /^manylinux_(\d+)_(\d+)_([a-z0-9_]+)$/.exec(raw);
  if (m) {
    const arch = LINUX_ARCHES[m[3]!];
    if (!arch) return unknown(raw, `unknown Linux architecture '${m[3]}'`);
    return { kind: 'manylinux', raw, archs: [arch], glibc: `${Number(m[1])}.${Number(m[2])}`, policy: `manylinux_${Number(m[1])}_${Number(m[2])}`, alias: null, archName: m[3]! };
  }
  m = /^(manylinux1|manylinux2010|manylinux2014)_([a-z0-9_]+)$/.exec(raw);
  if (m) {
    const arch = LINUX_ARCHES[m[2]!];
    if (!arch) return unknown(raw, `unknown Linux architecture '${m[2]}'`);
    const glibc = MANYLINUX_ALIASES[m[1]!]!;
    return { kind: 'manylinux', raw, archs: [arch], glibc, policy: `manylinux_${glibc.replace('.', '_')}`, alias: m[1]!, archName: m[2]! };
  }
  if (/^manylinux/.test(raw)) return unknown(raw, 'not manylinux_<glibc major>_<glibc minor>_<arch> nor a legacy manylinux1/2010/2014 name');

  m = /^musllinux_(\d+)_(\d+)_([a-z0-9_]+)$/.exec(raw);
  if (m) {
    const arch = LINUX_ARCHES[m[3]!];
    if (!arch) return unknown(raw, `unknown Linux architecture '${m[3]}'`);
    return { kind: 'musllinux', raw, archs: [arch], musl: `${Number(m[1])}.${Number(m[2])}`, policy: `musllinux_${Number(m[1])}_${Number(m[2])}`, archName: m[3]! };
  }
  if (/^musllinux/.test(raw)) return unknown(raw, 'not musllinux_<musl major>_<musl minor>_<arch>');

  m = /^linux_([a-z0-9_]+)$/.exec(raw);
  if (m) {
    const arch = LINUX_ARCHES[m[1]!];
    if (!arch) return unknown(raw, `unknown Linux architecture '${m[1]}'`);
    return { kind: 'linux', raw, archs: [arch], archName: m[1]! };
  }

  m = /^macosx_(\d+)_(\d+)_([a-z0-9_]+)$/.exec(raw);
  if (m) {
    const archs = MACOS_ARCHES[m[3]!];
    if (!archs) return unknown(raw, `unknown macOS architecture '${m[3]}'`);
    const major = Number(m[1]);
    const minor = Number(m[2]);
    return { kind: 'macosx', raw, archs: [...archs], version: `${major}.${minor}`, major, minor, archName: m[3]! };
  }
  if (/^macosx/.test(raw)) return unknown(raw, 'not macosx_<major>_<minor>_<arch>');

  const win = WINDOWS_ARCHES[raw];
  if (win) return { kind: 'windows', raw, archs: [win], archName: raw };
  if (/^win/.test(raw)) return unknown(raw, 'not one of win32, win_amd64, win_arm64, win_ia64, win_arm32');

  m = /^android_(\d+)_([a-z0-9_]+)$/.exec(raw);
  if (m) {
    const arch = ANDROID_ARCHES[m[2]!];
    if (!arch) return unknown(raw, `unknown Android ABI '${m[2]}'`);
    return { kind: 'android', raw, archs: [arch], api: Number(m[1]), archName: m[2]! };
  }

  m = /^ios_(\d+)_(\d+)_([a-z0-9_]+)_(iphoneos|iphonesimulator)$/.exec(raw);
  if (m) {
    const arch = IOS_ARCHES[m[3]!];
    if (!arch) return unknown(raw, `unknown iOS architecture '${m[3]}'`);
    return { kind: 'ios', raw, archs: [arch], version: `${Number(m[1])}.${Number(m[2])}`, archName: m[3]!, sdk: m[4] as 'iphoneos' | 'iphonesimulator' };
  }

  if (/^(?:py)?emscripten_\d+_\d+(?:_\d+)?_wasm32$/.test(raw) || /^pyodide_\d+_\d+_wasm32$/.test(raw)) return { kind: 'emscripten', raw, archs: [] };

  return unknown(raw, 'not a platform tag any installer knows');
}

// ---------------------------------------------------------------------------
// PyPI's platform-tag allowlist (warehouse `_valid_platform_tag`)

const PYPI_STATIC = new Set([
  'any', 'win32', 'win_arm64', 'win_amd64', 'win_ia64',
  'manylinux1_x86_64', 'manylinux1_i686', 'manylinux2010_x86_64', 'manylinux2010_i686',
  'manylinux2014_x86_64', 'manylinux2014_i686', 'manylinux2014_aarch64', 'manylinux2014_armv7l',
  'manylinux2014_ppc64', 'manylinux2014_ppc64le', 'manylinux2014_s390x',
  'linux_armv6l', 'linux_armv7l',
]);
const PYPI_MACOS_ARCHES = new Set(['ppc', 'ppc64', 'i386', 'x86_64', 'arm64', 'intel', 'fat', 'fat3', 'fat64', 'universal', 'universal2']);
/** macOS majors after 10 that PyPI accepts, always with minor 0 (macOS 16–25 do not exist: 15 was followed by 26). */
export const PYPI_MACOS_MAJORS: readonly number[] = [11, 12, 13, 14, 15, 26];
const PYPI_LINUX_ARCHES = new Set(['x86_64', 'i686', 'aarch64', 'armv7l', 'ppc64le', 's390x', 'riscv64']);
const PYPI_MANYLINUX_ARCHES = new Set([...PYPI_LINUX_ARCHES, 'ppc64']);
const PYPI_IOS_ARCHES = new Set(['arm64', 'x86_64']);
const PYPI_ANDROID_ARCHES = new Set(['armeabi_v7a', 'arm64_v8a', 'x86', 'x86_64']);

/** Whether PyPI accepts an upload with this platform tag, and if not, why (a phrase for a message). */
export function pypiPlatformVerdict(raw: string): { accepted: true } | { accepted: false; reason: string } {
  if (PYPI_STATIC.has(raw)) return { accepted: true };
  let m = /^macosx_(\d+)_(\d+)_(.*)$/.exec(raw);
  if (m) {
    const major = Number(m[1]);
    if (!PYPI_MACOS_ARCHES.has(m[3]!)) return { accepted: false, reason: `macOS architecture '${m[3]}' is not one PyPI accepts` };
    if (m[1] === '10') return { accepted: true };
    if (!PYPI_MACOS_MAJORS.some((v) => String(v) === m![1])) {
      return { accepted: false, reason: `macOS ${major} is not a release PyPI accepts (10.x, ${PYPI_MACOS_MAJORS.join(', ')})` };
    }
    if (m[2] !== '0') return { accepted: false, reason: `from macOS 11 on the minor version must be 0 (macosx_${major}_0_${m[3]})` };
    return { accepted: true };
  }
  m = /^(many|musl)linux_(\d+)_(\d+)_(.*)$/.exec(raw);
  if (m) {
    const arches = m[1] === 'many' ? PYPI_MANYLINUX_ARCHES : PYPI_LINUX_ARCHES;
    return arches.has(m[4]!) ? { accepted: true } : { accepted: false, reason: `architecture '${m[4]}' is not one PyPI accepts for ${m[1]}linux` };
  }
  m = /^ios_(\d+)_(\d+)_(.*)_(iphoneos|iphonesimulator)$/.exec(raw);
  if (m) return PYPI_IOS_ARCHES.has(m[3]!) ? { accepted: true } : { accepted: false, reason: `iOS architecture '${m[3]}' is not one PyPI accepts` };
  m = /^android_(\d+)_(.*)$/.exec(raw);
  if (m) return PYPI_ANDROID_ARCHES.has(m[2]!) ? { accepted: true } : { accepted: false, reason: `Android ABI '${m[2]}' is not one PyPI accepts` };
  if (/^pyemscripten_\d+_\d+_wasm32$/.test(raw)) return { accepted: true };
  if (/^linux_/.test(raw)) {
    return { accepted: false, reason: 'PyPI refuses linux_* tags (only linux_armv6l and linux_armv7l pass): they promise nothing about the glibc or libraries of the user\'s system' };
  }
  return { accepted: false, reason: 'not on PyPI\'s platform tag allowlist' };
}

// ---------------------------------------------------------------------------
// Tag triples

export interface TagTriple {
  python: string;
  abi: string;
  platform: string;
}

/** The expanded set of a compressed tag (PEP 425 'Compressed Tag Sets'): every python × abi × platform. */
export function expandTagSets(python: string[], abi: string[], platform: string[]): TagTriple[] {
  const out: TagTriple[] = [];
  for (const p of python) for (const a of abi) for (const x of platform) out.push({ python: p, abi: a, platform: x });
  return out;
}

export function tripleText(t: TagTriple): string {
  return `${t.python}-${t.abi}-${t.platform}`;
}
