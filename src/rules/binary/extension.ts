/**
 * Whether a native binary is a Python extension module, for any format: it
 * exports the module init function for the name its file has (the file name
 * up to the first dot): `PyInit_<name>` (CPython 3), `init<name>` (Python 2),
 * `_cffi_pypyinit_<name>` (PyPy cffi). Mach-O prefixes C symbols with '_'.
 *
 * @example
 *   isPythonExtension(bin);  // true for demo/_core.cpython-311-darwin.so exporting _PyInit__core
 */
import type { AuditedBinary } from '../../audit/types.ts';

function initNames(path: string): Set<string> {
  const mod = path.slice(path.lastIndexOf('/') + 1).split('.', 1)[0]!;
  return new Set([`PyInit_${mod}`, `init${mod}`, `_cffi_pypyinit_${mod}`]);
}

export function isPythonExtension(bin: Pick<AuditedBinary, 'path' | 'parsed'>): boolean {
  const names = initNames(bin.path);
  const p = bin.parsed;
  switch (p.format) {
    case 'elf':
      return p.dynamicSymbols.some((s) => s.defined && s.typeName === 'FUNC' && names.has(s.name));
    case 'macho':
      return p.slices.some((sl) => sl.symbols.some((s) => s.defined && s.external && s.name !== null && s.name.startsWith('_') && names.has(s.name.slice(1))));
    case 'pe':
      return (p.exports?.functions ?? []).some((f) => f.names.some((n) => names.has(n)));
  }
}
