/**
 * Extension-module file names and what they promise. CPython only imports an
 * extension module whose name ends in one of `importlib.machinery.EXTENSION_SUFFIXES`
 * of the running interpreter:
 *
 * - Linux:   `.cpython-311-x86_64-linux-gnu.so` (musl builds of 3.11+: `-linux-musl`), `.abi3.so`, `.so`
 * - macOS:   `.cpython-311-darwin.so`, `.abi3.so`, `.so`
 * - Windows: `.cp311-win_amd64.pyd`, `.pyd` (debug builds: `_d.cp311-win_amd64.pyd`, `_d.pyd`)
 * - free-threaded builds: `cpython-313t-...`, `.cp313t-win_amd64.pyd`, and no `.abi3.so`
 * - PyPy:    `.pypy310-pp73-x86_64-linux-gnu.so`, `.pypy310-pp73-darwin.so`, `.pypy310-pp73-win_amd64.pyd`
 *
 * This module parses such names and decides whether a file can be imported
 * under one claim of a wheel (a python-abi-platform triple). Pure functions.
 *
 * Spec: PEP 3149 (ABI version tagged .so files), PEP 384 (abi3), PEP 703 (free threading);
 * https://docs.python.org/3/library/importlib.html#importlib.machinery.EXTENSION_SUFFIXES
 */
import type { Arch } from '../../binary/arch.ts';
import { compareVersions } from '../../version.ts';
import { digitsToVersion, parseAbiTag, parsePlatformTag, parsePythonTag, type AbiTag, type PlatformTag, type PythonTag, type TagTriple } from '../../artifact/wheel/tags.ts';

export type SuffixInterpreter =
  | { kind: 'cpython'; version: string; flags: string }
  | { kind: 'abi3'; freeThreaded: boolean }
  | { kind: 'pypy'; tag: string }
  /** A bare '.so' / '.pyd': any interpreter of the platform imports it. */
  | { kind: 'any' };

export type SuffixPlatform =
  | { os: 'linux'; arch: Arch; libc: 'gnu' | 'musl' | 'android'; triplet: string }
  | { os: 'macos' }
  | { os: 'windows'; arch: Arch; tag: string }
  | { os: 'ios'; sdk: string }
  /** A platform part this module does not know (FreeBSD, Cygwin...): never judged. */
  | { os: 'other'; text: string }
  | null;

export interface ExtensionName {
  /** The module name the importer looks for, e.g. '_core' (without '_d' for a Windows debug build). */
  module: string;
  /** The part after the module name, e.g. '.cpython-311-x86_64-linux-gnu.so'. */
  suffix: string;
  /** '.so' or '.pyd'. */
  extension: 'so' | 'pyd';
  interpreter: SuffixInterpreter;
  platform: SuffixPlatform;
  /** Whether the suffix names an interpreter or platform (false for a bare '.so' / '.pyd'). */
  tagged: boolean;
}

const TRIPLET_CPU: Record<string, Arch> = {
  x86_64: 'x86_64',
  i386: 'i386',
  i486: 'i386',
  i586: 'i386',
  i686: 'i386',
  aarch64: 'arm64',
  arm: 'arm',
  armv7l: 'arm',
  powerpc64le: 'ppc64le',
  powerpc64: 'ppc64',
  powerpc: 'ppc',
  s390x: 's390x',
  riscv64: 'riscv64',
  loongarch64: 'loongarch64',
  mips64el: 'mips64el',
  mips64: 'mips64',
  mipsel: 'mipsel',
  mips: 'mips',
  sparc64: 'sparc64',
};

const WIN_PLATFORMS: Record<string, Arch> = { win32: 'i386', win_amd64: 'x86_64', win_arm64: 'arm64', win_arm32: 'arm' };

/** 'x86_64-linux-gnu' → linux x86_64 gnu; 'darwin' → macOS; anything else → other. */
export function parseSuffixPlatform(text: string): SuffixPlatform {
  if (text === 'darwin') return { os: 'macos' };
  if (text === 'iphoneos' || text === 'iphonesimulator' || /-iphone(os|simulator)$/.test(text)) return { os: 'ios', sdk: text };
  const win = WIN_PLATFORMS[text];
  if (win) return { os: 'windows', arch: win, tag: text };
  const m = /^([a-z0-9_]+)-linux-(gnu|gnux32|gnueabihf|gnueabi|gnuabi64|gnuabin32|gnuspe|musl|muslx32|musleabihf|musleabi|android|androideabi)$/.exec(text);
  if (m) {
    let arch = TRIPLET_CPU[m[1]!];
    if (m[2] === 'gnux32' || m[2] === 'muslx32') arch = 'x32';
    if (arch) return { os: 'linux', arch, libc: m[2]!.startsWith('musl') ? 'musl' : m[2]!.startsWith('android') ? 'android' : 'gnu', triplet: text };
  }
  return { os: 'other', text };
}

/** Parses an extension module's file name (no directory); null when the name is not one. */
export function parseExtensionName(basename: string): ExtensionName | null {
  let m = /^([^.]+)\.cpython-(\d+)([a-z]*)(?:-([a-z0-9_-]+))?\.so$/.exec(basename);
  if (m) {
    return {
      module: m[1]!,
      suffix: basename.slice(m[1]!.length),
      extension: 'so',
      interpreter: { kind: 'cpython', version: digitsToVersion(m[2]!), flags: m[3]! },
      platform: m[4] ? parseSuffixPlatform(m[4]) : null,
      tagged: true,
    };
  }
  m = /^([^.]+)\.(abi3t?)\.so$/.exec(basename);
  if (m) return { module: m[1]!, suffix: basename.slice(m[1]!.length), extension: 'so', interpreter: { kind: 'abi3', freeThreaded: m[2] === 'abi3t' }, platform: null, tagged: true };
  m = /^([^.]+)\.(pypy\d*-(?:pp)?\d+)(?:-([a-z0-9_-]+))?\.(so|pyd)$/.exec(basename);
  if (m) {
    return {
      module: m[1]!,
      suffix: basename.slice(m[1]!.length),
      extension: m[4] as 'so' | 'pyd',
      interpreter: { kind: 'pypy', tag: m[2]! },
      platform: m[3] ? parseSuffixPlatform(m[3]) : null,
      tagged: true,
    };
  }
  m = /^([^.]+?)(_d)?\.cp(\d+)(t?)-(win32|win_amd64|win_arm64|win_arm32)\.pyd$/.exec(basename);
  if (m) {
    return {
      module: m[1]!,
      suffix: basename.slice(m[1]!.length),
      extension: 'pyd',
      interpreter: { kind: 'cpython', version: digitsToVersion(m[3]!), flags: `${m[2] ? 'd' : ''}${m[4]}` },
      platform: parseSuffixPlatform(m[5]!),
      tagged: true,
    };
  }
  m = /^([^.]+)\.(so|pyd)$/.exec(basename);
  if (m) {
    const debug = m[2] === 'pyd' && m[1]!.endsWith('_d');
    return { module: debug ? m[1]!.slice(0, -2) : m[1]!, suffix: basename.slice(m[1]!.length), extension: m[2] as 'so' | 'pyd', interpreter: { kind: 'any' }, platform: null, tagged: false };
  }
  return null;
}

/** A wheel claim, parsed once. */
export interface ParsedClaim {
  triple: TagTriple;
  python: PythonTag;
  abi: AbiTag;
  platform: PlatformTag;
}

export function parseClaim(triple: TagTriple): ParsedClaim {
  return { triple, python: parsePythonTag(triple.python), abi: parseAbiTag(triple.abi), platform: parsePlatformTag(triple.platform) };
}

/** The CPython version a claim's interpreter runs, when it names exactly one. */
function claimCpythonVersion(c: ParsedClaim): string | null {
  if (c.abi.kind === 'cpython') return c.abi.version;
  if (c.python.implementation === 'cp' && c.python.version?.includes('.') && c.abi.kind !== 'abi3') return c.python.version;
  return null;
}

/** Whether the interpreter of a claim would accept the interpreter part of a suffix; the reason when it would not. */
function interpreterServes(name: ExtensionName, c: ParsedClaim): string | null {
  const s = name.interpreter;
  if (s.kind === 'any') return null;
  const abi = c.abi;
  switch (abi.kind) {
    case 'cpython': {
      if (s.kind === 'abi3') return abi.freeThreaded && !s.freeThreaded ? 'free-threaded CPython does not load the stable ABI (.abi3)' : null;
      if (s.kind === 'pypy') return 'a PyPy module in a CPython wheel';
      if (s.version !== abi.version) return `built for CPython ${s.version}, claimed for CPython ${abi.version}`;
      // Windows suffixes carry only the d (debug, as _d) and t flags; the ABI tag may also carry m (3.7 and older).
      const wanted = name.extension === 'pyd' ? abi.flags.replace(/[^dt]/g, '') : abi.flags;
      const have = s.flags;
      if ([...wanted].sort().join('') !== [...have].sort().join('')) return `ABI flags '${have}' in the file name, '${abi.flags}' in the claim (${describeFlags(have)} vs ${describeFlags(abi.flags)})`;
      return null;
    }
    case 'abi3':
      if (s.kind === 'cpython') return `a CPython ${s.version}-only file name in a stable-ABI (abi3) wheel: other CPython versions will not find it`;
      if (s.kind === 'pypy') return 'a PyPy module in a stable-ABI (abi3) wheel';
      return null;
    case 'pypy':
      if (s.kind === 'cpython') return `built for CPython ${s.version}, claimed for PyPy (${abi.raw})`;
      if (s.kind === 'pypy') {
        const want = abi.raw.replace('_', '-');
        const have = s.tag.replace(/^pypy(\d*)-(\d)/, 'pypy$1-pp$2');
        return have === want ? null : `built for ${s.tag}, claimed for ${abi.raw}`;
      }
      return null;
    case 'none': {
      if (s.kind === 'cpython') {
        const v = claimCpythonVersion(c);
        return v === s.version ? null : `a CPython ${s.version}-only file name in a wheel tagged ${c.python.raw}-none (any Python ${c.python.version ?? ''})`.trimEnd();
      }
      if (s.kind === 'pypy') return c.python.implementation === 'pp' ? null : `a PyPy module in a wheel tagged ${c.python.raw}-none`;
      return null;
    }
    case 'other':
      return null;
  }
}

function describeFlags(flags: string): string {
  if (!flags) return 'release build';
  const words: string[] = [];
  if (flags.includes('t')) words.push('free-threaded');
  if (flags.includes('d')) words.push('debug');
  if (flags.includes('m')) words.push('pymalloc');
  if (flags.includes('u')) words.push('wide unicode');
  return words.join(' ') + ' build';
}

/** The libc suffix CPython uses for a musllinux claim: '-linux-musl' from 3.11 on, '-linux-gnu' before. */
function muslSuffixLibc(c: ParsedClaim): 'gnu' | 'musl' | null {
  const v = claimCpythonVersion(c);
  if (!v) return null;
  return compareVersions(v, '3.11') >= 0 ? 'musl' : 'gnu';
}

/** Whether the platform of a claim would accept the platform part of a suffix; the reason when it would not. */
function platformServes(name: ExtensionName, c: ParsedClaim): string | null {
  const p = c.platform;
  const s = name.platform;
  switch (p.kind) {
    case 'manylinux':
    case 'musllinux':
    case 'linux': {
      if (name.extension === 'pyd') return 'a Windows .pyd in a Linux wheel';
      if (!s) return null;
      if (s.os !== 'linux') return s.os === 'other' ? null : `a ${osName(s.os)} file name in a Linux wheel (${p.raw})`;
      if (s.arch !== p.archs[0]) return `built for ${s.arch} (${s.triplet}), claimed for ${p.archs[0]} (${p.raw})`;
      if (s.libc === 'android') return `an Android file name (${s.triplet}) in a Linux wheel`;
      if (p.kind === 'musllinux') {
        const want = c.abi.kind === 'pypy' ? null : muslSuffixLibc(c);
        if (want && s.libc !== want) {
          return want === 'musl'
            ? `'-linux-gnu' suffix in a musllinux wheel: CPython ${claimCpythonVersion(c)} on musl looks for '-linux-musl'`
            : `'-linux-musl' suffix in a musllinux wheel: CPython ${claimCpythonVersion(c)} on musl still looks for '-linux-gnu' (before 3.11)`;
        }
        return null;
      }
      return s.libc === 'musl' ? `'-linux-musl' suffix in a glibc wheel (${p.raw}): glibc CPython looks for '-linux-gnu'` : null;
    }
    case 'macosx':
      if (name.extension === 'pyd') return 'a Windows .pyd in a macOS wheel';
      if (s && s.os !== 'macos' && s.os !== 'other') return `a ${osName(s.os)} file name in a macOS wheel (${p.raw})`;
      return null;
    case 'windows':
      if (name.extension === 'so' && name.tagged) return `a '.so' file name in a Windows wheel (${p.raw}): Windows Python imports only '.pyd'`;
      if (!s || s.os === 'other') return null;
      if (s.os !== 'windows') return `a ${osName(s.os)} file name in a Windows wheel (${p.raw})`;
      return s.tag === p.raw ? null : `built for ${s.tag}, claimed for ${p.raw}`;
    case 'android':
    case 'ios':
      if (name.extension === 'pyd') return `a Windows .pyd in an ${p.kind === 'ios' ? 'iOS' : 'Android'} wheel`;
      return null;
    default:
      return null;
  }
}

function osName(os: string): string {
  return { linux: 'Linux', macos: 'macOS', windows: 'Windows', ios: 'iOS' }[os] ?? os;
}

/** Null when an interpreter of the claim would import the file under its module name; else why not. */
export function whyNotImported(name: ExtensionName, claim: ParsedClaim): string | null {
  return interpreterServes(name, claim) ?? platformServes(name, claim);
}

/** 'CPython 3.11, x86_64 Linux (glibc)' — what a suffix is for, in words. */
export function describeSuffix(name: ExtensionName): string {
  const i = name.interpreter;
  const who =
    i.kind === 'cpython'
      ? `${i.flags.includes('t') ? 'free-threaded ' : ''}CPython ${i.version}${i.flags.includes('d') ? ' (debug)' : ''}`
      : i.kind === 'abi3'
        ? `the stable ABI (${i.freeThreaded ? 'abi3t' : 'abi3'})`
        : i.kind === 'pypy'
          ? `PyPy (${i.tag})`
          : 'any Python';
  const p = name.platform;
  const where = !p
    ? ''
    : p.os === 'linux'
      ? `, ${p.arch} Linux (${p.libc === 'gnu' ? 'glibc' : p.libc})`
      : p.os === 'windows'
        ? `, Windows ${p.arch} (${p.tag})`
        : p.os === 'macos'
          ? ', macOS'
          : p.os === 'ios'
            ? `, iOS (${p.sdk})`
            : `, ${p.text}`;
  return who + where;
}
