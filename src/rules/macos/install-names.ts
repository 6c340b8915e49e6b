/**
 * How dyld resolves a Mach-O dependency's install name, decided against the
 * files of a wheel instead of a file system (what delocate's `libsana` does
 * with otool output):
 *
 * - `@loader_path/x`: the directory of the binary that loads it;
 * - `@rpath/x`: each LC_RPATH of the loading image in turn, then those of the
 *   images that loaded it (the caller passes them, already expanded), where an
 *   LC_RPATH's own `@loader_path` is the directory of the image holding it;
 * - `@executable_path/x`: the directory of the main executable — for an
 *   extension module that is the Python interpreter, never inside the wheel;
 * - a relative name (`libfoo.dylib`): the current working directory;
 * - an absolute name: that path on the user's machine.
 *
 * Wheel paths have no leading slash; a path that climbs above the wheel's
 * root leaves the wheel.
 */

/** Prefixes of libraries every macOS provides (in the dyld shared cache or on disk). */
export const SYSTEM_PREFIXES = ['/usr/lib/', '/System/Library/', '/System/iOSSupport/'];

export function isSystemPath(path: string): boolean {
  return SYSTEM_PREFIXES.some((p) => path.startsWith(p));
}

/** An absolute install name that links a Python interpreter (the framework or libpython). */
export function isPythonLibrary(path: string): boolean {
  return /\/Python\.framework\/|\/libpython\d[\d.]*[a-z]*\.dylib$|^\/[^ ]*\/Python$/.test(path);
}

/** Joins a wheel directory and a relative path, resolving `.` and `..`; null when it climbs above the root. */
export function joinWheelPath(dir: string, rel: string): string | null {
  const out: string[] = dir === '' ? [] : dir.split('/');
  for (const part of rel.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length === 0) return null;
      out.pop();
    } else {
      out.push(part);
    }
  }
  return out.join('/');
}

export function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

/** An LC_RPATH entry as dyld will use it from a wheel. */
export type RpathDir =
  /** A directory inside the wheel (from @loader_path). */
  | { kind: 'wheel'; raw: string; dir: string }
  /** An absolute directory on the user's machine. */
  | { kind: 'absolute'; raw: string; dir: string }
  /** @executable_path, a relative path, or an @loader_path that climbs out of the wheel: nothing of the wheel is found there. */
  | { kind: 'outside'; raw: string };

/** Expands one LC_RPATH entry of the image at `imagePath`. */
export function expandRpath(raw: string, imagePath: string): RpathDir {
  if (raw === '@loader_path' || raw.startsWith('@loader_path/')) {
    const dir = joinWheelPath(dirOf(imagePath), raw.slice('@loader_path'.length));
    return dir === null ? { kind: 'outside', raw } : { kind: 'wheel', raw, dir };
  }
  if (raw.startsWith('/')) return { kind: 'absolute', raw, dir: raw.replace(/\/+$/, '') };
  return { kind: 'outside', raw };
}

/** An LC_RPATH entry that delocate's --sanitize-rpaths would delete: neither @loader_path nor @executable_path relative. */
export function isNonPortableRpath(raw: string): boolean {
  return !(raw === '@loader_path' || raw.startsWith('@loader_path/') || raw === '@executable_path' || raw.startsWith('@executable_path/'));
}

export type InstallNameResolution =
  | { kind: 'system'; path: string }
  | { kind: 'bundled'; at: string }
  /** An absolute path outside the system locations: found only where the build machine's file layout exists. */
  | { kind: 'absolute'; path: string; python: boolean }
  | { kind: 'unresolved'; reason: 'rpath' | 'loader_path' | 'executable_path' | 'relative'; tried: string[] };

export interface ResolveOptions {
  /** The loading binary's path in the wheel. */
  binaryPath: string;
  /** Its LC_RPATH entries, then those of the images that load it, expanded. */
  rpaths: RpathDir[];
  /** Every file path of the wheel. */
  files: ReadonlySet<string>;
}

export function resolveInstallName(name: string, opts: ResolveOptions): InstallNameResolution {
  if (name.startsWith('@rpath/')) {
    const rest = name.slice('@rpath/'.length);
    const tried: string[] = [];
    for (const r of opts.rpaths) {
      if (r.kind === 'wheel') {
        const p = joinWheelPath(r.dir, rest);
        if (p === null) continue;
        tried.push(p);
        if (opts.files.has(p)) return { kind: 'bundled', at: p };
      } else if (r.kind === 'absolute') {
        const p = `${r.dir}/${rest}`;
        tried.push(p);
        if (isSystemPath(p)) return { kind: 'system', path: p };
      }
    }
    return { kind: 'unresolved', reason: 'rpath', tried };
  }
  if (name.startsWith('@loader_path/')) {
    const p = joinWheelPath(dirOf(opts.binaryPath), name.slice('@loader_path/'.length));
    if (p !== null && opts.files.has(p)) return { kind: 'bundled', at: p };
    return { kind: 'unresolved', reason: 'loader_path', tried: p === null ? [] : [p] };
  }
  if (name.startsWith('@executable_path/')) return { kind: 'unresolved', reason: 'executable_path', tried: [] };
  if (!name.startsWith('/')) return { kind: 'unresolved', reason: 'relative', tried: [] };
  if (isSystemPath(name)) return { kind: 'system', path: name };
  return { kind: 'absolute', path: name, python: isPythonLibrary(name) };
}
