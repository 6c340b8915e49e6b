/**
 * Where the files of an artifact end up once installed, and what a DT_RPATH /
 * DT_RUNPATH entry points at from there. Paths are relative to an install
 * prefix (a virtualenv): wheel files go to `lib/pythonX.Y/site-packages/`,
 * `.data/scripts/` to `bin/`, `.data/data/` to the prefix itself — so an
 * `$ORIGIN/../..` that leaves site-packages is seen leaving it, as it would on
 * a user's machine.
 *
 * Spec for the expansion: ld.so(8) "Dynamic string tokens" ($ORIGIN,
 * ${ORIGIN}; $LIB and $PLATFORM depend on the machine and are not expanded
 * here), and glibc `elf/dl-load.c` (an empty entry is the current directory).
 *
 * @example
 *   installPath('demo/_core.so');                        // 'lib/pythonX.Y/site-packages/demo/_core.so'
 *   expandSearchEntry('$ORIGIN/../demo.libs', 'lib/pythonX.Y/site-packages/demo');
 *   // { kind: 'prefix', dir: 'lib/pythonX.Y/site-packages/demo.libs' }
 */

export const SITE_PACKAGES = 'lib/pythonX.Y/site-packages';

/** Normalizes a relative '/'-separated path; null when `..` climbs above its root. */
export function normalizePath(path: string): string | null {
  const out: string[] = [];
  for (const part of path.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') {
      if (out.length === 0) return null;
      out.pop();
    } else out.push(part);
  }
  return out.join('/');
}

export function dirname(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

export function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

export function joinPath(dir: string, name: string): string {
  return dir === '' ? name : `${dir}/${name}`;
}

const DATA_DIR = /^([^/]+)\.data\/(purelib|platlib|scripts|headers|data)\/(.+)$/;

/** The install path (relative to the prefix) of a file at `wheelPath` in a wheel. */
export function installPath(wheelPath: string): string {
  const m = DATA_DIR.exec(wheelPath);
  if (!m) return joinPath(SITE_PACKAGES, wheelPath);
  const [, dist, scheme, rest] = m as unknown as [string, string, string, string];
  switch (scheme) {
    case 'purelib':
    case 'platlib':
      return joinPath(SITE_PACKAGES, rest);
    case 'scripts':
      return joinPath('bin', rest);
    case 'headers':
      return joinPath(`include/site/pythonX.Y/${dist}`, rest);
    default:
      return rest;
  }
}

/** What one RPATH/RUNPATH entry designates. */
export type SearchEntry =
  /** A directory under the install prefix, reached through $ORIGIN. */
  | { kind: 'prefix'; dir: string }
  /** An absolute directory: something on the user's machine (or the build machine's). */
  | { kind: 'absolute'; dir: string }
  /** `$ORIGIN/..` climbing above the install prefix: wherever the environment happens to live. */
  | { kind: 'escapes' }
  /** Empty entry: the process's current directory. */
  | { kind: 'cwd' }
  /** A relative path without $ORIGIN: relative to the current directory. */
  | { kind: 'relative'; dir: string }
  /** $LIB / $PLATFORM (and other tokens): depends on the machine. */
  | { kind: 'token'; token: string };

const STARTS_WITH_ORIGIN = /^\$(?:ORIGIN\b|\{ORIGIN\})/;
const ORIGIN_ALL = /\$(?:ORIGIN\b|\{ORIGIN\})/g;

/** Expands one entry for an object installed in `originDir` (prefix-relative). */
export function expandSearchEntry(entry: string, originDir: string): SearchEntry {
  if (entry === '') return { kind: 'cwd' };
  if (STARTS_WITH_ORIGIN.test(entry)) {
    // $ORIGIN is the absolute directory of the object; anywhere else in an entry it is left to the token case below.
    const expanded = entry.replace(ORIGIN_ALL, `/${originDir}`);
    const token = /\$\{?[A-Za-z_]+\}?/.exec(expanded);
    if (token) return { kind: 'token', token: token[0] };
    const dir = normalizePath(expanded.slice(1));
    return dir === null ? { kind: 'escapes' } : { kind: 'prefix', dir };
  }
  const token = /\$\{?[A-Za-z_]+\}?/.exec(entry);
  if (token) return { kind: 'token', token: token[0] };
  return entry.startsWith('/') ? { kind: 'absolute', dir: entry } : { kind: 'relative', dir: entry };
}

/** Splits a DT_RPATH / DT_RUNPATH string the way ld.so does (':' separated, empty entries kept). */
export function splitSearchPath(value: string | null | undefined): string[] {
  return value === null || value === undefined ? [] : value.split(':');
}
