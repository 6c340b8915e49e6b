/**
 * The import directory (DataDirectory[1], the `.idata` tables).
 * Spec: https://learn.microsoft.com/windows/win32/debug/pe-format#the-idata-section
 *
 * An array of 20-byte IMAGE_IMPORT_DESCRIPTORs {OriginalFirstThunk (ILT),
 * TimeDateStamp, ForwarderChain, Name, FirstThunk (IAT)} ends, as the Windows
 * loader reads it, at the first descriptor whose Name or FirstThunk is 0. Each
 * lookup table is an array of u32 (PE32) or u64 (PE32+) thunks ending with 0;
 * the top bit marks an import by ordinal (low 16 bits), otherwise bits 0–30 are
 * the RVA of {Hint u16, ASCIIZ name}. When OriginalFirstThunk is 0 the IAT is
 * read instead (it holds the same thunks until the image is bound).
 *
 * A table with no terminator before its section's data ends is an anomaly
 * beside the entries read, never a read past it.
 *
 * ```ts
 * parseImports(img, dir, true, log);
 * // [{ dll: 'KERNEL32.dll', functions: [{ name: 'GetTickCount', hint: 799 }], ... },
 * //  { dll: 'ordlib.dll', functions: [{ ordinal: 5 }], ... }]
 * ```
 */
import type { AnomalyLog } from '../errors.ts';
import { SIZEOF } from './constants.ts';
import type { PeImage } from './image.ts';
import type { DataDirectory, ImportedDll, ImportedFunction } from './types.ts';

/** Longest DLL name read (Windows paths are at most 32,767 UTF-16 units). */
export const MAX_DLL_NAME = 4096;

/**
 * How many lookup-table entries all import and delay-import tables may hold
 * together: no more than fit in the file once. Tables that alias each other
 * (descriptors sharing one endless table) would otherwise multiply the result
 * far beyond the file's size.
 */
export class ThunkAllowance {
  private left: number;
  constructor(fileSize: number, is64: boolean) {
    this.left = Math.floor(fileSize / (is64 ? 8 : 4));
  }
  get exhausted(): boolean {
    return this.left <= 0;
  }
  take(img: PeImage, offset: number): void {
    if (this.left-- <= 0) img.reader.fail(offset, 'import lookup tables hold more entries than fit in the file: they overlap');
  }
}

/**
 * The thunks of one import lookup table (or delay-load name table) at `rva`.
 * `toRva` turns a hint/name pointer into an RVA: the identity, or VA − ImageBase
 * for the old VA-based delay-load form.
 */
export function readThunks(
  img: PeImage,
  rva: number,
  is64: boolean,
  what: string,
  log: AnomalyLog,
  allowance: ThunkAllowance,
  toRva: (pointer: number) => number = (p) => p,
): ImportedFunction[] {
  const size = is64 ? 8 : 4;
  const thunks: number[] = []; // lo, hi pairs
  const ended = img.scan(rva, size, what, (v, rel) => {
    const lo = v.u32(rel);
    const hi = is64 ? v.u32(rel + 4) : 0;
    if (lo === 0 && hi === 0) return true;
    allowance.take(img, v.base + rel);
    thunks.push(lo, hi);
    return false;
  });
  if (!ended) log.add(img.locate(rva, what).offset, 'pe.imports.unterminated', `${what} at RVA 0x${rva.toString(16)} has no zero terminator before its section's data ends (${thunks.length / 2} entries read)`);
  const functions: ImportedFunction[] = [];
  for (let i = 0; i < thunks.length; i += 2) {
    const lo = thunks[i]!;
    const hi = thunks[i + 1]!;
    if (((is64 ? hi : lo) & 0x80000000) !== 0) {
      functions.push({ ordinal: lo & 0xffff });
      continue;
    }
    const fn = log.attempt('pe.imports.hintName', () => {
      const at = img.locate(toRva(lo & 0x7fffffff), 'import hint/name');
      if (at.avail < 3) img.reader.fail(at.offset, 'import hint/name: runs past its section');
      const hint = img.reader.view(at.offset, 2, 'import hint').u16(0);
      const name = img.cstrAt({ offset: at.offset + 2, avail: at.avail - 2 }, 'imported function name');
      return { name, hint };
    });
    if (fn) functions.push(fn);
  }
  return functions;
}

interface RawDescriptor {
  ilt: number;
  timeDateStamp: number;
  forwarderChain: number;
  name: number;
  iat: number;
}

export function parseImports(img: PeImage, dir: DataDirectory | undefined, is64: boolean, allowance: ThunkAllowance, log: AnomalyLog): ImportedDll[] {
  if (!dir || dir.rva === 0) return [];
  const raw: RawDescriptor[] = [];
  const ended = img.scan(dir.rva, SIZEOF.IMPORT_DESCRIPTOR, 'import descriptors', (v, rel) => {
    const d = { ilt: v.u32(rel), timeDateStamp: v.u32(rel + 4), forwarderChain: v.u32(rel + 8), name: v.u32(rel + 12), iat: v.u32(rel + 16) };
    if (d.name === 0 || d.iat === 0) return true;
    raw.push(d);
    return false;
  });
  if (!ended) {
    log.add(img.locate(dir.rva, 'import descriptors').offset, 'pe.imports.unterminated', `import descriptors have no terminator before their section's data ends (${raw.length} read)`);
  }
  const dlls: ImportedDll[] = [];
  for (const d of raw) {
    if (allowance.exhausted) {
      log.add(img.locate(dir.rva, 'import descriptors').offset, 'pe.imports.overlap', `import lookup tables hold more entries than fit in the file; ${raw.length - dlls.length} descriptors not read`);
      break;
    }
    const dll = log.attempt('pe.imports.name', () => img.cstr(d.name, 'import DLL name', MAX_DLL_NAME));
    if (dll === undefined) continue;
    const table = d.ilt !== 0 ? d.ilt : d.iat;
    const functions = log.attempt('pe.imports.thunks', () => readThunks(img, table, is64, `import lookup table of ${dll}`, log, allowance)) ?? [];
    dlls.push({ dll, iltRva: d.ilt, iatRva: d.iat, timeDateStamp: d.timeDateStamp, forwarderChain: d.forwarderChain, functions });
  }
  return dlls;
}
