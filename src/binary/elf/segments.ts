/**
 * Program headers (Elf32_Phdr / Elf64_Phdr), the vaddr → file offset map the
 * dynamic section needs, PT_INTERP and PT_GNU_STACK.
 *
 * Spec: System V gABI ch. 5 "Program Header"
 * (https://refspecs.linuxfoundation.org/elf/gabi4+/ch5.pheader.html);
 * PT_GNU_* from binutils `include/elf/common.h`.
 *
 * DT_* values are virtual addresses. They are turned into file offsets through
 * the PT_LOAD segments, as the dynamic loader sees the file, so a file whose
 * section headers were stripped reads the same.
 *
 * @example
 *   const phdrs = readProgramHeaders(reader, raw, phnum, log);
 *   const map = AddressMap.fromSegments(phdrs);
 *   map.offsetOf(dtStrtab, dtStrsz);   // file offset of .dynstr, or null
 */
import type { AnomalyLog } from '../errors.ts';
import type { Reader } from '../reader.ts';
import { flagNames, PF_NAMES, PF_X, PT, segmentTypeName } from './constants.ts';
import type { RawHeader } from './header.ts';
import { TOO_LARGE, word } from './words.ts';

export interface ElfProgramHeader {
  index: number;
  type: number;
  /** LOAD, DYNAMIC, GNU_STACK, … as `readelf -l` prints them. */
  typeName: string;
  flags: number;
  /** 'R', 'W', 'X'. */
  flagNames: string[];
  offset: number;
  vaddr: number;
  paddr: number;
  filesz: number;
  memsz: number;
  align: number;
}

const PHDR32_SIZE = 32;
const PHDR64_SIZE = 56;

/**
 * Reads `count` program headers (the count after PN_XNUM is resolved). A table
 * that does not fit in the file throws (the caller makes it an anomaly); an
 * entry with a 64-bit field beyond 2^53 is left out with an anomaly.
 */
export function readProgramHeaders(reader: Reader, raw: RawHeader, count: number, log: AnomalyLog): ElfProgramHeader[] {
  const { header, is64 } = raw;
  if (count === 0 || header.phoff === 0) return [];
  const min = is64 ? PHDR64_SIZE : PHDR32_SIZE;
  const entsize = header.phentsize;
  if (entsize < min) reader.fail(is64 ? 54 : 42, `e_phentsize ${entsize} is smaller than the ${min}-byte program header`);
  const table = reader.view(header.phoff, count * entsize, 'program header table');
  reader.spend(count, header.phoff);
  const out: ElfProgramHeader[] = [];
  for (let i = 0; i < count; i++) {
    const o = i * entsize;
    const type = table.u32(o);
    let flags: number, offset: number, vaddr: number, paddr: number, filesz: number, memsz: number, align: number;
    if (is64) {
      flags = table.u32(o + 4);
      offset = word(table, o + 8, true);
      vaddr = word(table, o + 16, true);
      paddr = word(table, o + 24, true);
      filesz = word(table, o + 32, true);
      memsz = word(table, o + 40, true);
      align = word(table, o + 48, true);
    } else {
      offset = table.u32(o + 4);
      vaddr = table.u32(o + 8);
      paddr = table.u32(o + 12);
      filesz = table.u32(o + 16);
      memsz = table.u32(o + 20);
      flags = table.u32(o + 24);
      align = table.u32(o + 28);
    }
    if (offset === TOO_LARGE || vaddr === TOO_LARGE || paddr === TOO_LARGE || filesz === TOO_LARGE || memsz === TOO_LARGE || align === TOO_LARGE) {
      log.add(table.base + o, 'elf.phdr.range', `program header ${i} has a 64-bit field of 2^53 or more; left out`);
      continue;
    }
    if (filesz > 0 && offset + filesz > reader.size) {
      log.add(table.base + o, 'elf.segment.truncated', `${segmentTypeName(type, header.machine)} segment ${i} [0x${offset.toString(16)}, +0x${filesz.toString(16)}) runs past the ${reader.size}-byte file`);
    }
    out.push({
      index: i,
      type,
      typeName: segmentTypeName(type, header.machine),
      flags,
      flagNames: flagNames(flags, PF_NAMES),
      offset,
      vaddr,
      paddr,
      filesz,
      memsz,
      align,
    });
  }
  return out;
}

/** PT_INTERP's path (NUL-terminated inside the segment). */
export function readInterpreter(reader: Reader, phdrs: readonly ElfProgramHeader[]): string | null {
  const p = phdrs.find((h) => h.type === PT.INTERP);
  if (!p) return null;
  const v = reader.view(p.offset, p.filesz, 'PT_INTERP');
  return v.cstr(0, Math.min(p.filesz, 4096));
}

/** null when there is no PT_GNU_STACK (the loader then picks a per-arch default, executable on older x86). */
export function gnuStack(phdrs: readonly ElfProgramHeader[]): { executable: boolean } | null {
  const p = phdrs.find((h) => h.type === PT.GNU_STACK);
  return p ? { executable: (p.flags & PF_X) !== 0 } : null;
}

interface Range {
  vaddr: number;
  offset: number;
  filesz: number;
}

/** vaddr → file offset through the file images of PT_LOAD segments (or allocated sections, without segments). */
export class AddressMap {
  private constructor(private readonly ranges: readonly Range[]) {}

  static fromSegments(phdrs: readonly ElfProgramHeader[]): AddressMap {
    return new AddressMap(phdrs.filter((p) => p.type === PT.LOAD && p.filesz > 0).map((p) => ({ vaddr: p.vaddr, offset: p.offset, filesz: p.filesz })));
  }

  /** For files without PT_LOAD (relocatable objects): allocated, non-NOBITS sections. */
  static fromSections(sections: ReadonlyArray<{ type: number; flags: number; addr: number; offset: number; size: number }>): AddressMap {
    const SHF_ALLOC = 0x2;
    const SHT_NOBITS = 8;
    return new AddressMap(
      sections.filter((s) => (s.flags & SHF_ALLOC) !== 0 && s.type !== SHT_NOBITS && s.size > 0).map((s) => ({ vaddr: s.addr, offset: s.offset, filesz: s.size })),
    );
  }

  get empty(): boolean {
    return this.ranges.length === 0;
  }

  /** File offset of `[va, va + length)` when one range holds all of it in its file image, else null. */
  offsetOf(va: number, length: number): number | null {
    for (const r of this.ranges) {
      if (va >= r.vaddr && va + length <= r.vaddr + r.filesz) return r.offset + (va - r.vaddr);
    }
    return null;
  }

  /**
   * Where `va` lies in the file and how many bytes follow it in the same range:
   * the bound for a table whose size the file does not state (verneed, GNU hash chains).
   */
  extent(va: number): { offset: number; length: number } | null {
    for (const r of this.ranges) {
      if (va >= r.vaddr && va < r.vaddr + r.filesz) return { offset: r.offset + (va - r.vaddr), length: r.filesz - (va - r.vaddr) };
    }
    return null;
  }
}
