/**
 * The LC_SYMTAB symbol table: `nlist` (12 bytes) / `nlist_64` (16 bytes)
 * entries and their string table. Spec: `<mach-o/nlist.h>`, and
 * `<mach-o/loader.h>` for two-level-namespace library ordinals
 * (`GET_LIBRARY_ORDINAL(n_desc)` = n_desc >> 8).
 *
 * The entry table and the string table are each read as one view, so `nsyms`
 * is capped by what lies in the slice before anything is allocated. An
 * `n_strx` outside the string table gives a symbol with a null name and one
 * summary anomaly. Every byte scanned for a name is charged to the work budget:
 * names may overlap (many n_strx into one long string), so without it their
 * total length — and the result — would not be bounded by the file's size.
 */
import type { AnomalyLog } from '../errors.ts';
import { DEFAULT_MAX_STRING, decodeUtf8, type Reader } from '../reader.ts';
import {
  DYNAMIC_LOOKUP_ORDINAL,
  EXECUTABLE_ORDINAL,
  MH_TWOLEVEL,
  NLIST_64_SIZE,
  NLIST_SIZE,
  N_EXT,
  N_PBUD,
  N_PEXT,
  N_STAB,
  N_TYPE,
  N_UNDF,
  N_WEAK_DEF,
  N_WEAK_REF,
  SELF_LIBRARY_ORDINAL,
  symbolTypeName,
} from './constants.ts';
import type { MachHeader } from './header.ts';
import type { MachOSymbol, SymtabInfo } from './types.ts';

export interface SymbolTable {
  symbols: MachOSymbol[];
  stabCount: number;
  omitted: number;
}

/** `keepDefined`, when given, decides which defined symbols are listed (see ParseOptions in ../index.ts); the others are counted. */
export function parseSymbols(
  reader: Reader,
  header: MachHeader,
  symtab: SymtabInfo,
  ordinalNames: (string | null)[],
  log: AnomalyLog,
  keepDefined?: (name: string) => boolean,
): SymbolTable {
  const entSize = header.bits === 64 ? NLIST_64_SIZE : NLIST_SIZE;
  const { symoff, nsyms, stroff, strsize } = symtab;
  // Fails (→ anomaly for the whole table) unless all nsyms entries lie in the slice.
  if (nsyms > Math.floor(reader.size / entSize)) {
    reader.fail(symoff, `symbol table: nsyms ${nsyms} × ${entSize} bytes cannot fit in the ${reader.size}-byte slice`);
  }
  const table = reader.view(symoff, nsyms * entSize, 'symbol table');
  const strtab = reader.view(stroff, strsize, 'string table');
  const twoLevel = (header.flags & MH_TWOLEVEL) !== 0;

  const symbols: MachOSymbol[] = [];
  let stabCount = 0;
  let badNames = 0;
  let firstBadName = -1;
  let badOrdinals = 0;
  let bigValues = 0;
  let omitted = 0;
  for (let i = 0; i < nsyms; i++) {
    const e = i * entSize;
    reader.spend(1, symoff + e);
    const nType = table.u8(e + 4);
    if ((nType & N_STAB) !== 0) {
      stabCount++;
      continue;
    }
    const strx = table.u32(e);
    const sectionIndex = table.u8(e + 5);
    const desc = table.u16(e + 6);
    let value: number | null;
    if (entSize === NLIST_64_SIZE) {
      const big = table.u64big(e + 8);
      value = big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : null;
      if (value === null) bigValues++;
    } else {
      value = table.u32(e + 8);
    }

    const name = symbolName(strtab.bytes, strx, reader, stroff);
    if (name === null) {
      badNames++;
      if (firstBadName < 0) firstBadName = i;
    }

    const kind = nType & N_TYPE;
    const common = kind === N_UNDF && value !== 0 && (nType & N_EXT) !== 0;
    const undefinedRef = (kind === N_UNDF && !common) || kind === N_PBUD;
    let libraryOrdinal: number | null = null;
    let library: string | null = null;
    if (undefinedRef && twoLevel) {
      libraryOrdinal = desc >>> 8;
      if (libraryOrdinal !== SELF_LIBRARY_ORDINAL && libraryOrdinal !== DYNAMIC_LOOKUP_ORDINAL && libraryOrdinal !== EXECUTABLE_ORDINAL) {
        library = ordinalNames[libraryOrdinal - 1] ?? null;
        if (libraryOrdinal > ordinalNames.length) badOrdinals++;
      }
    }
    const defined = kind !== N_UNDF && kind !== N_PBUD;
    if (defined && keepDefined && !keepDefined(name ?? '')) {
      omitted++;
      continue;
    }
    symbols.push({
      name,
      type: symbolTypeName(nType),
      nType,
      sectionIndex,
      desc,
      external: (nType & N_EXT) !== 0,
      privateExternal: (nType & N_PEXT) !== 0,
      defined,
      common,
      libraryOrdinal,
      library,
      weakRef: (desc & N_WEAK_REF) !== 0,
      // For undefined symbols bit 0x80 means N_REF_TO_WEAK, not a weak definition.
      weakDef: defined && (desc & N_WEAK_DEF) !== 0,
      value,
    });
  }
  if (badNames > 0) {
    log.add(symoff + firstBadName * entSize, 'macho.symtab.strx', `${badNames} symbols have an n_strx outside the ${strsize}-byte string table or an unterminated name`);
  }
  if (badOrdinals > 0) {
    log.add(symoff, 'macho.symtab.ordinal', `${badOrdinals} undefined symbols name a library ordinal beyond the ${ordinalNames.length} dylibs loaded`);
  }
  if (bigValues > 0) log.add(symoff, 'macho.symtab.value', `${bigValues} symbols have an n_value of 2^53 or more (given as null)`);
  return { symbols, stabCount, omitted };
}

/** The NUL-terminated name at `strx`, or null if it starts or runs outside the table. */
function symbolName(strtab: Uint8Array, strx: number, reader: Reader, stroff: number): string | null {
  if (strx >= strtab.byteLength) return null;
  const window = strtab.subarray(strx, Math.min(strtab.byteLength, strx + DEFAULT_MAX_STRING + 1));
  const nul = window.indexOf(0);
  // One unit per byte scanned: the names decoded (and so the result) stay within a small multiple of the file size.
  reader.spend(nul < 0 ? window.byteLength : nul, stroff + strx);
  if (nul < 0) return null;
  return decodeUtf8(window.subarray(0, nul));
}
