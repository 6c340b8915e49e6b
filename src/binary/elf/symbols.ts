/**
 * The dynamic symbol table (Elf32_Sym / Elf64_Sym) and how many entries it has.
 *
 * Spec: System V gABI ch. 4 "Symbol Table"
 * (https://refspecs.linuxfoundation.org/elf/gabi4+/ch4.symtab.html); DT_HASH in
 * gABI ch. 5 "Hash Table"; DT_GNU_HASH as implemented by glibc
 * (`elf/dl-lookup.c`) and described in https://flapenguin.me/elf-dt-gnu-hash.
 *
 * The dynamic section gives DT_SYMTAB's address but not its length. The count
 * comes from the SHT_DYNSYM section when there is one; otherwise from DT_HASH's
 * nchain, or by walking DT_GNU_HASH to the end of the highest bucket's chain
 * (what `readelf -D` does). Every count is capped by what fits in the bytes the
 * table can occupy.
 *
 * @example
 *   const n = countFromGnuHash(reader, { offset: 0x2f0, length: 0x1000 }, true);  // 2345
 *   const { symbols } = readSymbols(reader, symView, n, true, strtab, log);
 *   syms[1];  // { name: 'pthread_create', bindName: 'GLOBAL', defined: false, … }
 */
import type { AnomalyLog } from '../errors.ts';
import type { Reader, View } from '../reader.ts';
import { SHN_LORESERVE, SHN_UNDEF, specialSectionIndexName, symbolBindName, symbolTypeName, symbolVisibilityName } from './constants.ts';
import type { StringTable } from './strings.ts';
import { TOO_LARGE } from './words.ts';

export interface ElfSymbolVersion {
  name: string;
  /** versym bit 0x8000: not the default version (`sym@VER`, not `sym@@VER`). */
  hidden: boolean;
  /** 'needed': a version of another library (verneed); 'defined': one this file defines (verdef). */
  source: 'needed' | 'defined';
  /** The library a needed version comes from (vn_file). */
  file?: string;
}

export interface ElfSymbol {
  /** Position in the table (relocations and versym refer to it). */
  index: number;
  name: string;
  value: number;
  size: number;
  type: number;
  /** NOTYPE, OBJECT, FUNC, TLS, GNU_IFUNC, … */
  typeName: string;
  bind: number;
  /** LOCAL, GLOBAL, WEAK, GNU_UNIQUE */
  bindName: string;
  visibility: number;
  visibilityName: string;
  shndx: number;
  /** 'UND', 'ABS', 'COM' for the special indexes; null for an ordinary section index. */
  shndxName: string | null;
  /** st_shndx ≠ SHN_UNDEF. */
  defined: boolean;
  /** From versym: null for unversioned (versym 0/1) or when the file has no versym. */
  version: ElfSymbolVersion | null;
}

export function symbolEntrySize(is64: boolean): number {
  return is64 ? 24 : 16;
}

/**
 * Reads `count` symbols starting at the view's start; the caller has capped
 * count to what fits. Names outside the string table become '' with one
 * anomaly for the table; an entry with a value or size of 2^53 or more is left
 * out (the rest keep their `index`).
 */
/**
 * `keepDefined`, when given, decides which defined symbols become objects
 * (undefined ones always do); the others are only counted in `omitted`. A
 * library exporting 200,000 C++ symbols costs about 100 MB as objects, and the
 * audit looks at few of them.
 */
export function readSymbols(
  reader: Reader,
  view: View,
  count: number,
  is64: boolean,
  strtab: StringTable | null,
  log: AnomalyLog,
  keepDefined?: (name: string) => boolean,
): { symbols: ElfSymbol[]; omitted: number } {
  const entsize = symbolEntrySize(is64);
  if (!view.has(0, count * entsize)) view.fail(0, `${count} symbols do not fit in ${view.length} bytes`);
  reader.spend(count, view.base);
  // The loop stays inside the range just checked; a DataView over exactly the
  // View's bytes avoids a bounds check per field (this is the hot loop).
  const b = view.bytes;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const le = view.littleEndian;
  const out: ElfSymbol[] = [];
  let badNames = 0;
  let firstBad = 0;
  let badValues = 0;
  let omitted = 0;
  for (let i = 0; i < count; i++) {
    const o = i * entsize;
    const nameOff = dv.getUint32(o, le);
    let info: number, other: number, shndx: number, value: number, size: number;
    if (is64) {
      info = dv.getUint8(o + 4);
      other = dv.getUint8(o + 5);
      shndx = dv.getUint16(o + 6, le);
      value = u64(dv, o + 8, le);
      size = u64(dv, o + 16, le);
    } else {
      value = dv.getUint32(o + 4, le);
      size = dv.getUint32(o + 8, le);
      info = dv.getUint8(o + 12);
      other = dv.getUint8(o + 13);
      shndx = dv.getUint16(o + 14, le);
    }
    if (value === TOO_LARGE || size === TOO_LARGE) {
      badValues++;
      continue;
    }
    let name = '';
    if (nameOff !== 0) {
      const s = strtab ? strtab.get(nameOff) : null;
      if (s === null) {
        if (badNames++ === 0) firstBad = nameOff;
      } else name = s;
    }
    if (keepDefined && shndx !== SHN_UNDEF && !keepDefined(name)) {
      omitted++;
      continue;
    }
    const type = info & 0xf;
    const bind = info >> 4;
    const visibility = other & 0x3;
    out.push({
      index: i,
      name,
      value,
      size,
      type,
      typeName: TYPE_NAMES[type]!,
      bind,
      bindName: BIND_NAMES[bind]!,
      visibility,
      visibilityName: VISIBILITY_NAMES[visibility]!,
      shndx,
      shndxName: shndx === 0 || shndx >= SHN_LORESERVE ? specialSectionIndexName(shndx) : null,
      defined: shndx !== SHN_UNDEF,
      version: null,
    });
  }
  if (badValues > 0) log.add(view.base, 'elf.dynsym.range', `${badValues} symbol(s) with a value or size of 2^53 or more left out`);
  if (badNames > 0 && strtab) log.add(strtab.base, 'elf.dynsym.name', `${badNames} symbol name(s) outside the ${strtab.length}-byte string table or unterminated (first at +${firstBad})`);
  return { symbols: out, omitted };
}

/** Names for every 4-bit type / bind and 2-bit visibility, computed once. */
const TYPE_NAMES = Array.from({ length: 16 }, (_, i) => symbolTypeName(i));
const BIND_NAMES = Array.from({ length: 16 }, (_, i) => symbolBindName(i));
const VISIBILITY_NAMES = Array.from({ length: 4 }, (_, i) => symbolVisibilityName(i));

function u64(dv: DataView, at: number, le: boolean): number {
  const lo = dv.getUint32(at + (le ? 0 : 4), le);
  const hi = dv.getUint32(at + (le ? 4 : 0), le);
  return hi >= 0x200000 ? TOO_LARGE : hi * 2 ** 32 + lo;
}

/** Where a table starts in the file and how many bytes it may occupy (to the end of its segment's file image). */
export interface Extent {
  offset: number;
  length: number;
}

/** DT_HASH: nbucket, nchain, buckets[nbucket], chains[nchain]; nchain is the symbol count. */
export function countFromHash(reader: Reader, at: Extent): number {
  const head = reader.view(at.offset, Math.min(8, at.length), 'DT_HASH header');
  const nbucket = head.u32(0);
  const nchain = head.u32(4);
  // The whole table must fit for the count to be believable.
  const need = 8 + 4 * (nbucket + nchain);
  if (need > at.length) {
    reader.fail(at.offset, `DT_HASH with nbucket ${nbucket} and nchain ${nchain} needs ${need} bytes; ${at.length} are mapped`);
  }
  return nchain;
}

/** Chain words read per View while walking DT_GNU_HASH. */
const CHAIN_CHUNK = 1024;

/**
 * DT_GNU_HASH: nbuckets, symoffset, bloom_size, bloom_shift; bloom words
 * (native size); buckets u32[nbuckets]; then one chain word per symbol from
 * symoffset on, the last of each chain with bit 0 set. The count is one past
 * the end of the chain that starts at the highest bucket; null when every
 * bucket is empty (the table then does not tell).
 */
export function countFromGnuHash(reader: Reader, at: Extent, is64: boolean): number | null {
  const head = reader.view(at.offset, Math.min(16, at.length), 'DT_GNU_HASH header');
  const nbuckets = head.u32(0);
  const symoffset = head.u32(4);
  const bloomSize = head.u32(8);
  const bucketsAt = 16 + bloomSize * (is64 ? 8 : 4);
  if (bucketsAt + 4 * nbuckets > at.length) {
    reader.fail(at.offset, `DT_GNU_HASH with ${bloomSize} bloom words and ${nbuckets} buckets needs more than the ${at.length} mapped bytes`);
  }
  reader.spend(1 + (nbuckets >> 4), at.offset);
  const buckets = reader.view(at.offset + bucketsAt, 4 * nbuckets, 'DT_GNU_HASH buckets');
  let max = 0;
  for (let i = 0; i < nbuckets; i++) {
    const b = buckets.u32(4 * i);
    if (b > max) max = b;
  }
  // Every bucket empty: nothing is hashed, and symoffset is not a reliable count (GNU ld leaves
  // it at 1 with undefined symbols after it). Like readelf and BFD, report no count.
  if (max === 0) return null;
  if (max < symoffset) reader.fail(buckets.base, `DT_GNU_HASH bucket value ${max} is below symoffset ${symoffset}`);
  const chainsAt = bucketsAt + 4 * nbuckets;
  const limit = Math.floor((at.length - chainsAt) / 4);
  let i = max - symoffset;
  if (i >= limit) reader.fail(at.offset + chainsAt, `DT_GNU_HASH chain ${i} for bucket value ${max} is beyond the ${at.length} mapped bytes`);
  for (;;) {
    const n = Math.min(CHAIN_CHUNK, limit - i);
    if (n <= 0) reader.fail(at.offset + chainsAt, `DT_GNU_HASH chain from symbol ${max} has no end inside the mapped bytes`);
    reader.spend(n >> 4, at.offset + chainsAt + 4 * i);
    const chunk = reader.view(at.offset + chainsAt + 4 * i, 4 * n, 'DT_GNU_HASH chain');
    for (let k = 0; k < n; k++) {
      if (chunk.u32(4 * k) & 1) return symoffset + i + k + 1;
    }
    i += n;
  }
}
