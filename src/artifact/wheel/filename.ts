/**
 * Wheel filenames (PEP 427 / the binary distribution format spec):
 * `{distribution}-{version}(-{build tag})?-{python tag}-{abi tag}-{platform tag}.whl`,
 * each tag possibly a compressed set joined by '.' (`cp38.cp39-abi3-manylinux_2_17_x86_64.manylinux2014_x86_64`).
 * The split follows packaging's `parse_wheel_filename` (what pip and PyPI use),
 * and every failure says which part is wrong.
 *
 * Spec: https://packaging.python.org/en/latest/specifications/binary-distribution-format/#file-name-convention
 * Names: https://packaging.python.org/en/latest/specifications/name-normalization/
 *
 * @example
 * parseWheelFilename('numpy-2.1.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl')
 * // { ok: true, filename: { distribution: 'numpy', version: '2.1.0', build: null, pythonTags: ['cp312'], ... } }
 */
import { parseVersion } from './pep440.ts';
import { expandTagSets, type TagTriple } from './tags.ts';

export interface WheelFilename {
  /** The distribution part as written, e.g. 'PyYAML' or 'typing_extensions'. */
  distribution: string;
  /** PEP 503 normalized: runs of -_. → '-', lowercase ('typing-extensions'). */
  canonicalName: string;
  /** The version part as written. */
  version: string;
  /** PEP 440 normalized. */
  normalizedVersion: string;
  build: { number: number; tag: string } | null;
  pythonTags: string[];
  abiTags: string[];
  platformTags: string[];
  /** Every python × abi × platform combination. */
  tags: TagTriple[];
  /** Whether the distribution part is escaped as the spec asks today (lowercase, '_' for runs of -_.); old tools wrote 'PyYAML', 'zope.interface'. */
  nameIsEscaped: boolean;
}

export type FilenamePart = 'extension' | 'parts' | 'name' | 'version' | 'build' | 'tags';

export type FilenameResult = { ok: true; filename: WheelFilename } | { ok: false; part: FilenamePart; reason: string };

/** PEP 503 normalization: 'Foo.Bar_baz' → 'foo-bar-baz'. */
export function canonicalizeName(name: string): string {
  return name.replace(/[-_.]+/g, '-').toLowerCase();
}

/** The escaped form a wheel filename and its .dist-info directory use: 'Foo.Bar-baz' → 'foo_bar_baz'. */
export function escapeName(name: string): string {
  return name.replace(/[-_.]+/g, '_').toLowerCase();
}

/** Python's `\w` (letters, digits, underscore, in any script) plus '.', as packaging accepts in the name part. */
const NAME_PART = /^[\p{L}\p{N}\p{Mn}\p{Mc}_.]+$/u;

export function parseWheelFilename(filename: string): FilenameResult {
  if (!filename.endsWith('.whl')) return { ok: false, part: 'extension', reason: `'${filename}' does not end in .whl` };
  const stem = filename.slice(0, -4);
  const pieces = stem.split('-');
  if (pieces.length !== 5 && pieces.length !== 6) {
    return {
      ok: false,
      part: 'parts',
      reason: `'${filename}' has ${pieces.length} '-'-separated parts; a wheel name has 5 (name-version-python-abi-platform) or 6 (with a build tag)`,
    };
  }
  const [name, version] = pieces as [string, string];
  if (name === '' || !NAME_PART.test(name) || name.includes('__')) {
    return { ok: false, part: 'name', reason: `invalid distribution name '${name}' (letters, digits, '_' and '.' only, no '__')` };
  }
  const parsedVersion = parseVersion(version);
  if (!parsedVersion || /\s/.test(version)) return { ok: false, part: 'version', reason: `'${version}' is not a PEP 440 version` };
  let build: WheelFilename['build'] = null;
  if (pieces.length === 6) {
    const b = /^(\d+)(.*)$/.exec(pieces[2]!);
    if (!b) return { ok: false, part: 'build', reason: `build tag '${pieces[2]}' does not start with a digit` };
    build = { number: Number(b[1]), tag: b[2]! };
  }
  const [py, abi, plat] = pieces.slice(-3) as [string, string, string];
  const sets = [py, abi, plat].map((s) => s.split('.'));
  const labels = ['python', 'abi', 'platform'];
  for (let i = 0; i < 3; i++) {
    if (sets[i]!.some((t) => t === '')) return { ok: false, part: 'tags', reason: `empty ${labels[i]} tag in '${[py, abi, plat][i]}'` };
  }
  const [pythonTags, abiTags, platformTags] = sets as [string[], string[], string[]];
  return {
    ok: true,
    filename: {
      distribution: name,
      canonicalName: canonicalizeName(name),
      version,
      normalizedVersion: parsedVersion.normalized,
      build,
      pythonTags,
      abiTags,
      platformTags,
      tags: expandTagSets(pythonTags, abiTags, platformTags),
      nameIsEscaped: name === escapeName(name),
    },
  };
}
