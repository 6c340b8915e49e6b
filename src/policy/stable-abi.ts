/**
 * The CPython stable ABI (PEP 384, PEP 652) as data: which function and data
 * symbols an `abi3` extension module may import, and since which CPython
 * version. Generated from CPython's Misc/stable_abi.toml (see
 * stable-abi.data.ts for the commit); abi3audit judges with the same file.
 *
 * ```ts
 * stableAbiItem('PyType_GetModule');  // { kind: 'function', added: '3.10', abiOnly: false, ifdef: null, ... }
 * stableAbiItem('PyUnicode_AsUTF8');  // undefined: not in the stable ABI
 * ```
 */
import { parseRow, type StableAbiItem } from './stable-abi.codegen.ts';
import { STABLE_ABI_ROWS, STABLE_ABI_SOURCE } from './stable-abi.data.ts';

export type { StableAbiItem } from './stable-abi.codegen.ts';
export { STABLE_ABI_SOURCE };

let table: Map<string, StableAbiItem> | null = null;

/** Every function and data item, in the TOML's order. */
export function stableAbiItems(): StableAbiItem[] {
  return [...stableAbiTable().values()];
}

function stableAbiTable(): Map<string, StableAbiItem> {
  if (!table) {
    table = new Map();
    for (const row of STABLE_ABI_ROWS.split('\n')) {
      if (row.trim() === '') continue;
      const item = parseRow(row);
      table.set(item.name, item);
    }
  }
  return table;
}

/** The stable-ABI item with this exact symbol name (no Mach-O underscore), or undefined. */
export function stableAbiItem(name: string): StableAbiItem | undefined {
  return stableAbiTable().get(name);
}

/**
 * Whether a symbol belongs to the CPython C API namespace that the stable ABI
 * governs: `Py*` and `_Py*` (abi3audit's rule). `PyInit_*` is the module's own
 * export, not an import from the interpreter.
 */
export function isPythonApiSymbol(name: string): boolean {
  return (name.startsWith('Py') || name.startsWith('_Py')) && !name.startsWith('PyInit_') && !name.startsWith('PyInitU_');
}
