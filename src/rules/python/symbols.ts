/**
 * The CPython C-API symbols a binary imports and the symbols it exports, in
 * one vocabulary for ELF, Mach-O and PE, per slice of a fat Mach-O:
 *
 * - ELF: undefined, non-local entries of the dynamic symbol table (what the
 *   loader binds); defined FUNC / IFUNC entries are exports.
 * - Mach-O: undefined external nlist symbols, and defined external ones that are
 *   not private; the C leading underscore is removed (`_PyList_New` → `PyList_New`).
 * - PE: functions imported by name from a Python DLL (`python3.dll`,
 *   `python311.dll`, `python313t.dll`, `python311_d.dll`), delay imports
 *   included; named exports of the export directory.
 */
import type { AuditedBinary } from '../../audit/types.ts';
import type { Arch } from '../../binary/arch.ts';
import { isPythonApiSymbol } from '../../policy/stable-abi.ts';

/** python3.dll, python311.dll, python313t.dll, python311_d.dll, python3_d.dll (case-insensitive). */
export const PYTHON_DLL = /^python(\d)(\d*)(t?)(_d)?\.dll$/i;

export interface SliceSymbols {
  /** The slice's architecture (the binary's, for a thin file). */
  arch: Arch;
  /** Python C-API names the slice imports, sorted and unique. */
  pythonImports: string[];
  /** Names the slice exports (defined, visible to the loader). */
  exports: Set<string>;
}

function stripUnderscore(name: string): string {
  return name.startsWith('_') ? name.slice(1) : name;
}

export function sliceSymbols(bin: AuditedBinary): SliceSymbols[] {
  const p = bin.parsed;
  switch (p.format) {
    case 'elf': {
      const imports = new Set<string>();
      const exports = new Set<string>();
      for (const s of p.dynamicSymbols) {
        if (!s.name || s.bindName === 'LOCAL') continue;
        if (!s.defined) {
          if (isPythonApiSymbol(s.name)) imports.add(s.name);
        } else if (s.typeName === 'FUNC' || s.typeName === 'GNU_IFUNC' || s.typeName === 'OBJECT') {
          exports.add(s.name);
        }
      }
      return [{ arch: p.header.arch, pythonImports: [...imports].sort(), exports }];
    }
    case 'macho':
      return p.slices.map((slice) => {
        const imports = new Set<string>();
        const exports = new Set<string>();
        for (const s of slice.symbols) {
          if (!s.name || !s.external) continue;
          const name = stripUnderscore(s.name);
          if (!s.defined) {
            if (isPythonApiSymbol(name)) imports.add(name);
          } else if (!s.privateExternal) {
            exports.add(name);
          }
        }
        return { arch: slice.arch, pythonImports: [...imports].sort(), exports };
      });
    case 'pe': {
      const imports = new Set<string>();
      for (const d of [...p.imports, ...p.delayImports]) {
        if (!PYTHON_DLL.test(d.dll)) continue;
        for (const f of d.functions) if (f.name && isPythonApiSymbol(f.name)) imports.add(f.name);
      }
      const exports = new Set<string>((p.exports?.functions ?? []).flatMap((f) => f.names));
      return [{ arch: p.coff.arch, pythonImports: [...imports].sort(), exports }];
    }
  }
}

/** Lists names for a one-line message: the first `max`, then "and N more". */
export function listNames(names: string[], max = 6): string {
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}
