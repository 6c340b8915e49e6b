/**
 * Python extension module file names: which entries of a wheel the import
 * system would load as `<module>` (importlib.machinery.EXTENSION_SUFFIXES),
 * and the init function CPython looks up in them (PEP 489).
 *
 * ```ts
 * extensionFileName('pkg/_core.cpython-311-x86_64-linux-gnu.so');  // { module: '_core', suffix: '.cpython-311-x86_64-linux-gnu.so', tagged: true }
 * extensionFileName('pkg/_core.abi3.so');                          // { module: '_core', suffix: '.abi3.so', tagged: true }
 * extensionFileName('pkg/_core.pyd');                              // { module: '_core', suffix: '.pyd', tagged: false }
 * initFunctionName('_core');                                       // 'PyInit__core'
 * ```
 */
import punycode from 'punycode/punycode.js';
import type { AuditedBinary } from '../../audit/types.ts';

export interface ExtensionFileName {
  /** The module name: the file name up to the extension suffix. */
  module: string;
  suffix: string;
  /** The suffix carries an interpreter tag (cpython-311-..., abi3, cp311-win_amd64, pypy...), so the file is meant to be imported. */
  tagged: boolean;
}

const TAGGED_SUFFIX = /^((\.cpython-[^.]+)|(\.pypy[^.]*)|(\.graalpy[^.]*)|(\.abi3)|(\.cp\d+t?-win[^.]*))\.(so|pyd)$/;

export function extensionFileName(path: string): ExtensionFileName | null {
  const base = path.slice(path.lastIndexOf('/') + 1);
  const dot = base.indexOf('.');
  if (dot <= 0) return null;
  const module = base.slice(0, dot);
  const suffix = base.slice(dot);
  if (!/^[\p{L}\p{Nl}_][\p{L}\p{Nl}\p{Mn}\p{Mc}\p{Nd}\p{Pc}]*$/u.test(module)) return null;
  if (TAGGED_SUFFIX.test(suffix)) return { module, suffix, tagged: true };
  if (suffix === '.so' || suffix === '.pyd') return { module, suffix, tagged: false };
  return null;
}

/** `PyInit_<module>`, or for a non-ASCII name `PyInitU_<punycode with - as _>` (PEP 489). */
export function initFunctionName(module: string): string {
  // eslint-disable-next-line no-control-regex
  if (/^[\x00-\x7f]*$/.test(module)) return `PyInit_${module}`;
  return `PyInitU_${punycode.encode(module).replace(/-/g, '_')}`;
}

/** The defined symbols `extensionInitVersion` and the init-function check look at (Mach-O: with '_'). */
export const EXTENSION_INIT_SYMBOLS = /^_?(PyInit_|PyInitU_|init|_cffi_pypyinit_)/;

/** The module name the import system and auditwheel use for a file: its name up to the first dot. */
export function moduleNameOf(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1).split('.', 1)[0]!;
}

/**
 * The init functions a module named `module` may export, with the Python
 * major version each implies: `PyInit_<name>` (3), `init<name>` and
 * `_cffi_pypyinit_<name>` (Python 2 / PyPy 2).
 */
export function initFunctions(module: string): Map<string, 2 | 3> {
  return new Map([
    [initFunctionName(module), 3],
    [`init${module}`, 2],
    [`_cffi_pypyinit_${module}`, 2],
  ]);
}

/**
 * Whether a native binary is a Python extension module, for any format: the
 * Python major version of the init function it exports for its own file name,
 * or null when it exports none (auditwheel's test, extended to Mach-O, whose C
 * symbols carry a leading '_', and PE exports).
 */
export function extensionInitVersion(bin: Pick<AuditedBinary, 'path' | 'parsed'>): 2 | 3 | null {
  const init = initFunctions(moduleNameOf(bin.path));
  const p = bin.parsed;
  const names: Iterable<string> =
    p.format === 'elf'
      ? p.dynamicSymbols.filter((s) => s.defined && s.typeName === 'FUNC').map((s) => s.name)
      : p.format === 'macho'
        ? p.slices.flatMap((sl) => sl.symbols.filter((s) => s.defined && s.external && s.name?.startsWith('_')).map((s) => s.name!.slice(1)))
        : (p.exports?.functions ?? []).flatMap((f) => f.names);
  for (const n of names) {
    const v = init.get(n);
    if (v) return v;
  }
  return null;
}
