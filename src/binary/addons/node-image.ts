/**
 * One view of a parsed binary (or one slice of a fat Mach-O) in the terms the
 * Node addon analysis needs, the same for ELF, Mach-O and PE:
 *
 * - imports (with the library they come from and whether they are PE delay
 *   imports) and exports (name → address), Mach-O's leading '_' removed;
 * - `locate(address)`: where an address of the loaded image lies in the file,
 *   through PT_LOAD segments (ELF), segments (Mach-O) or sections (PE, RVAs);
 * - the read-only data regions (strings live there) and the writable data
 *   regions (a static `node_module` struct lives there);
 * - how a pointer stored in data reads as an address of the image (PE:
 *   minus ImageBase; Mach-O: the low 36 bits of a chained-fixup rebase too).
 *
 * Addresses are the format's own: ELF and Mach-O virtual addresses, PE RVAs.
 * Offsets are relative to `reader`, which reads the slice (a window of the
 * source for a fat Mach-O slice).
 */
import type { Arch } from '../arch.ts';
import { BinaryParseError } from '../errors.ts';
import type { ParsedBinary } from '../index.ts';
import type { ElfFile } from '../elf/parse.ts';
import { AddressMap } from '../elf/segments.ts';
import { PF_W, PF_X, PT, SHT } from '../elf/constants.ts';
import type { MachOSlice } from '../macho/types.ts';
import { SECTION_TYPE_MASK, S_ZEROFILL } from '../macho/constants.ts';
import type { PeFile } from '../pe/types.ts';
import { PeImage } from '../pe/image.ts';
import { SECTION_CHARACTERISTICS as SCN } from '../pe/constants.ts';
import { Reader } from '../reader.ts';
import { windowSource, type ByteSource } from '../source.ts';

export interface AddonImport {
  name: string;
  /** The DLL (PE), the install name a two-level-namespace ordinal selects (Mach-O), null otherwise (ELF, flat lookup). */
  library: string | null;
  /** A PE delay import (loaded on first call). */
  delayLoaded: boolean;
}

export interface Region {
  /** Section or segment name, for messages. */
  name: string;
  addr: number;
  offset: number;
  length: number;
}

export interface Located {
  offset: number;
  /** Bytes from `offset` in the same segment/section that the file holds. */
  avail: number;
}

export interface AddonImage {
  format: 'elf' | 'macho' | 'pe';
  arch: Arch;
  bits: 32 | 64;
  littleEndian: boolean;
  /** Absolute offset of the image in the source (a fat Mach-O slice); 0 otherwise. */
  sliceOffset: number;
  reader: Reader;
  imports: AddonImport[];
  /** Exported name → address; for a Thumb function the address has bit 0 set, as the symbol stores it. */
  exports: Map<string, number>;
  /** Exports that are Thumb code by a flag other than bit 0 (Mach-O N_ARM_THUMB_DEF; every PE ARM function). */
  thumbExports: Set<string>;
  /** Defined symbols the parse left out (its `keepDefinedSymbol` filter): an export we look for may be missing. */
  omittedExports: number;
  locate(addr: number): Located | null;
  rodata: Region[];
  data: Region[];
  /**
   * The addresses a pointer-sized word stored in data can stand for (before
   * relocation), given as its low and high 32 bits (`hi` 0 in 32-bit images).
   */
  storedPointer(lo: number, hi: number): number[];
  /** The ELF parse, for its relocations. */
  elf: ElfFile | null;
}

const TWO_32 = 2 ** 32;

/** One AddonImage per binary, per slice for a fat Mach-O. */
export function addonImages(src: ByteSource, bin: ParsedBinary): AddonImage[] {
  switch (bin.format) {
    case 'elf':
      return [elfImage(src, bin)];
    case 'macho':
      return bin.slices.map((s) => machoImage(src, s));
    case 'pe':
      return [peImage(src, bin)];
  }
}

// ---------------------------------------------------------------- ELF

const SHF_WRITE = 0x1;
const SHF_ALLOC = 0x2;
const SHF_EXECINSTR = 0x4;

function elfImage(src: ByteSource, elf: ElfFile): AddonImage {
  const reader = new Reader(src, 'elf', elf.header.endianness === 'little');
  let map = AddressMap.fromSegments(elf.programHeaders);
  if (map.empty) map = AddressMap.fromSections(elf.sections);
  const imports: AddonImport[] = [];
  const exports = new Map<string, number>();
  for (const s of elf.dynamicSymbols) {
    if (!s.name) continue;
    if (!s.defined) imports.push({ name: s.name, library: null, delayLoaded: false });
    else if (s.bindName === 'GLOBAL' || s.bindName === 'WEAK') exports.set(s.name, s.value);
  }
  const inFile = (offset: number, length: number) => Math.max(0, Math.min(length, reader.size - offset));
  let rodata: Region[];
  let data: Region[];
  const progbits = elf.sections.filter((s) => s.type === SHT.PROGBITS && (s.flags & SHF_ALLOC) !== 0 && s.size > 0 && s.offset < reader.size);
  if (progbits.length > 0) {
    const region = (s: (typeof progbits)[number]): Region => ({ name: s.name, addr: s.addr, offset: s.offset, length: inFile(s.offset, s.size) });
    rodata = progbits.filter((s) => (s.flags & (SHF_WRITE | SHF_EXECINSTR)) === 0).map(region);
    data = progbits.filter((s) => (s.flags & SHF_WRITE) !== 0).map(region);
  } else {
    const loads = elf.programHeaders.filter((p) => p.type === PT.LOAD && p.filesz > 0 && p.offset < reader.size);
    const region = (p: (typeof loads)[number]): Region => ({ name: `LOAD[${p.index}]`, addr: p.vaddr, offset: p.offset, length: inFile(p.offset, p.filesz) });
    rodata = loads.filter((p) => (p.flags & (PF_W | PF_X)) === 0).map(region);
    if (rodata.length === 0) rodata = loads.filter((p) => (p.flags & PF_W) === 0).map(region);
    data = loads.filter((p) => (p.flags & PF_W) !== 0).map(region);
  }
  return {
    format: 'elf',
    arch: elf.header.arch,
    bits: elf.header.class,
    littleEndian: elf.header.endianness === 'little',
    sliceOffset: 0,
    reader,
    imports,
    exports,
    thumbExports: new Set(),
    omittedExports: elf.omittedDefinedSymbols,
    locate(addr) {
      const e = map.extent(addr);
      if (!e) return null;
      const avail = Math.min(e.length, reader.size - e.offset);
      return avail > 0 ? { offset: e.offset, avail } : null;
    },
    rodata,
    data,
    storedPointer(lo, hi) {
      return hi < 0x200000 ? [hi * TWO_32 + lo] : [];
    },
    elf,
  };
}

// ---------------------------------------------------------------- Mach-O

const VM_PROT_WRITE = 0x2;
const S_CSTRING_LITERALS = 0x2;
const S_ATTR_PURE_INSTRUCTIONS = 0x80000000;
const S_ATTR_SOME_INSTRUCTIONS = 0x400;
const N_ARM_THUMB_DEF = 0x0008;
/** DYLD_CHAINED_PTR_64(_OFFSET) rebase: target in the low 36 bits, bind flag in bit 63. */
const CHAINED_TARGET_HIGH_MASK = 0xf;

function stripUnderscore(name: string): string {
  return name.startsWith('_') ? name.slice(1) : name;
}

function machoImage(src: ByteSource, slice: MachOSlice): AddonImage {
  const reader = new Reader(windowSource(src, slice.offset, slice.size), 'macho', slice.endianness === 'little');
  const imports: AddonImport[] = [];
  const exports = new Map<string, number>();
  const thumbExports = new Set<string>();
  for (const s of slice.symbols) {
    if (!s.name || !s.external) continue;
    const name = stripUnderscore(s.name);
    if (!s.defined && !s.common) imports.push({ name, library: s.library, delayLoaded: false });
    else if (s.defined && !s.privateExternal && s.value !== null) {
      exports.set(name, s.value);
      if ((s.desc & N_ARM_THUMB_DEF) !== 0) thumbExports.add(name);
    }
  }
  const segments = slice.segments.filter((g) => g.filesize > 0);
  const text = slice.segments.find((g) => g.segname === '__TEXT');
  const rodata: Region[] = [];
  const data: Region[] = [];
  for (const g of segments) {
    for (const s of g.sections) {
      const type = s.flags & SECTION_TYPE_MASK;
      if (type === S_ZEROFILL || s.size === 0 || s.offset === 0 || s.offset >= reader.size) continue;
      const region: Region = { name: `${s.segname},${s.sectname}`, addr: s.addr, offset: s.offset, length: Math.min(s.size, reader.size - s.offset) };
      const code = (s.flags & (S_ATTR_PURE_INSTRUCTIONS | S_ATTR_SOME_INSTRUCTIONS)) !== 0;
      if ((g.initprot & VM_PROT_WRITE) !== 0) data.push(region);
      else if (!code && (type === S_CSTRING_LITERALS || s.sectname === '__const')) rodata.push(region);
    }
  }
  return {
    format: 'macho',
    arch: slice.arch,
    bits: slice.bits,
    littleEndian: slice.endianness === 'little',
    sliceOffset: slice.offset,
    reader,
    imports,
    exports,
    thumbExports,
    omittedExports: slice.omittedDefinedSymbols,
    locate(addr) {
      for (const g of segments) {
        if (addr >= g.vmaddr && addr < g.vmaddr + g.filesize) {
          const offset = g.fileoff + (addr - g.vmaddr);
          const avail = Math.min(g.filesize - (addr - g.vmaddr), reader.size - offset);
          return avail > 0 ? { offset, avail } : null;
        }
      }
      return null;
    },
    rodata,
    data,
    storedPointer(lo, hi) {
      if (slice.bits === 32) return [lo];
      if ((hi & 0x80000000) !== 0) return []; // a chained bind, or no plain pointer
      const plain = hi < 0x200000 ? [hi * TWO_32 + lo] : [];
      const target36 = (hi & CHAINED_TARGET_HIGH_MASK) * TWO_32 + lo;
      const out = new Set<number>([...plain, target36]);
      if (text) out.add(text.vmaddr + target36); // DYLD_CHAINED_PTR_64_OFFSET: an offset from the image start
      return [...out];
    },
    elf: null,
  };
}

// ---------------------------------------------------------------- PE

function peImage(src: ByteSource, pe: PeFile): AddonImage {
  const reader = new Reader(src, 'pe', true);
  const img = new PeImage(reader, pe.sections, pe.optional.sizeOfHeaders);
  const imports: AddonImport[] = [];
  for (const d of pe.imports) for (const f of d.functions) if (f.name) imports.push({ name: f.name, library: d.dll, delayLoaded: false });
  for (const d of pe.delayImports) for (const f of d.functions) if (f.name) imports.push({ name: f.name, library: d.dll, delayLoaded: true });
  const exports = new Map<string, number>();
  const thumbExports = new Set<string>();
  const thumbMachine = pe.coff.arch === 'arm';
  for (const f of pe.exports?.functions ?? []) {
    if (f.rva === undefined) continue;
    for (const n of f.names) {
      exports.set(n, f.rva);
      if (thumbMachine) thumbExports.add(n);
    }
  }
  const initialized = pe.sections.filter((s) => (s.characteristics & SCN.IMAGE_SCN_CNT_INITIALIZED_DATA) !== 0 && s.sizeOfRawData > 0 && s.pointerToRawData < reader.size);
  const region = (s: (typeof initialized)[number]): Region => ({
    name: s.name,
    addr: s.virtualAddress,
    offset: s.pointerToRawData,
    length: Math.min(s.sizeOfRawData, s.virtualSize > 0 ? s.virtualSize : s.sizeOfRawData, reader.size - s.pointerToRawData),
  });
  const rodata = initialized
    .filter((s) => (s.characteristics & (SCN.IMAGE_SCN_MEM_WRITE | SCN.IMAGE_SCN_MEM_EXECUTE)) === 0)
    .map(region);
  const data = initialized.filter((s) => (s.characteristics & SCN.IMAGE_SCN_MEM_WRITE) !== 0).map(region);
  const base = pe.optional.imageBase;
  const is64 = pe.optional.magic === 'PE32+';
  return {
    format: 'pe',
    arch: pe.coff.arch,
    bits: is64 ? 64 : 32,
    littleEndian: true,
    sliceOffset: 0,
    reader,
    imports,
    exports,
    thumbExports,
    omittedExports: pe.exports?.omitted ?? 0,
    locate(rva) {
      try {
        const at = img.locate(rva, 'address');
        return { offset: at.offset, avail: at.avail };
      } catch (e) {
        if (e instanceof BinaryParseError) return null;
        throw e;
      }
    },
    rodata,
    data,
    storedPointer(lo, hi) {
      if (base === null) return [];
      const value = is64 ? (hi < 0x200000 ? hi * TWO_32 + lo : null) : lo;
      if (value === null || value < base) return [];
      return [value - base];
    },
    elf: null,
  };
}
