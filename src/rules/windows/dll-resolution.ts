/**
 * Where Windows finds each DLL a binary of a wheel imports, decided from the
 * wheel's own listing and the system-DLL data, the way the loader does it for
 * an extension module: CPython 3.8+ loads extensions with
 * LOAD_LIBRARY_SEARCH_DEFAULT_DIRS | LOAD_LIBRARY_SEARCH_DLL_LOAD_DIR, so a
 * dependency is found in the directory of the `.pyd` itself, in System32, in
 * the interpreter's own directory (python3XY.dll, vcruntime140.dll), or in a
 * directory the package added with `os.add_dll_directory` (what delvewheel's
 * `__init__.py` patch does) — and not on PATH, nor elsewhere in the wheel.
 *
 * Pure: the caller passes the binary's path, the target's Python version and
 * architecture, and the wheel's file list.
 */
import { cpythonShipsRuntimeDll, isApiSet, isWindowsSystemDll, msvcRuntimeKind } from '../../policy/windows-dlls.ts';
import { PYTHON_DLL } from '../python/symbols.ts';

export type DllResolution =
  /** A Windows system DLL or an API set. */
  | { kind: 'system'; apiSet: boolean }
  /** python3.dll / python3XY.dll: judged by the Python-DLL check. */
  | { kind: 'python' }
  /** A runtime DLL every CPython of the target ships beside python.exe (vcruntime140.dll ...). */
  | { kind: 'cpython-runtime' }
  /** In the wheel, in the importing binary's own directory. */
  | { kind: 'beside'; at: string }
  /** In the wheel, but in other directories only; `dllDirectoryAdded` when an __init__.py calls os.add_dll_directory. */
  | { kind: 'elsewhere'; at: string[]; dllDirectoryAdded: boolean }
  /** A debug build of the Visual C++ runtime (vcruntime140d.dll, ucrtbased.dll ...). */
  | { kind: 'debug-runtime'; bundledAt: string[] }
  /** A Visual C++ runtime DLL that CPython does not ship (msvcp140.dll, vcomp140.dll ...) and the wheel does not bundle. */
  | { kind: 'msvc-runtime' }
  | { kind: 'missing' };

export interface ResolveContext {
  /** The importing binary's path inside the wheel. */
  binaryPath: string;
  /** Lowercased base name → wheel paths holding a file of that name. */
  filesByName: Map<string, string[]>;
  /** The CPython version line the target runs (e.g. '3.11'); the oldest one it admits. */
  pythonVersion: string;
  arch: string;
  /** The target is a debug CPython (cp311d): the debug runtimes come with it. */
  debugPython: boolean;
  /** Paths of package __init__.py files (on the binary's path) that call os.add_dll_directory. */
  dllDirectoryInits: string[];
}

export function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

export function filesByName(paths: Iterable<string>): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const p of paths) {
    const base = p.slice(p.lastIndexOf('/') + 1).toLowerCase();
    map.set(base, [...(map.get(base) ?? []), p]);
  }
  return map;
}

export function resolveDll(dll: string, ctx: ResolveContext): DllResolution {
  const name = dll.toLowerCase();
  if (PYTHON_DLL.test(name)) return { kind: 'python' };
  if (isWindowsSystemDll(name)) return { kind: 'system', apiSet: isApiSet(name) };
  const inWheel = (ctx.filesByName.get(name) ?? []).filter((p) => p !== ctx.binaryPath);
  const runtime = msvcRuntimeKind(name);
  if (runtime === 'debug') {
    if (ctx.debugPython) return { kind: 'cpython-runtime' };
    return { kind: 'debug-runtime', bundledAt: inWheel };
  }
  if (runtime === 'release' && cpythonShipsRuntimeDll(name, ctx.pythonVersion, ctx.arch)) return { kind: 'cpython-runtime' };
  const dir = dirOf(ctx.binaryPath);
  const beside = inWheel.find((p) => dirOf(p) === dir);
  if (beside) return { kind: 'beside', at: beside };
  if (inWheel.length > 0) return { kind: 'elsewhere', at: inWheel, dllDirectoryAdded: ctx.dllDirectoryInits.length > 0 };
  if (runtime === 'release') return { kind: 'msvc-runtime' };
  return { kind: 'missing' };
}

/** The __init__.py files of the packages enclosing `path` (outermost first). */
export function enclosingInits(path: string): string[] {
  const parts = path.split('/').slice(0, -1);
  return parts.map((_, i) => `${parts.slice(0, i + 1).join('/')}/__init__.py`);
}
