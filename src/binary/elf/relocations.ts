/**
 * Dynamic relocation tables: DT_RELA, DT_REL, DT_JMPREL (PLT, kind by
 * DT_PLTREL) and DT_RELR (packed relative relocations).
 *
 * Spec: System V gABI ch. 4 "Relocation"
 * (https://refspecs.linuxfoundation.org/elf/gabi4+/ch4.reloc.html); RELR from
 * the gABI proposal adopted in 2022 (https://groups.google.com/g/generic-abi/c/bX460iggiKg);
 * type numbers per machine from glibc `elf.h`.
 *
 * Always a summary of each table (where it is, how many relocations it applies);
 * with `entries` also each relocation, for checks that need them (copy
 * relocations, IFUNC resolvers, text relocations).
 *
 * @example
 *   const tables = readRelocations(reader, ctx, { entries: true }, log);
 *   tables[0];  // { name: 'RELA', kind: 'rela', count: 7, entries: [{ typeName: 'R_X86_64_RELATIVE', … }] }
 */
import type { AnomalyLog } from '../errors.ts';
import type { Reader, View } from '../reader.ts';
import { DT, EM, relativeRelocationType, relocationCategory, relocationTypeName, type RelocationCategory } from './constants.ts';
import { dynValue, type ElfDynamicEntry } from './dynamic.ts';
import type { AddressMap } from './segments.ts';
import { sword, TOO_LARGE, word } from './words.ts';

export interface ElfRelocation {
  /** r_offset: the address the relocation writes (a vaddr in executables and shared objects). */
  offset: number;
  type: number;
  /** e.g. R_X86_64_JUMP_SLOT; `unknown (0x…)` for types outside the machine's table. */
  typeName: string;
  category: RelocationCategory;
  /** Index into the dynamic symbol table; 0 for none. */
  symbolIndex: number;
  /** The symbol's name, null when symbolIndex is 0 or the symbol is unknown. */
  symbol: string | null;
  /** r_addend for RELA entries; null for REL and RELR (the addend is in place). */
  addend: number | null;
}

export interface ElfRelocationTable {
  /** Which dynamic tag located the table. */
  name: 'RELA' | 'REL' | 'JMPREL' | 'RELR';
  kind: 'rela' | 'rel' | 'relr';
  /** File range of the table. */
  offset: number;
  length: number;
  vaddr: number;
  entsize: number;
  /** Relocations the table applies (for RELR, decoded from its address and bitmap words). */
  count: number;
  /** Each relocation, when asked for. */
  entries?: ElfRelocation[];
}

export interface RelocationContext {
  entries: readonly ElfDynamicEntry[];
  map: AddressMap;
  /**
   * Most RELR relocations to list: one per word of the loaded file images.
   * RELR packs up to 63 relocations in 8 bytes; this keeps a hostile bitmap
   * table from turning a small file into millions of entries.
   */
  maxRelr: number;
  machine: number;
  is64: boolean;
  /** Name of dynamic symbol `index`, or null. */
  symbolName(index: number): string | null;
}

interface TableSpec {
  name: ElfRelocationTable['name'];
  kind: ElfRelocationTable['kind'];
  addr: number;
  size: number;
  entsize: number | null;
}

function tableSpecs(ctx: RelocationContext, log: AnomalyLog): TableSpec[] {
  const e = ctx.entries;
  const specs: TableSpec[] = [];
  const push = (name: TableSpec['name'], kind: TableSpec['kind'], addrTag: number, sizeTag: number, entTag: number | null): void => {
    const addr = dynValue(e, addrTag);
    if (addr === null) return;
    const size = dynValue(e, sizeTag);
    if (size === null) {
      log.add(0, 'elf.reloc.size', `DT_${name} without its size tag`);
      return;
    }
    specs.push({ name, kind, addr, size, entsize: entTag === null ? null : dynValue(e, entTag) });
  };
  push('RELA', 'rela', DT.RELA, DT.RELASZ, DT.RELAENT);
  push('REL', 'rel', DT.REL, DT.RELSZ, DT.RELENT);
  const pltrel = dynValue(e, DT.PLTREL);
  if (dynValue(e, DT.JMPREL) !== null) {
    let kind: 'rela' | 'rel';
    if (pltrel === DT.RELA) kind = 'rela';
    else if (pltrel === DT.REL) kind = 'rel';
    else {
      kind = dynValue(e, DT.RELA) !== null || (dynValue(e, DT.REL) === null && ctx.is64) ? 'rela' : 'rel';
      log.add(0, 'elf.reloc.pltrel', `DT_PLTREL is ${pltrel === null ? 'missing' : pltrel}; reading DT_JMPREL as ${kind.toUpperCase()}`);
    }
    push('JMPREL', kind, DT.JMPREL, DT.PLTRELSZ, null);
  }
  push('RELR', 'relr', DT.RELR, DT.RELRSZ, DT.RELRENT);
  return specs;
}

function standardEntsize(kind: TableSpec['kind'], is64: boolean): number {
  if (kind === 'rela') return is64 ? 24 : 12;
  if (kind === 'rel') return is64 ? 16 : 8;
  return is64 ? 8 : 4;
}

/** Summaries (and optionally entries) of every dynamic relocation table; each table's failure is its own anomaly. */
export function readRelocations(reader: Reader, ctx: RelocationContext, opts: { entries: boolean }, log: AnomalyLog): ElfRelocationTable[] {
  const out: ElfRelocationTable[] = [];
  for (const spec of tableSpecs(ctx, log)) {
    const t = log.attempt(`elf.reloc.${spec.name.toLowerCase()}`, () => readTable(reader, ctx, spec, opts.entries, log));
    if (t) out.push(t);
  }
  return out;
}

function readTable(reader: Reader, ctx: RelocationContext, spec: TableSpec, withEntries: boolean, log: AnomalyLog): ElfRelocationTable {
  const entsize = standardEntsize(spec.kind, ctx.is64);
  if (spec.entsize !== null && spec.entsize !== entsize) {
    reader.fail(0, `DT_${spec.name}ENT is ${spec.entsize}, not the ${entsize} bytes of an ${spec.kind} entry`);
  }
  const offset = spec.size === 0 ? ctx.map.offsetOf(spec.addr, 0) : ctx.map.offsetOf(spec.addr, spec.size);
  if (offset === null) reader.fail(0, `DT_${spec.name} 0x${spec.addr.toString(16)} (+${spec.size} bytes) is not inside any PT_LOAD file image`);
  const view = reader.view(offset, spec.size, `DT_${spec.name}`);
  if (spec.size % entsize !== 0) log.add(offset, 'elf.reloc.size', `DT_${spec.name} size ${spec.size} is not a multiple of ${entsize}`);
  const n = Math.floor(spec.size / entsize);
  reader.spend(n, offset);
  const table: ElfRelocationTable = { name: spec.name, kind: spec.kind, offset, length: spec.size, vaddr: spec.addr, entsize, count: n };
  if (spec.kind === 'relr') {
    const decoded = decodeRelr(reader, view, n, ctx, withEntries, log);
    table.count = decoded.count;
    if (withEntries) table.entries = decoded.entries;
  } else if (withEntries) {
    table.entries = readEntries(view, n, entsize, spec.kind === 'rela', ctx, log);
  }
  return table;
}

function readEntries(view: View, n: number, entsize: number, rela: boolean, ctx: RelocationContext, log: AnomalyLog): ElfRelocation[] {
  const { is64, machine } = ctx;
  const mips64 = is64 && machine === EM.MIPS;
  const out: ElfRelocation[] = [];
  let dropped = 0;
  for (let i = 0; i < n; i++) {
    const o = i * entsize;
    const offset = word(view, o, is64);
    let sym: number, type: number;
    if (mips64) {
      // Elf64_Mips_Rel: r_sym u32, r_ssym u8, r_type3 u8, r_type2 u8, r_type u8 (in this order in either byte order).
      sym = view.u32(o + 8);
      type = view.u8(o + 15);
    } else if (is64) {
      const lo = view.u32(o + 8 + (view.littleEndian ? 0 : 4));
      const hi = view.u32(o + 8 + (view.littleEndian ? 4 : 0));
      sym = hi;
      type = lo;
    } else {
      const info = view.u32(o + 4);
      sym = info >>> 8;
      type = info & 0xff;
    }
    const addend = rela ? sword(view, o + (is64 ? 16 : 8), is64) : null;
    if (offset === TOO_LARGE || (rela && addend === null)) {
      dropped++;
      continue;
    }
    const typeName = relocationTypeName(machine, type);
    out.push({
      offset,
      type,
      typeName,
      category: relocationCategory(typeName),
      symbolIndex: sym,
      symbol: sym === 0 ? null : ctx.symbolName(sym),
      addend,
    });
  }
  if (dropped > 0) log.add(view.base, 'elf.reloc.range', `${dropped} relocation(s) with an offset or addend beyond 2^53 left out`);
  return out;
}

/**
 * RELR: an even word is an address to relocate (and starts a run); an odd word
 * is a bitmap whose bits 1..(w−1) relocate the following w−1 words.
 */
function decodeRelr(reader: Reader, view: View, n: number, ctx: RelocationContext, withEntries: boolean, log: AnomalyLog): { count: number; entries: ElfRelocation[] } {
  const { is64, machine } = ctx;
  const wordBytes = is64 ? 8 : 4;
  const bitsPerMap = is64 ? 63 : 31;
  const relType = relativeRelocationType(machine) ?? 0;
  const typeName = relocationTypeName(machine, relType);
  const entries: ElfRelocation[] = [];
  let count = 0;
  let where = -1;
  let dropped = 0;
  const emit = (addr: number): void => {
    count++;
    if (withEntries && entries.length < ctx.maxRelr) entries.push({ offset: addr, type: relType, typeName, category: 'relative', symbolIndex: 0, symbol: null, addend: null });
  };
  for (let i = 0; i < n; i++) {
    const o = i * wordBytes;
    const lo = view.u32(o + (is64 && !view.littleEndian ? 4 : 0));
    const hi = is64 ? view.u32(o + (view.littleEndian ? 4 : 0)) : 0;
    if ((lo & 1) === 0) {
      const addr = is64 ? word(view, o, true) : lo;
      if (addr === TOO_LARGE) {
        dropped++;
        where = -1;
        continue;
      }
      emit(addr);
      where = addr + wordBytes;
      continue;
    }
    if (where < 0) {
      log.add(view.base + o, 'elf.relr.bitmap', `RELR bitmap word ${i} has no address word before it`);
      continue;
    }
    if (where + bitsPerMap * wordBytes > Number.MAX_SAFE_INTEGER) {
      dropped++;
      where = -1;
      continue;
    }
    if (withEntries && entries.length < ctx.maxRelr) {
      reader.spend(bitsPerMap, view.base + o);
      for (let b = 1; b <= bitsPerMap; b++) {
        const bit = b < 32 ? (lo >>> b) & 1 : (hi >>> (b - 32)) & 1;
        if (bit) emit(where + (b - 1) * wordBytes);
      }
    } else {
      count += popcount(lo >>> 1) + popcount(hi);
    }
    where += bitsPerMap * wordBytes;
  }
  if (dropped > 0) log.add(view.base, 'elf.relr.range', `${dropped} RELR address(es) beyond 2^53 left out`);
  if (count > ctx.maxRelr) log.add(view.base, 'elf.relr.count', `RELR table applies ${count} relocations, more than the ${ctx.maxRelr} words the loaded segments hold; listing ${ctx.maxRelr}`);
  return { count, entries };
}

function popcount(x: number): number {
  let v = x >>> 0;
  v = v - ((v >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}
