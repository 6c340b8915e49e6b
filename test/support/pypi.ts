/**
 * The PyPI wheel corpus (test/corpus/pypi-wheels.json): real wheels pinned by
 * project, version, exact file name and sha256, with facts recorded by tools
 * independent of distaudit — auditwheel, abi3audit, delocate (its pure-Python
 * parts), llvm-readobj and llvm-objdump. scripts/corpus/pypi-facts.ts writes
 * it; the corpus tests read it.
 *
 * Wheels are fetched with pip (`pip download` for the exact tags of the file
 * name, so pip's configured index and its own hash check apply), once, into
 * cacheRoot()/corpus/pypi/<file name>, and their sha256 is checked against the
 * pin before anything reads them. A mismatch means the index served other
 * bytes: it is an error, never papered over. The file keeps its own name
 * because every tool that reads a wheel takes its tags from the name.
 */
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cacheRoot } from '../../src/cache-dir.ts';
import { repoRoot } from './fixture-builder.ts';

export const PYPI_CORPUS_FILE = join(repoRoot, 'test/corpus/pypi-wheels.json');

export type WheelPlatform = 'linux' | 'macos' | 'windows';

/** One ELF file as llvm-readobj shows it (--file-headers --dynamic-table --version-info --program-headers). */
export interface ElfToolFacts {
  /** ELF class as llvm-readobj names it: `32-bit` or `64-bit`. */
  class: string;
  /** e_machine as llvm-readobj names it, e.g. `EM_X86_64`, `EM_AARCH64`, `EM_386`, `EM_ARM`. */
  machine: string;
  /** llvm's architecture name (`Arch:` line), e.g. `x86_64`, `aarch64`, `i386`, `arm`. */
  llvmArch: string;
  /** e_flags as a number (armv7l hard-float / EABI version live here). */
  flags: number;
  /** e_type as llvm-readobj names it, e.g. `SharedObject`. */
  type: string;
  soname: string | null;
  /** DT_NEEDED in file order. */
  needed: string[];
  /** DT_RPATH / DT_RUNPATH split on `:` (in order). */
  rpath: string[];
  runpath: string[];
  /** .gnu.version_r: required version names per library file (sorted). */
  versionNeeds: Record<string, string[]>;
  /** PT_GNU_STACK with PF_X: true; without: false; no PT_GNU_STACK at all: null. */
  executableStack: boolean | null;
}

/** One slice of a Mach-O file as `llvm-objdump --macho --arch=all --private-headers` shows it. */
export interface MachOSliceToolFacts {
  /** llvm-objdump's architecture name, e.g. `x86_64`, `arm64`. */
  arch: string;
  /** The mach header's cputype column, e.g. `X86_64`, `ARM64`. */
  cputype: string;
  /** The mach header's filetype column, e.g. `DYLIB`, `BUNDLE`. */
  filetype: string;
  /** Where minos came from: LC_BUILD_VERSION (preferred) or LC_VERSION_MIN_MACOSX; null when neither is present. */
  minosSource: 'LC_BUILD_VERSION' | 'LC_VERSION_MIN_MACOSX' | null;
  /** LC_BUILD_VERSION platform (`macos`...); `macos` for LC_VERSION_MIN_MACOSX; null without either. */
  platform: string | null;
  /** Minimum OS version as printed (`10.13`, `11.0`). */
  minos: string | null;
  sdk: string | null;
  /** LC_ID_DYLIB name. */
  id: string | null;
  /** LC_LOAD_DYLIB / LC_LOAD_WEAK_DYLIB / LC_REEXPORT_DYLIB / LC_LAZY_LOAD_DYLIB / LC_LOAD_UPWARD_DYLIB, in load-command order. */
  dylibs: { command: string; name: string }[];
  /** LC_RPATH paths in load-command order. */
  rpaths: string[];
  /** An LC_CODE_SIGNATURE load command is present. */
  codeSignature: boolean;
}

export interface MachOToolFacts {
  fat: boolean;
  slices: MachOSliceToolFacts[];
}

/** One PE file as `llvm-readobj --file-headers --coff-imports` shows it. */
export interface PeToolFacts {
  /** FILE_HEADER.Machine as llvm-readobj names it, e.g. `IMAGE_FILE_MACHINE_AMD64`. */
  machine: string;
  llvmArch: string;
  /** Import directory DLL names, in table order, as spelled in the file. */
  imports: string[];
  /** Delay-import directory DLL names, in table order. */
  delayImports: string[];
}

export interface PypiBinary {
  /** Path inside the wheel. */
  path: string;
  sha256: string;
  size: number;
  /** By magic bytes (not by name): ELF, thin Mach-O, fat Mach-O, PE. */
  format: 'elf' | 'macho' | 'macho-fat' | 'pe';
  elf?: ElfToolFacts;
  macho?: MachOToolFacts;
  pe?: PeToolFacts;
}

/** `auditwheel show --json` output, verbatim (schema version 1). */
export interface AuditwheelShow {
  version: number;
  wheel: string;
  pure?: boolean;
  overall_tag?: string;
  sym_tag?: string;
  pyfpe?: boolean;
  ucs2?: boolean;
  unsupported_isa?: boolean;
  versioned_symbols?: Record<string, string[]>;
  external_libs?: Record<string, string | null>;
  policy_upgrades?: Record<string, { libs_to_eliminate?: string[]; blacklisted_symbols?: Record<string, string[]> }>;
  error?: string;
}

export interface AuditwheelFacts {
  /** The arguments given to `auditwheel` (the wheel as its file name). */
  args: string[];
  exitCode: number;
  /** What auditwheel printed on stderr (warnings), one line each; of a Python traceback only its unindented lines. */
  stderr: string[];
  /** Its JSON report; null when it crashed without one. */
  report: AuditwheelShow | null;
}

/** One extension module in `abi3audit --report` output, verbatim. */
export interface Abi3auditObject {
  /** abi3audit names objects by base name only. */
  name: string;
  result: {
    is_abi3: boolean;
    is_abi3_baseline_compatible: boolean;
    baseline: string;
    computed: string;
    non_abi3_symbols: string[];
    future_abi3_objects: Record<string, string>;
  };
}

export interface Abi3auditFacts {
  exitCode: number;
  objects: Abi3auditObject[];
}

/** delocate 0.13's own view, from its pure-Python (macholib) functions. */
export interface DelocateFacts {
  /** `_get_macos_min_version` per file (path in the wheel), per slice: macholib's cpu name and minos (major.minor). */
  minVersions: { path: string; arch: string; minos: string }[];
  /** `_calculate_minimum_wheel_name(name, dir, None)`: the name delocate-wheel would give the wheel, or its error. */
  wheelName: string | null;
  error: string | null;
  /** `_get_incompatible_libs` per architecture of the wheel tag: files whose minos is above what the tag claims for that arch. */
  aboveTag: { path: string; arch: string; minos: string; tag: string }[];
}

export interface PypiWheel {
  project: string;
  version: string;
  filename: string;
  sha256: string;
  size: number;
  platform: WheelPlatform;
  abi3: boolean;
  /** Why this wheel is in the corpus. */
  why: string;
  binaries: PypiBinary[];
  /** Binaries the wheel's RECORD does not list (auditwheel reads RECORD, so it never sees them); absent when none. */
  notInRecord?: string[];
  /** `auditwheel show --json --ldpaths ''` in an empty directory: only what the wheel itself holds decides (no host library is found). */
  auditwheel?: AuditwheelFacts;
  /** Plain `auditwheel show --json` on the recording host, recorded only where it differs from `auditwheel`: host libraries took part. */
  auditwheelOnHost?: AuditwheelFacts;
  abi3audit?: Abi3auditFacts;
  delocate?: DelocateFacts;
}

/** The `about` block of a corpus file: what it is, how it was made, with which tools. */
export interface CorpusAbout {
  description: string;
  generatedBy: string;
  /** When the facts last changed (YYYY-MM-DD). */
  date: string;
  fetch: string;
  tools: Record<string, string>;
  caveats: string[];
}

export interface PypiCorpusAbout extends CorpusAbout {
  host: Record<string, string>;
}

export interface PypiCorpus {
  about: PypiCorpusAbout;
  wheels: PypiWheel[];
}

export function readPypiCorpus(file = PYPI_CORPUS_FILE): PypiCorpus {
  return JSON.parse(readFileSync(file, 'utf8')) as PypiCorpus;
}

/** The corpus wheels with their facts. */
export function pypiCorpus(): PypiWheel[] {
  return readPypiCorpus().wheels;
}

/** The tags of a wheel file name (PEP 427), each compressed set split on `.`. */
export function wheelFileTags(filename: string): { python: string[]; abi: string[]; platform: string[] } {
  const parts = filename.replace(/\.whl$/, '').split('-');
  if (parts.length !== 5 && parts.length !== 6) throw new Error(`not a wheel file name: ${filename}`);
  const [python, abi, platform] = parts.slice(-3) as [string, string, string];
  return { python: python.split('.'), abi: abi.split('.'), platform: platform.split('.') };
}

export function wheelPlatform(filename: string): WheelPlatform {
  const plat = wheelFileTags(filename).platform[0] ?? '';
  if (/^(manylinux|musllinux|linux)_/.test(plat)) return 'linux';
  if (plat.startsWith('macosx_')) return 'macos';
  if (plat.startsWith('win')) return 'windows';
  throw new Error(`${filename}: platform tag ${plat} is none of linux, macOS, Windows`);
}

/**
 * The `pip download` arguments that select exactly this file: its platform
 * tags, ABI tag, implementation and the Python version of its python tag
 * (cp312 → 3.12; for abi3, pip then prefers the file built for exactly that
 * version over older abi3 builds). The file name and sha256 are checked after.
 */
export function pipDownloadArgs(w: Pick<PypiWheel, 'project' | 'version' | 'filename'>, dest: string): string[] {
  const tags = wheelFileTags(w.filename);
  const py = tags.python[0] ?? '';
  const m = /^cp(\d)(\d+)$/.exec(py);
  if (!m) throw new Error(`${w.filename}: python tag ${py} is not cpXY`);
  const args = ['-m', 'pip', 'download', '--no-deps', '--no-cache-dir', '--disable-pip-version-check', '--only-binary=:all:', '--ignore-requires-python', '--implementation', 'cp', '--python-version', `${m[1]}.${m[2]}`];
  for (const abi of tags.abi) args.push('--abi', abi);
  for (const p of tags.platform) args.push('--platform', p);
  args.push('-d', dest, `${w.project}==${w.version}`);
  return args;
}

export function sha256File(path: string): string {
  const h = createHash('sha256');
  const fd = openSync(path, 'r');
  try {
    const buf = Buffer.allocUnsafe(1 << 20);
    for (;;) {
      const n = readSync(fd, buf, 0, buf.length, null);
      if (n === 0) break;
      h.update(buf.subarray(0, n));
    }
  } finally {
    closeSync(fd);
  }
  return h.digest('hex');
}

export function pypiCacheDir(): string {
  return join(cacheRoot(), 'corpus', 'pypi');
}

/** The Python that runs pip for fetching (DISTAUDIT_PYTHON overrides). */
export function pythonForPip(): string {
  return process.env.DISTAUDIT_PYTHON || 'python3';
}

/**
 * Fetches a corpus wheel into cacheRoot()/corpus/pypi once and returns its
 * path. The cached file is re-hashed on every call (a corrupted cache is
 * fetched again); a download whose name or sha256 differs from the pin is an
 * error naming both.
 */
export function fetchWheel(w: Pick<PypiWheel, 'project' | 'version' | 'filename' | 'sha256'>): string {
  return downloadWheel(w, w.sha256);
}

/**
 * fetchWheel, also for a wheel not pinned yet (`expectedSha256` null: the
 * corpus script pins what pip downloaded, which pip checked against the
 * index's hash).
 */
export function downloadWheel(w: Pick<PypiWheel, 'project' | 'version' | 'filename'>, expectedSha256: string | null): string {
  const dir = pypiCacheDir();
  const file = join(dir, w.filename);
  if (existsSync(file) && (expectedSha256 === null || sha256File(file) === expectedSha256)) return file;
  const tmp = join(dir, `tmp-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  mkdirSync(tmp, { recursive: true });
  try {
    const args = pipDownloadArgs(w, tmp);
    const r = spawnSync(pythonForPip(), args, { encoding: 'utf8', timeout: 600_000, maxBuffer: 64 << 20 });
    if (r.error || r.status !== 0) {
      throw new Error(
        `corpus: could not download ${w.filename} (${w.project}==${w.version}) with \`${pythonForPip()} ${args.join(' ')}\` (is the package index reachable?); ` +
          `pip said: ${(r.stderr || r.stdout || r.error?.message || '').trim()}`,
        { cause: r.error },
      );
    }
    const got = join(tmp, w.filename);
    if (!existsSync(got)) {
      throw new Error(`corpus: pip download for ${w.filename} saved another file (for these tags the index offers a better match): ${(r.stdout || '').trim()}`);
    }
    if (expectedSha256 !== null) {
      const sum = sha256File(got);
      if (sum !== expectedSha256) {
        throw new Error(`corpus: ${w.filename} has sha256 ${sum}, the corpus pins ${expectedSha256}: the index served different bytes`);
      }
    }
    renameSync(got, file);
    return file;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
