/**
 * Which DLLs a Windows machine provides, and which Microsoft C/C++ runtime
 * DLLs CPython itself installs: what a `.pyd` may import without bundling it.
 *
 * - System DLLs: the shared reference list of a clean Windows 10 System32
 *   (windows-dlls.data.ts), plus every API set name (`api-ms-win-*`,
 *   `ext-ms-win-*`), which the loader maps to system DLLs itself.
 * - CPython 3.5+ ships `vcruntime140.dll`; on x64 and ARM64 it also ships
 *   `vcruntime140_1.dll` since 3.8.3, so only 3.9+ promises it for a whole
 *   minor version (delvewheel's `ignore_by_abi_platform` table says the same).
 *   The C++ standard library (`msvcp140*.dll`), OpenMP (`vcomp140.dll`) and the
 *   concurrency runtime (`concrt140.dll`) are never shipped.
 * - Debug runtimes (`vcruntime140d.dll`, `ucrtbased.dll`, `msvcp140d.dll`, ...)
 *   are not redistributable and exist only where Visual Studio is installed.
 */
import { compareVersions } from '../version.ts';
import { WINDOWS_SYSTEM_DLL_NAMES, WINDOWS_SYSTEM_DLLS_SOURCE } from './windows-dlls.data.ts';

export { WINDOWS_SYSTEM_DLLS_SOURCE };

let systemDlls: Set<string> | null = null;

/** API set contract names: resolved by the loader to whatever system DLL implements them. */
export function isApiSet(dll: string): boolean {
  return /^(api|ext)-ms-win-/i.test(dll);
}

/** A DLL every supported Windows provides (case-insensitive), API sets included. */
export function isWindowsSystemDll(dll: string): boolean {
  if (isApiSet(dll)) return true;
  systemDlls ??= new Set(WINDOWS_SYSTEM_DLL_NAMES.split('\n').filter((l) => l.length > 0));
  return systemDlls.has(dll.toLowerCase());
}

/** Debug builds of the MSVC / Universal CRT runtimes (not redistributable). */
const DEBUG_RUNTIME = /^(ucrtbased|vcruntime\d+(_\d+)?d|msvcp\d+(_\d+)?d(_[a-z_]+)?|concrt\d+d|vcomp\d+d|vccorlib\d+d|mfc(m(ifc)?)?\d+u?d|vcamp\d+d)\.dll$/i;

/** Microsoft Visual C++ runtime redistributable files (release builds), after delvewheel's `vc_redist` pattern. */
const VC_REDIST = /^(vcruntime\d.*|vccorlib\d.*|msvcp[\d_].*|msvcr\d.*|concrt\d.*|mfc(m(ifc)?)?\d.*|vcamp\d.*|vcomp(\d.*)?)\.dll$/i;

export type MsvcRuntimeKind = 'debug' | 'release';

/** Whether a DLL is part of the Visual C++ runtime, and which build of it; null for anything else. */
export function msvcRuntimeKind(dll: string): MsvcRuntimeKind | null {
  if (DEBUG_RUNTIME.test(dll)) return 'debug';
  if (VC_REDIST.test(dll)) return 'release';
  return null;
}

/**
 * Whether every CPython of this version line (e.g. '3.11') on this architecture
 * ships `dll` beside python.exe: vcruntime140.dll from 3.5 on, vcruntime140_1.dll
 * on x86_64 and arm64 from 3.9 on (3.8 gained it only in 3.8.3).
 */
export function cpythonShipsRuntimeDll(dll: string, pythonVersion: string, arch: string): boolean {
  const name = dll.toLowerCase();
  if (name === 'vcruntime140.dll') return compareVersions(pythonVersion, '3.5') >= 0;
  if (name === 'vcruntime140_1.dll') return (arch === 'x86_64' || arch === 'arm64') && compareVersions(pythonVersion, '3.9') >= 0;
  return false;
}
