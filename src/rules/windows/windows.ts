/**
 * Windows checks for the PE binaries of a wheel: the Python DLL each one links
 * against versus the wheel's Python tag, and whether every DLL it imports (or
 * delay-imports) will be found on a user's machine — a system DLL, a runtime
 * that CPython ships, or a file of the wheel in the importing binary's own
 * directory. What delvewheel decides when it repairs a wheel, reported per
 * binary, DLL and target instead of silently vendored.
 */
import type { AuditContext, Check, Rule } from '../../audit/types.ts';
import type { PeFile } from '../../binary/pe/types.ts';
import type { Target } from '../../target.ts';
import { compareVersions } from '../../version.ts';
import { interpreterVersions, pythonClaim } from '../python/abi-tag.ts';
import { parseAbiTag } from '../../artifact/wheel/tags.ts';
import { PYTHON_DLL } from '../python/symbols.ts';
import { enclosingInits, filesByName, resolveDll, type DllResolution } from './dll-resolution.ts';
import { jvmProvides } from '../../policy/jvm.ts';
import { nodeHostProvides } from '../node/host.ts';

const MODULE_NOT_FOUND = '`ImportError: DLL load failed while importing <module>: The specified module could not be found.`';

export const pythonDllMismatch: Check = {
  id: 'windows.python-dll-mismatch',
  severity: 'error',
  title: 'Extension links a Python DLL its tag does not promise',
  explain:
    'A Windows extension module links against one Python DLL: `python311.dll` for CPython 3.11, `python313t.dll` for free-threaded ' +
    '3.13, `python311_d.dll` for a debug build, or `python3.dll` (the stable ABI) for an `abi3` wheel. This binary imports a Python DLL ' +
    'that the interpreters its wheel tag admits do not provide: where that DLL is absent the import fails with ' + MODULE_NOT_FOUND +
    ', and where another Python\'s DLL is installed CPython refuses it with `ImportError: Module use of python310.dll conflicts with this version of Python.`',
  fix:
    'Build each `cpXY` wheel against that CPython\'s own headers and import library (cibuildwheel does this per version). For `abi3` ' +
    'wheels define `Py_LIMITED_API` so MSVC links `python3.lib` (the `python3.dll` forwarder) instead of `python3XY.lib`.',
};

export const msvcRuntimeNotBundled: Check = {
  id: 'windows.msvc-runtime-not-bundled',
  severity: 'error',
  title: 'Visual C++ runtime DLL that CPython does not ship, not bundled',
  explain:
    'CPython installs `vcruntime140.dll` (and on x64/ARM64, from 3.9 on, `vcruntime140_1.dll`) beside `python.exe`, but not the C++ ' +
    'standard library (`msvcp140.dll`, `msvcp140_1.dll`, ...), OpenMP (`vcomp140.dll`) or the concurrency runtime (`concrt140.dll`). ' +
    'This binary imports one of those and the wheel does not carry it, so on a machine without the Visual C++ Redistributable ' +
    '(a fresh Windows, a Windows container, the embeddable Python) the import fails with ' + MODULE_NOT_FOUND +
    ' Where some other program installed an older redistributable, it can crash instead (an older `msvcp140.dll` loaded first). ' +
    'Node ships no Visual C++ runtime at all (its official builds link it statically): a Node addon that imports `vcruntime140.dll` fails the same way (`Error: The specified module could not be found. …\\addon.node`) — napi-rs builds without `+crt-static` do.',
  fix:
    'Bundle the runtime DLLs beside the extension (`delvewheel repair` does it, with name mangling so they cannot clash with another ' +
    'copy), or link the C++ runtime statically (`/MT`, or `-static-libstdc++` with MinGW). Telling users to install the ' +
    'Visual C++ Redistributable works only where they read it.',
};

export const debugRuntime: Check = {
  id: 'windows.debug-runtime',
  severity: 'error',
  title: 'Linked against the debug Visual C++ runtime',
  explain:
    'The binary imports a debug build of the Microsoft runtimes (`vcruntime140d.dll`, `ucrtbased.dll`, `msvcp140d.dll`, ...). ' +
    'These exist only where Visual Studio is installed and may not be redistributed, so on users\' machines the import fails with ' +
    MODULE_NOT_FOUND + ' It also means the release wheel was built in a Debug configuration.',
  fix: 'Build in Release mode (`/MD`, not `/MDd`; CMake `-DCMAKE_BUILD_TYPE=Release`, or `--config Release` with multi-config generators).',
};

export const missingDll: Check = {
  id: 'windows.missing-dll',
  severity: 'error',
  title: 'Imported DLL not found in the wheel or on Windows',
  explain:
    'The binary imports a DLL that is neither a Windows system DLL (nor an `api-ms-win-*` API set), nor a DLL that CPython ships, nor ' +
    'anywhere in the wheel. It exists on the build machine only (a vcpkg, conda or MSYS2 library, a CUDA or MKL runtime, a DLL found ' +
    'through PATH during the build), so on users\' machines the import fails with ' + MODULE_NOT_FOUND +
    ' A DLL that is only delay-loaded fails later, when the first function from it is called; that is reported as a warning. ' +
    'For a Node addon, `node.exe` (the DLL name node-gyp\'s import library gives Node-API and V8 imports, bound to the host process, Electron apps included) counts as present.',
  fix:
    'Bundle the DLL: `delvewheel repair --add-path <dir of the DLL> <wheel>` copies it into `<package>.libs/` and patches ' +
    '`__init__.py` to add that directory; or place it beside the extension module. If the DLL comes from another package that the ' +
    'user must install, say so and load it from that package with `os.add_dll_directory` before importing.',
};

export const dllNotBesideExtension: Check = {
  id: 'windows.dll-not-beside-extension',
  severity: 'warning',
  title: 'Bundled DLL is not in a directory Windows searches',
  explain:
    'The DLL is in the wheel, but not in the importing binary\'s directory. Python (3.8+) loads extension modules with ' +
    '`LOAD_LIBRARY_SEARCH_DLL_LOAD_DIR | LOAD_LIBRARY_SEARCH_DEFAULT_DIRS`: dependencies are searched in the `.pyd`\'s own directory, ' +
    'System32 and directories added with `os.add_dll_directory` — not PATH, not the rest of the wheel. No `__init__.py` on the ' +
    'binary\'s package path calls `os.add_dll_directory`, so the import fails with ' + MODULE_NOT_FOUND +
    ' Node loads an addon with `LOAD_WITH_ALTERED_SEARCH_PATH`: its own directory, then the system directories and PATH — a DLL elsewhere in the npm package is not found either.',
  fix:
    'Move the DLL beside the extension module, or add its directory at import time in the package\'s `__init__.py` ' +
    '(`os.add_dll_directory(os.path.join(os.path.dirname(__file__), "..", "<pkg>.libs"))`, which is what delvewheel writes).',
};

/** The Python DLLs an interpreter of this target provides to extension modules; null when we cannot tell (PyPy, GraalPy). */
export function acceptedPythonDlls(target: Target): string[] | null {
  const py = target.python;
  if (!py) return null;
  const abi = parseAbiTag(py.abi);
  switch (abi.kind) {
    case 'cpython': {
      const suffix = `${abi.freeThreaded ? 't' : ''}${abi.debug ? '_d' : ''}`;
      return [`python${abi.version.replace('.', '')}${suffix}.dll`, `python3${suffix}.dll`];
    }
    case 'abi3':
      return ['python3.dll'];
    case 'none':
      return ['python3.dll', ...interpreterVersions(target).map((v) => `python${v.replace('.', '')}.dll`)];
    case 'pypy':
    case 'other':
      return null;
  }
}

/** The oldest CPython version line a target admits, for the runtimes CPython ships; '3.5' when the tag names none. */
export function targetPythonVersion(target: Target): string {
  const py = target.python;
  const abi = py ? parseAbiTag(py.abi) : null;
  if (abi?.kind === 'cpython') return abi.version;
  if (abi?.kind === 'abi3' && py?.minimum) return py.minimum;
  const versions = interpreterVersions(target).sort(compareVersions);
  return versions[0] ?? '3.5';
}

interface Problem {
  check: Check;
  dll: string;
  delayOnly: boolean;
  resolution: DllResolution;
  targets: Target[];
}

/** The Python DLL check: wheels only (a JAR's or a Node addon's DLLs load into no Python). */
export const windowsPythonRule: Rule = {
  name: 'windows-python',
  kinds: ['wheel'],
  checks: [pythonDllMismatch],
  run(ctx) {
    for (const bin of ctx.binaries) {
      if (bin.parsed.format !== 'pe') continue;
      const targets = ctx.targetsOf(bin).filter((t) => t.os === 'windows');
      if (targets.length > 0) checkPythonDll(ctx, bin.path, bin.parsed, targets);
    }
  },
};

/**
 * The imports of every PE binary. For a JAR the host is a JVM, not CPython:
 * the DLLs it provides are jvm.dll and the JDK's own, and the Visual C++
 * runtime OpenJDK ships in bin/ (src/policy/jvm.ts); a DLL elsewhere in the
 * JAR is not found, since JAR loaders extract the one library they load.
 */
export const windowsRule: Rule = {
  name: 'windows',
  kinds: ['wheel', 'jar', 'npm', 'node-addon'],
  checks: [msvcRuntimeNotBundled, debugRuntime, missingDll, dllNotBesideExtension],
  run(ctx) {
    if (!ctx.targets.some((t) => t.os === 'windows')) return;
    const files = ctx.scan.entries.filter((e) => !e.isDirectory).map((e) => e.path);
    const byName = filesByName(files);
    for (const bin of ctx.binaries) {
      if (bin.parsed.format !== 'pe') continue;
      const targets = ctx.targetsOf(bin).filter((t) => t.os === 'windows');
      if (targets.length === 0) continue;
      checkImports(ctx, bin.path, bin.parsed, targets, byName);
    }
  },
};

function checkPythonDll(ctx: AuditContext, path: string, pe: PeFile, targets: Target[]): void {
  const pythonDlls = [...new Set([...pe.imports, ...pe.delayImports].map((d) => d.dll).filter((d) => PYTHON_DLL.test(d)))];
  for (const dll of pythonDlls) {
    const wrong = targets.filter((t) => {
      const accepted = acceptedPythonDlls(t);
      return accepted !== null && !accepted.includes(dll.toLowerCase());
    });
    if (wrong.length === 0) continue;
    const t = wrong[0]!;
    const accepted = acceptedPythonDlls(t) ?? [];
    const claim = pythonClaim(t);
    ctx.report(pythonDllMismatch, {
      file: path,
      targets: wrong.map((w) => w.id),
      message: `${path} imports ${dll} but its tag ${claim} means an interpreter that provides ${accepted.join(' or ')}`,
      evidence: { imported: dll, accepted, claims: [...new Set(wrong.map(pythonClaim))] },
      hint:
        t.python?.abi === 'abi3'
          ? `Build with Py_LIMITED_API defined so the extension links python3.dll, or tag the wheel for the one CPython whose DLL it imports.`
          : `Rebuild the extension against the headers and import library of ${claim} (it links ${accepted[0]}).`,
    });
  }
}

function checkImports(ctx: AuditContext, path: string, pe: PeFile, targets: Target[], byName: Map<string, string[]>): void {
  const base = path.slice(path.lastIndexOf('/') + 1).toLowerCase();
  const delayOnlyNames = new Set(pe.delayImports.map((d) => d.dll.toLowerCase()));
  for (const d of pe.imports) delayOnlyNames.delete(d.dll.toLowerCase());
  const dlls = new Map<string, string>();
  for (const d of [...pe.imports, ...pe.delayImports]) if (!dlls.has(d.dll.toLowerCase())) dlls.set(d.dll.toLowerCase(), d.dll);
  const jar = ctx.artifact.kind === 'jar';
  // A Node addon's host is node.exe (or an Electron app): see src/rules/node/host.ts; it ships no Visual C++ runtime.
  const node = ctx.artifact.kind === 'npm' || ctx.artifact.kind === 'node-addon';
  const dllDirectoryInits = jar || node ? [] : enclosingInits(path).filter((p) => /\badd_dll_directory\b/.test(ctx.text(p) ?? ''));

  const problems = new Map<string, Problem>();
  for (const [lower, dll] of dlls) {
    // msvcp140.dll delay-loads concrt140.dll for Windows XP only (delvewheel's ignore_dependency).
    if (lower === 'concrt140.dll' && /^msvcp140/.test(base)) continue;
    if (jar && jvmProvides('windows', lower)) continue;
    if (node && nodeHostProvides('windows', lower)) continue;
    for (const t of targets) {
      const abi = t.python ? parseAbiTag(t.python.abi) : null;
      const resolution = resolveDll(dll, {
        binaryPath: path,
        filesByName: byName,
        pythonVersion: node ? '0' : targetPythonVersion(t),
        arch: t.arch,
        debugPython: abi?.kind === 'cpython' && abi.debug,
        dllDirectoryInits,
      });
      const check = checkFor(resolution);
      if (!check) continue;
      const key = `${check.id}\0${lower}`;
      const p = problems.get(key);
      if (p) p.targets.push(t);
      else problems.set(key, { check, dll, delayOnly: delayOnlyNames.has(lower), resolution, targets: [t] });
    }
  }
  for (const p of problems.values()) report(ctx, path, p);
}

function checkFor(r: DllResolution): Check | null {
  switch (r.kind) {
    case 'debug-runtime':
      return debugRuntime;
    case 'msvc-runtime':
      return msvcRuntimeNotBundled;
    case 'missing':
      return missingDll;
    case 'elsewhere':
      return r.dllDirectoryAdded ? null : dllNotBesideExtension;
    default:
      return null;
  }
}

function report(ctx: AuditContext, path: string, p: Problem): void {
  const delay = p.delayOnly ? ' (delay-loaded: it fails at the first call into it)' : '';
  const severity = p.delayOnly && p.check.severity === 'error' && p.check !== debugRuntime ? 'warning' : undefined;
  const ids = p.targets.map((t) => t.id);
  const evidence: Record<string, unknown> = { dll: p.dll, delayLoaded: p.delayOnly };
  const r = p.resolution;
  const jar = ctx.artifact.kind === 'jar';
  const node = ctx.artifact.kind === 'npm' || ctx.artifact.kind === 'node-addon';
  const noun = jar ? 'JAR' : node ? 'package' : 'wheel';
  const host = jar ? 'the JVM' : node ? 'Node' : 'CPython';
  const file = path.slice(path.lastIndexOf('/') + 1);
  switch (r.kind) {
    case 'debug-runtime':
      ctx.report(debugRuntime, {
        file: path,
        targets: ids,
        message: `${path} imports the debug runtime ${p.dll}${delay}, which only Visual Studio installs`,
        evidence: { ...evidence, bundledAt: r.bundledAt },
        hint: `Rebuild in Release configuration (/MD): the release ${noun} must not link debug runtimes.`,
      });
      return;
    case 'msvc-runtime':
      ctx.report(msvcRuntimeNotBundled, {
        file: path,
        targets: ids,
        severity,
        message: `${path} imports ${p.dll}${delay}, which ${host} does not ship and the ${noun} does not bundle`,
        evidence: jar || node ? evidence : { ...evidence, pythonVersions: [...new Set(p.targets.map(targetPythonVersion))] },
        hint: jar
          ? `Link the runtime statically (/MT), or bundle ${p.dll} beside ${file} and load it first.`
          : node
          ? `Link the runtime statically (/MT, node-gyp's default; Rust: -C target-feature=+crt-static), or bundle ${p.dll} beside ${file}.`
          : `Bundle ${p.dll} beside ${file} (delvewheel repair does it) or link the runtime statically.`,
      });
      return;
    case 'missing':
      ctx.report(missingDll, {
        file: path,
        targets: ids,
        severity,
        message: `${path} imports ${p.dll}${delay}, which is not a Windows system DLL${jar ? ' nor one the JVM provides' : node ? ' nor node.exe' : ''} and is not in the ${noun}`,
        evidence,
        hint: node ? `Bundle ${p.dll} beside ${file} (Windows searches the addon's own directory first), or link it statically.` : jar ? `Bundle ${p.dll} beside ${file} and load it first (System.load), or link it statically.` : `Bundle ${p.dll}: delvewheel repair --add-path <directory containing ${p.dll}>.`,
      });
      return;
    case 'elsewhere':
      ctx.report(dllNotBesideExtension, {
        file: path,
        targets: ids,
        message: jar
          ? `${path} imports ${p.dll}${delay}, found at ${r.at.join(', ')} but not beside it: JAR loaders extract the library they load (and at most its directory), so Windows does not find it`
          : node
          ? `${path} imports ${p.dll}${delay}, found at ${r.at.join(', ')} but not beside it: Node loads addons with LOAD_WITH_ALTERED_SEARCH_PATH, which searches the addon's own directory, the system directories and PATH, not the rest of the package`
          : `${path} imports ${p.dll}${delay}, found at ${r.at.join(', ')} but not beside it, and no __init__.py adds that directory with os.add_dll_directory`,
        evidence: { ...evidence, foundAt: r.at },
        hint: jar ? `Move ${p.dll} into the directory of ${file} and load it first.` : node ? `Move ${p.dll} into the directory of ${file}.` : `Move ${p.dll} into the directory of ${file}, or call os.add_dll_directory on its directory in the package __init__.py.`,
      });
      return;
    default:
      return;
  }
}
