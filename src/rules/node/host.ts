/**
 * What the process that loads a Node addon already provides, so an addon may
 * need it without bundling it:
 *
 * - Linux, musl: `libstdc++.so.6` and `libgcc_s.so.1`. Node is C++ and links
 *   both dynamically; Alpine's `nodejs` package depends on `libstdc++` and
 *   `libgcc`, and the unofficial musl builds (unofficial-builds.nodejs.org)
 *   need them too. On glibc systems the manylinux policies allow both anyway.
 * - Windows: the DLL an addon's Node-API and V8 imports name. node-gyp links
 *   addons against `node.lib`, whose DLL name is `node.exe`, and delay-loads it
 *   with a hook that binds it to the host process, whatever the executable is
 *   called (`electron.exe`, an app's own name); builds against a shared
 *   libnode import `node.dll` / `libnode.dll`, NW.js addons `nw.dll`.
 *   The Visual C++ runtime is not among them: official Node builds link it
 *   statically, so an addon that imports `vcruntime140.dll` needs it bundled
 *   or installed (windows.msvc-runtime-not-bundled).
 */
import type { Os } from '../../target.ts';

const MUSL_HOST = new Set(['libstdc++.so.6', 'libgcc_s.so.1']);
const WINDOWS_HOST = new Set(['node.exe', 'node.dll', 'libnode.dll', 'electron.exe', 'nw.dll', 'nw.exe']);

/** Whether the Node process on `os` (with `libc` on Linux) provides a library of this name. */
export function nodeHostProvides(os: Os, name: string, libc: string | null = null): boolean {
  const base = name.slice(Math.max(name.lastIndexOf('/'), name.lastIndexOf('\\')) + 1);
  if (os === 'windows') return WINDOWS_HOST.has(base.toLowerCase());
  if (os === 'linux' && libc === 'musl') return MUSL_HOST.has(base);
  return false;
}
