/**
 * Records the PyPI wheel corpus, test/corpus/pypi-wheels.json: real wheels
 * pinned by exact file name and sha256, with facts from tools independent of
 * distaudit, so the audit can be compared with them (test/corpus-pypi.test.ts).
 *
 *   node --import tsx scripts/corpus/pypi-facts.ts [--only SUBSTRING]...
 *
 * - A throwaway venv in cacheRoot()/corpus/venv gets pinned auditwheel,
 *   abi3audit (with its abi3info data) and delocate (with macholib).
 * - Each wheel is fetched with pip into cacheRoot()/corpus/pypi (see
 *   test/support/pypi.ts): a wheel already in the corpus must match its
 *   pinned sha256; a new one is pinned with the sha256 of what pip fetched
 *   (pip checks it against the index's hash).
 * - Native binaries are found by magic bytes with Python's zipfile
 *   (scripts/corpus/inspect_wheel.py), then read with llvm-readobj (ELF, PE)
 *   and llvm-objdump (Mach-O) — never with distaudit's parsers.
 * - Linux wheels: `auditwheel show --json`, verbatim. abi3 wheels:
 *   `abi3audit --report`, verbatim. macOS wheels: delocate's pure-Python view.
 *
 * Re-running is idempotent: downloads are cached (sha256 checked), the output
 * is sorted and stable, and `about.date` changes only when some fact does.
 * `--only` re-records the matching wheels and keeps the others as they are.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheRoot } from '../../src/cache-dir.ts';
import {
  PYPI_CORPUS_FILE,
  downloadWheel,
  readPypiCorpus,
  sha256File,
  wheelFileTags,
  wheelPlatform,
  type Abi3auditFacts,
  type Abi3auditObject,
  type AuditwheelFacts,
  type AuditwheelShow,
  type DelocateFacts,
  type PypiBinary,
  type PypiCorpus,
  type PypiWheel,
} from '../../test/support/pypi.ts';
import { parseObjdumpMachO, parseReadobjCoff, parseReadobjElf } from './tool-output.ts';
import { VENV_PINS, ensureVenv, run, venvBin, type Run } from '../../test/support/python-tools.ts';
import { onlyArgs, writeCorpus } from './corpus-file.ts';

const HERE = dirname(fileURLToPath(import.meta.url));


interface Selection {
  project: string;
  version: string;
  filename: string;
  why: string;
}

/** The corpus: which wheels, and why each one. */
const SELECTION: Selection[] = [
  // manylinux x86_64
  { project: 'numpy', version: '2.2.6', filename: 'numpy-2.2.6-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl', why: 'bundles OpenBLAS (scipy-openblas) and libgfortran/libquadmath in numpy.libs, reached through RPATH $ORIGIN/../../numpy.libs' },
  { project: 'scipy', version: '1.15.3', filename: 'scipy-1.15.3-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl', why: 'large (36 MB): many extension modules, bundled OpenBLAS + gfortran, C++ (GLIBCXX/CXXABI versions)' },
  { project: 'pillow', version: '11.3.0', filename: 'pillow-11.3.0-cp312-cp312-manylinux_2_27_x86_64.manylinux_2_28_x86_64.whl', why: 'manylinux_2_28 with a dozen bundled image libraries (libjpeg, libtiff, libwebp, ...) renamed by auditwheel' },
  { project: 'cryptography', version: '45.0.7', filename: 'cryptography-45.0.7-cp311-abi3-manylinux_2_34_x86_64.whl', why: 'abi3 (cp311) Rust extension, manylinux_2_34' },
  { project: 'orjson', version: '3.10.18', filename: 'orjson-3.10.18-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl', why: 'small Rust extension, manylinux2014' },
  { project: 'grpcio', version: '1.74.0', filename: 'grpcio-1.74.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl', why: 'large C++ extension, statically linked dependencies, libstdc++ symbol versions' },
  { project: 'psycopg2-binary', version: '2.9.10', filename: 'psycopg2_binary-2.9.10-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl', why: 'bundles libpq, OpenSSL, Kerberos, LDAP, SASL libraries that depend on each other through RPATH $ORIGIN' },
  { project: 'shapely', version: '2.0.7', filename: 'shapely-2.0.7-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl', why: 'bundles GEOS (C++ library with its C API) in Shapely.libs' },
  { project: 'pyzmq', version: '26.4.0', filename: 'pyzmq-26.4.0-cp312-cp312-manylinux_2_28_x86_64.whl', why: 'manylinux_2_28; bundles libzmq and libsodium' },
  { project: 'dockerfile', version: '3.4.0', filename: 'dockerfile-3.4.0-cp39-abi3-manylinux_2_5_x86_64.manylinux1_x86_64.whl', why: 'abi3 Go (cgo) extension claiming manylinux1; it exports its own Py-prefixed symbols (PyDockerfile_*), which abi3audit counts as violations' },
  { project: 'regex', version: '2024.9.11', filename: 'regex-2024.9.11-cp310-cp310-manylinux_2_5_x86_64.manylinux1_x86_64.manylinux_2_12_x86_64.manylinux2010_x86_64.whl', why: 'manylinux1 + manylinux2010 claim (glibc 2.5), cp310' },
  { project: 'bcrypt', version: '3.2.2', filename: 'bcrypt-3.2.2-cp36-abi3-manylinux_2_5_x86_64.manylinux1_x86_64.manylinux_2_12_x86_64.manylinux2010_x86_64.whl', why: 'abi3 (cp36) cffi extension claiming manylinux1' },
  { project: 'psutil', version: '7.0.0', filename: 'psutil-7.0.0-cp36-abi3-manylinux_2_12_x86_64.manylinux2010_x86_64.manylinux_2_17_x86_64.manylinux2014_x86_64.whl', why: 'abi3 (cp36) C extension, manylinux2010' },
  { project: 'greenlet', version: '3.2.3', filename: 'greenlet-3.2.3-cp312-cp312-manylinux_2_24_x86_64.manylinux_2_28_x86_64.whl', why: 'manylinux_2_24 claim, C++ with libstdc++' },
  { project: 'tokenizers', version: '0.21.1', filename: 'tokenizers-0.21.1-cp39-abi3-manylinux_2_17_x86_64.manylinux2014_x86_64.whl', why: 'abi3 (cp39) PyO3 extension, manylinux2014' },
  { project: 'cffi', version: '1.17.1', filename: 'cffi-1.17.1-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl', why: 'the cffi backend; libffi handling' },
  // manylinux aarch64
  { project: 'numpy', version: '2.3.5', filename: 'numpy-2.3.5-cp312-cp312-manylinux_2_27_aarch64.manylinux_2_28_aarch64.whl', why: 'aarch64, manylinux_2_28, bundled OpenBLAS' },
  { project: 'lxml', version: '6.0.2', filename: 'lxml-6.0.2-cp312-cp312-manylinux_2_26_aarch64.manylinux_2_28_aarch64.whl', why: 'aarch64, libxml2/libxslt linked statically' },
  { project: 'h5py', version: '3.12.1', filename: 'h5py-3.12.1-cp312-cp312-manylinux_2_17_aarch64.manylinux2014_aarch64.whl', why: 'aarch64; bundles HDF5, libaec, zlib in h5py.libs' },
  { project: 'ujson', version: '5.10.0', filename: 'ujson-5.10.0-cp312-cp312-manylinux_2_17_aarch64.manylinux2014_aarch64.whl', why: 'aarch64 manylinux2014 (glibc 2.17 base on aarch64), C++ double-conversion' },
  // manylinux i686
  { project: 'lxml', version: '5.3.0', filename: 'lxml-5.3.0-cp312-cp312-manylinux_2_12_i686.manylinux2010_i686.manylinux_2_17_i686.manylinux2014_i686.whl', why: 'i686, manylinux2010 + manylinux2014 claim' },
  { project: 'pydantic-core', version: '2.33.2', filename: 'pydantic_core-2.33.2-cp312-cp312-manylinux_2_5_i686.manylinux1_i686.whl', why: 'i686 Rust extension claiming manylinux1 (glibc 2.5)' },
  { project: 'markupsafe', version: '3.0.2', filename: 'MarkupSafe-3.0.2-cp312-cp312-manylinux_2_5_i686.manylinux1_i686.manylinux_2_17_i686.manylinux2014_i686.whl', why: 'tiny i686 C extension claiming manylinux1' },
  // armv7l
  { project: 'bcrypt', version: '4.3.0', filename: 'bcrypt-4.3.0-cp39-abi3-manylinux_2_28_armv7l.manylinux_2_31_armv7l.whl', why: 'armv7l (EABI5 hard-float) abi3 Rust extension' },
  { project: 'grpcio', version: '1.74.0', filename: 'grpcio-1.74.0-cp312-cp312-linux_armv7l.whl', why: 'a plain linux_armv7l tag (no manylinux promise), as uploaded to PyPI' },
  // musllinux
  { project: 'numpy', version: '1.26.4', filename: 'numpy-1.26.4-cp312-cp312-musllinux_1_1_x86_64.whl', why: 'musllinux_1_1 x86_64, bundled OpenBLAS + libgfortran for musl' },
  { project: 'pandas', version: '2.2.3', filename: 'pandas-2.2.3-cp312-cp312-musllinux_1_2_x86_64.whl', why: 'musllinux_1_2 x86_64, C++ with bundled libstdc++/libgcc_s' },
  { project: 'pydantic-core', version: '2.33.2', filename: 'pydantic_core-2.33.2-cp312-cp312-musllinux_1_1_x86_64.whl', why: 'musllinux_1_1 Rust extension' },
  { project: 'pyzmq', version: '26.4.0', filename: 'pyzmq-26.4.0-cp312-cp312-musllinux_1_1_x86_64.whl', why: 'musllinux_1_1 with bundled libzmq, libsodium, libstdc++' },
  { project: 'orjson', version: '3.10.18', filename: 'orjson-3.10.18-cp312-cp312-musllinux_1_2_aarch64.whl', why: 'musllinux_1_2 aarch64' },
  { project: 'cryptography', version: '44.0.3', filename: 'cryptography-44.0.3-cp39-abi3-musllinux_1_2_aarch64.whl', why: 'abi3 (cp39) on musllinux aarch64' },
  { project: 'rpds-py', version: '0.25.1', filename: 'rpds_py-0.25.1-cp312-cp312-musllinux_1_2_aarch64.whl', why: 'musllinux_1_2 aarch64 Rust extension' },
  { project: 'psycopg2-binary', version: '2.9.10', filename: 'psycopg2_binary-2.9.10-cp312-cp312-musllinux_1_2_i686.whl', why: 'musllinux i686 with a dozen bundled libraries' },
  // macOS
  { project: 'numpy', version: '2.2.6', filename: 'numpy-2.2.6-cp312-cp312-macosx_14_0_arm64.whl', why: 'macOS 14 arm64, links the Accelerate framework' },
  { project: 'pillow', version: '11.3.0', filename: 'pillow-11.3.0-cp312-cp312-macosx_10_13_x86_64.whl', why: 'macOS x86_64 with bundled dylibs in PIL/.dylibs via @loader_path' },
  { project: 'orjson', version: '3.10.18', filename: 'orjson-3.10.18-cp312-cp312-macosx_10_15_x86_64.macosx_11_0_arm64.macosx_10_15_universal2.whl', why: 'universal2 with a three-tag platform set' },
  { project: 'cryptography', version: '45.0.7', filename: 'cryptography-45.0.7-cp311-abi3-macosx_10_9_universal2.whl', why: 'abi3 universal2; the x86_64 slice needs macOS 10.13 while the tag says 10.9' },
  { project: 'psutil', version: '7.0.0', filename: 'psutil-7.0.0-cp36-abi3-macosx_11_0_arm64.whl', why: 'abi3 arm64' },
  { project: 'psycopg2-binary', version: '2.9.10', filename: 'psycopg2_binary-2.9.10-cp312-cp312-macosx_14_0_arm64.whl', why: 'arm64 with bundled libpq, OpenSSL, ... in .dylibs' },
  { project: 'pyzmq', version: '26.4.0', filename: 'pyzmq-26.4.0-cp313-cp313t-macosx_10_15_universal2.whl', why: 'free-threaded CPython (cp313t) universal2 with bundled libzmq' },
  { project: 'lxml', version: '6.0.2', filename: 'lxml-6.0.2-cp312-cp312-macosx_10_13_universal2.whl', why: 'universal2 C extensions' },
  { project: 'pydantic-core', version: '2.33.2', filename: 'pydantic_core-2.33.2-cp312-cp312-macosx_10_12_x86_64.whl', why: 'macOS x86_64 Rust extension' },
  { project: 'dockerfile', version: '3.4.0', filename: 'dockerfile-3.4.0-cp39-abi3-macosx_14_0_arm64.whl', why: 'abi3 Go (cgo) extension on macOS 14 arm64 exporting its own Py-prefixed symbols' },
  { project: 'bcrypt', version: '4.3.0', filename: 'bcrypt-4.3.0-cp39-abi3-macosx_10_12_universal2.whl', why: 'abi3 universal2' },
  // Windows
  { project: 'numpy', version: '2.3.5', filename: 'numpy-2.3.5-cp312-cp312-win_arm64.whl', why: 'win_arm64 (ARM64 PE), bundled OpenBLAS DLL' },
  { project: 'numpy', version: '2.2.6', filename: 'numpy-2.2.6-cp312-cp312-win_amd64.whl', why: 'win_amd64, bundled OpenBLAS and msvcp140 in numpy.libs' },
  { project: 'pillow', version: '11.3.0', filename: 'pillow-11.3.0-cp312-cp312-win32.whl', why: 'win32 (i386 PE)' },
  { project: 'orjson', version: '3.10.18', filename: 'orjson-3.10.18-cp312-cp312-win_amd64.whl', why: 'win_amd64 Rust extension' },
  { project: 'cryptography', version: '45.0.7', filename: 'cryptography-45.0.7-cp311-abi3-win_amd64.whl', why: 'abi3 on Windows: imports python3.dll' },
  { project: 'grpcio', version: '1.74.0', filename: 'grpcio-1.74.0-cp312-cp312-win_amd64.whl', why: 'large C++ extension on Windows' },
  { project: 'psycopg2-binary', version: '2.9.10', filename: 'psycopg2_binary-2.9.10-cp312-cp312-win_amd64.whl', why: 'bundled libpq and OpenSSL DLLs (delvewheel)' },
  { project: 'psutil', version: '7.0.0', filename: 'psutil-7.0.0-cp37-abi3-win32.whl', why: 'abi3 win32' },
];


function firstLine(s: string): string {
  return s.trim().split('\n')[0]?.trim() ?? '';
}

function toolVersions(venv: Record<string, string>): Record<string, string> {
  const v: Record<string, string> = {};
  for (const p of VENV_PINS) {
    const name = p.split('==')[0] ?? p;
    v[name] = venv[name] ?? 'missing';
  }
  v.python = firstLine(run(venvBin('python'), ['--version']).stdout);
  v.pip = firstLine(run(venvBin('python'), ['-m', 'pip', '--version']).stdout).replace(/ from .*/, '');
  const llvm = (tool: string) => /LLVM version \S+/.exec(run(tool, ['--version']).stdout)?.[0] ?? 'unknown';
  v['llvm-objdump'] = llvm('llvm-objdump');
  v['llvm-readobj'] = llvm('llvm-readobj');
  return v;
}

function hostFacts(): Record<string, string> {
  const os = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? 'unknown';
  const glibc = firstLine(run('getconf', ['GNU_LIBC_VERSION']).stdout);
  const muslLoader = `/lib/ld-musl-${process.arch === 'arm64' ? 'aarch64' : 'x86_64'}.so.1`;
  const musl = existsSync(muslLoader) ? (/Version (\S+)/.exec(run(muslLoader, [], { allowFail: true }).stderr)?.[1] ?? 'unknown') : 'none';
  return { os, arch: run('uname', ['-m']).stdout.trim(), glibc, musl };
}

/**
 * Recursively sorts object keys, and arrays of strings (the tools print sets,
 * some in hash order), so re-runs write identical JSON. Other arrays keep
 * their order.
 */
function sortKeys<T>(value: T): T {
  if (Array.isArray(value)) return (value.every((v) => typeof v === 'string') ? [...value].sort() : value.map(sortKeys)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    ) as T;
  }
  return value;
}

function binaryFacts(b: PypiBinary, root: string): PypiBinary {
  const file = join(root, b.path);
  switch (b.format) {
    case 'elf':
      return { ...b, elf: parseReadobjElf(run('llvm-readobj', ['--file-headers', '--dynamic-table', '--version-info', '--program-headers', file]).stdout, b.path) };
    case 'macho':
    case 'macho-fat':
      return { ...b, macho: parseObjdumpMachO(run('llvm-objdump', ['--macho', '--arch=all', '--private-headers', file]).stdout, b.path, b.format === 'macho-fat') };
    case 'pe':
      return { ...b, pe: parseReadobjCoff(run('llvm-readobj', ['--file-headers', '--coff-imports', file]).stdout, b.path) };
  }
}

/**
 * `auditwheel show --json`. Hermetic (the default): `--ldpaths ''`, no
 * AUDITWHEEL_LD_LIBRARY_PATH / LD_LIBRARY_PATH, run in an empty directory
 * (an empty RPATH entry means the working directory), so no library of this
 * host takes part: the facts are the wheel's alone. On the host: as users run it.
 */
function auditwheel(wheel: string, mode: 'hermetic' | 'host'): AuditwheelFacts {
  const args = ['show', '--json', ...(mode === 'hermetic' ? ['--ldpaths', ''] : [])];
  const cwd = mkdtempSync(join(tmpdir(), 'distaudit-aw-'));
  let r: Run;
  try {
    const env = mode === 'hermetic' ? { LD_LIBRARY_PATH: undefined, AUDITWHEEL_LD_LIBRARY_PATH: undefined } : {};
    r = run(venvBin('auditwheel'), [...args, wheel], { allowFail: true, cwd, env });
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
  let report: AuditwheelShow | null = null;
  try {
    report = sortKeys(JSON.parse(r.stdout) as AuditwheelShow);
  } catch {
    if (!r.stderr.includes('Traceback')) throw new Error(`auditwheel ${args.join(' ')} ${wheel} printed no JSON and no traceback (exit ${r.code}): ${r.stderr}`);
  }
  let lines = r.stderr.split('\n').map((l) => l.replaceAll(cacheRoot(), '<cache>').trimEnd());
  if (r.stderr.includes('Traceback')) lines = lines.filter((l) => !/^\s/.test(l));
  return { args: [...args, basename(wheel)], exitCode: r.code, stderr: lines.filter((l) => l.length > 0), report };
}

function abi3audit(wheel: string): Abi3auditFacts {
  const r = run(venvBin('abi3audit'), ['--report', wheel], { allowFail: true });
  let parsed: { specs: Record<string, { kind: string; wheel?: Abi3auditObject[] }> };
  try {
    parsed = JSON.parse(r.stdout) as typeof parsed;
  } catch {
    throw new Error(`abi3audit --report ${wheel} printed no JSON (exit ${r.code}): ${r.stderr}`);
  }
  const spec = Object.values(parsed.specs)[0];
  if (!spec?.wheel) throw new Error(`abi3audit --report ${wheel}: no wheel result in ${r.stdout}`);
  const objects = [...spec.wheel].sort((a, b) => a.name.localeCompare(b.name));
  return { exitCode: r.code, objects: sortKeys(objects) };
}

function recordWheel(sel: Selection, pinned: string | null): PypiWheel {
  const file = downloadWheel(sel, pinned);
  const sha256 = sha256File(file);
  if (pinned !== null && sha256 !== pinned) throw new Error(`${sel.filename}: sha256 ${sha256} but the corpus pins ${pinned}`);
  const platform = wheelPlatform(sel.filename);
  const abi3 = wheelFileTags(sel.filename).abi.includes('abi3');
  const root = mkdtempSync(join(tmpdir(), 'distaudit-pypi-'));
  try {
    const args = [join(HERE, 'inspect_wheel.py'), file, root, ...(platform === 'macos' ? ['--delocate'] : [])];
    const inspected = JSON.parse(run(venvBin('python'), args).stdout) as { binaries: PypiBinary[]; notInRecord: string[]; delocate?: DelocateFacts };
    const wheel: PypiWheel = {
      project: sel.project,
      version: sel.version,
      filename: sel.filename,
      sha256,
      size: statSync(file).size,
      platform,
      abi3,
      why: sel.why,
      binaries: inspected.binaries.map((b) => binaryFacts(b, root)),
    };
    if (inspected.notInRecord.length > 0) wheel.notInRecord = inspected.notInRecord;
    if (platform === 'linux') {
      wheel.auditwheel = auditwheel(file, 'hermetic');
      const onHost = auditwheel(file, 'host');
      if (JSON.stringify([onHost.exitCode, onHost.report]) !== JSON.stringify([wheel.auditwheel.exitCode, wheel.auditwheel.report])) wheel.auditwheelOnHost = onHost;
    }
    if (abi3) wheel.abi3audit = abi3audit(file);
    if (inspected.delocate) wheel.delocate = inspected.delocate;
    return wheel;
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const PLATFORM_ORDER = { linux: 0, macos: 1, windows: 2 } as const;

function main(): void {
  const only = onlyArgs('pypi-facts.ts');
  const old: PypiCorpus | null = existsSync(PYPI_CORPUS_FILE) ? readPypiCorpus() : null;
  const oldByName = new Map((old?.wheels ?? []).map((w) => [w.filename, w]));
  const names = new Set(SELECTION.map((s) => s.filename));
  if (names.size !== SELECTION.length) throw new Error('SELECTION lists a wheel twice');

  const venv = ensureVenv();
  const wheels: PypiWheel[] = [];
  for (const sel of SELECTION) {
    const previous = oldByName.get(sel.filename);
    if (only.length > 0 && !only.some((o) => sel.filename.includes(o)) && previous) {
      wheels.push(previous);
      continue;
    }
    console.log(`${sel.filename}`);
    wheels.push(recordWheel(sel, previous?.sha256 ?? null));
  }
  wheels.sort((a, b) => PLATFORM_ORDER[a.platform] - PLATFORM_ORDER[b.platform] || a.filename.localeCompare(b.filename));

  const host = hostFacts();
  const muslWarned = wheels.some((w) => w.auditwheel?.stderr.some((l) => l.includes("can't determine musl libc version")));
  const about = {
    description:
      'Real PyPI wheels, pinned by exact file name and sha256, with facts recorded by tools independent of distaudit: auditwheel show --json (Linux wheels), abi3audit --report (abi3 wheels), delocate 0.13 pure-Python functions (macOS wheels), llvm-readobj (ELF, PE) and llvm-objdump (Mach-O) per native binary. No binaries are stored. A fact the audit contradicts is a bug in the audit until an independent tool shows otherwise: never edit a fact to make a run pass; re-record with the script and say why.',
    generatedBy: 'node --import tsx scripts/corpus/pypi-facts.ts',
    date: new Date().toISOString().slice(0, 10),
    fetch:
      'pip download --no-deps --only-binary=:all: --implementation cp --python-version X.Y --abi <abi tag> --platform <each platform tag> <project>==<version> (test/support/pypi.ts pipDownloadArgs) into <cache>/corpus/pypi/<file name>; the sha256 is checked against the pin before use',
    tools: toolVersions(venv),
    host,
    caveats: [
      `auditwheel resolves DT_NEEDED libraries that are neither inside the wheel nor whitelisted by a policy against the library paths of the machine it runs on, and then also walks those host libraries (their own needs and symbol versions join the report). So "auditwheel" is recorded hermetically — show --json --ldpaths '' in an empty directory, LD_LIBRARY_PATH and AUDITWHEEL_LD_LIBRARY_PATH unset — where no host library is found (external_libs values are null) and only the wheel's own files decide. "auditwheelOnHost" is the plain run on the recording host (see "host"), kept only where it differs: there host libraries took part (or auditwheel crashed on a host file).`,
      `auditwheel keeps a single musllinux policy, chosen from the musl it finds on the host, never from the wheel. Here it ${muslWarned ? 'found none it recognises (it looks for /lib/libc.musl-<arch>.so.1; this host has only the loader) and warned that it uses the latest known policy, musllinux_1_2' : 'found one'}: so for a musl wheel it reports musllinux_1_2 at best, even for a musllinux_1_1 wheel that qualifies for 1_1.`,
      `auditwheel show lists files from RECORD, not from the zip directory: binaries missing from RECORD are listed in "notInRecord" (${wheels.some((w) => w.notInRecord) ? 'see those wheels' : 'no wheel here has any'}).`,
      'abi3audit names each object by its base name only; map to binaries by base name.',
      'delocate: only its pure-Python parts ran (macholib: _get_macos_min_version, _calculate_minimum_wheel_name, _get_incompatible_libs per tagged arch); its dependency walk needs macOS otool/install_name_tool and did not run. Its minos keeps major.minor only.',
      'Binaries are found by magic bytes with Python zipfile (ELF, Mach-O thin and fat, PE with MZ + PE\\0\\0 at e_lfanew), not by name; static archives (.a) are not listed.',
      'llvm-readobj / llvm-objdump (LLVM 14) facts are as printed by those tools: machine names, minos strings (10.13, 11.0), DLL names in their own case.',
    ],
  };
  writeCorpus(PYPI_CORPUS_FILE, old, { about, wheels });
  const count = (p: string) => wheels.filter((w) => w.platform === p).length;
  console.log(`wrote ${PYPI_CORPUS_FILE}: ${wheels.length} wheels (${count('linux')} Linux, ${count('macos')} macOS, ${count('windows')} Windows; ${wheels.filter((w) => w.abi3).length} abi3), ${wheels.reduce((n, w) => n + w.binaries.length, 0)} binaries, ${(wheels.reduce((n, w) => n + w.size, 0) / 1e6).toFixed(1)} MB`);
}

main();
