/**
 * Section headers (Elf32_Shdr / Elf64_Shdr), their names from the section-name
 * string table, and extended numbering.
 *
 * Spec: System V gABI ch. 4 "Sections"
 * (https://refspecs.linuxfoundation.org/elf/gabi4+/ch4.sheader.html). When a
 * file has 0xff00 or more sections, e_shnum is 0 and section 0's sh_size holds
 * the count; e_shstrndx = SHN_XINDEX puts the index in section 0's sh_link; and
 * e_phnum = PN_XNUM puts the program header count in section 0's sh_info.
 *
 * Sections are optional at run time (`llvm-objcopy --strip-sections` removes
 * them), so nothing the loader uses is read from here when the dynamic section
 * has it.
 *
 * @example
 *   const counts = readSectionZero(reader, raw);        // resolves PN_XNUM etc.
 *   const sections = readSections(reader, raw, counts, log);
 *   sections.find((s) => s.name === '.dynsym')?.size;
 */
import type { AnomalyLog } from '../errors.ts';
import type { Reader } from '../reader.ts';
import { flagNames, PN_XNUM, SHF_NAMES, SHN_XINDEX, sectionTypeName, SHT } from './constants.ts';
import type { RawHeader } from './header.ts';
import { StringTable } from './strings.ts';
import { TOO_LARGE, word } from './words.ts';

export interface ElfSection {
  index: number;
  /** From the section-name table; '' when unreadable (with an anomaly). */
  name: string;
  type: number;
  /** PROGBITS, DYNSYM, VERNEED, … as `readelf -S` prints them. */
  typeName: string;
  flags: number;
  /** WRITE, ALLOC, EXEC, … as `readelf -t` prints them. */
  flagNames: string[];
  addr: number;
  offset: number;
  size: number;
  link: number;
  info: number;
  addralign: number;
  entsize: number;
}

/** The counts after extended numbering is resolved. */
export interface ElfCounts {
  phnum: number;
  shnum: number;
  shstrndx: number;
}

const SHDR32_SIZE = 40;
const SHDR64_SIZE = 64;

function minEntsize(is64: boolean): number {
  return is64 ? SHDR64_SIZE : SHDR32_SIZE;
}

/**
 * Resolves e_phnum / e_shnum / e_shstrndx, reading section 0 only when one of
 * them is escaped. Throws (→ anomaly) when section 0 is needed and unreadable;
 * the caller then falls back to the raw header values.
 */
export function readSectionZero(reader: Reader, raw: RawHeader, log: AnomalyLog): ElfCounts {
  const { header, is64 } = raw;
  const counts: ElfCounts = { phnum: header.phnum, shnum: header.shnum, shstrndx: header.shstrndx };
  const escaped = header.phnum === PN_XNUM || header.shstrndx === SHN_XINDEX || (header.shnum === 0 && header.shoff !== 0);
  if (!escaped) return counts;
  if (header.shoff === 0) {
    if (header.phnum === PN_XNUM) reader.fail(is64 ? 56 : 44, 'e_phnum is PN_XNUM but there is no section 0 to hold the count');
    return counts;
  }
  if (header.shentsize < minEntsize(is64)) reader.fail(is64 ? 58 : 46, `e_shentsize ${header.shentsize} is smaller than a section header`);
  const s0 = reader.view(header.shoff, minEntsize(is64), 'section header 0');
  const size = word(s0, is64 ? 32 : 20, is64);
  const link = s0.u32(is64 ? 40 : 24);
  const info = s0.u32(is64 ? 44 : 28);
  if (header.shnum === 0) {
    counts.shnum = size === TOO_LARGE ? Number.MAX_SAFE_INTEGER : size;
    if (counts.shnum === 0) log.add(is64 ? 60 : 48, 'elf.shnum', 'e_shoff is set but e_shnum and section 0 both count no sections');
  }
  if (header.shstrndx === SHN_XINDEX) counts.shstrndx = link;
  if (header.phnum === PN_XNUM) {
    counts.phnum = info;
    // The escape is only for counts that do not fit in e_phnum.
    if (info < PN_XNUM) log.add(is64 ? 56 : 44, 'elf.phnum', `e_phnum is PN_XNUM but section 0 holds ${info}, which would fit in e_phnum`);
  }
  return counts;
}

/**
 * Reads the section header table and names. The table must fit in the file
 * (else this throws → anomaly, no sections); a bad name table or name offset
 * is an anomaly beside sections named ''.
 */
export function readSections(reader: Reader, raw: RawHeader, counts: ElfCounts, log: AnomalyLog): ElfSection[] {
  const { header, is64 } = raw;
  const count = counts.shnum;
  if (header.shoff === 0 || count === 0) return [];
  const entsize = header.shentsize;
  if (entsize < minEntsize(is64)) reader.fail(is64 ? 58 : 46, `e_shentsize ${entsize} is smaller than the ${minEntsize(is64)}-byte section header`);
  const table = reader.view(header.shoff, count * entsize, 'section header table');
  reader.spend(count, header.shoff);
  const out: ElfSection[] = [];
  const nameOffsets: number[] = [];
  for (let i = 0; i < count; i++) {
    const o = i * entsize;
    const type = table.u32(o + 4);
    let flags: number, addr: number, offset: number, size: number, link: number, info: number, addralign: number, entsz: number;
    if (is64) {
      flags = word(table, o + 8, true);
      addr = word(table, o + 16, true);
      offset = word(table, o + 24, true);
      size = word(table, o + 32, true);
      link = table.u32(o + 40);
      info = table.u32(o + 44);
      addralign = word(table, o + 48, true);
      entsz = word(table, o + 56, true);
    } else {
      flags = table.u32(o + 8);
      addr = table.u32(o + 12);
      offset = table.u32(o + 16);
      size = table.u32(o + 20);
      link = table.u32(o + 24);
      info = table.u32(o + 28);
      addralign = table.u32(o + 32);
      entsz = table.u32(o + 36);
    }
    if (flags === TOO_LARGE || addr === TOO_LARGE || offset === TOO_LARGE || size === TOO_LARGE || addralign === TOO_LARGE || entsz === TOO_LARGE) {
      log.add(table.base + o, 'elf.shdr.range', `section header ${i} has a 64-bit field of 2^53 or more; left out`);
      continue;
    }
    if (type !== SHT.NOBITS && type !== SHT.NULL && size > 0 && offset + size > reader.size) {
      log.add(table.base + o, 'elf.section.truncated', `section ${i} [0x${offset.toString(16)}, +0x${size.toString(16)}) runs past the ${reader.size}-byte file`);
    }
    nameOffsets.push(table.u32(o));
    out.push({
      index: i,
      name: '',
      type,
      typeName: sectionTypeName(type, header.machine),
      flags,
      flagNames: sectionFlagNames(flags),
      addr,
      offset,
      size,
      link,
      info,
      addralign,
      entsize: entsz,
    });
  }
  nameSections(reader, out, nameOffsets, counts.shstrndx, log);
  return out;
}

function sectionFlagNames(flags: number): string[] {
  const lo = flags % 2 ** 32;
  const names = flagNames(lo, SHF_NAMES);
  const hi = Math.floor(flags / 2 ** 32);
  if (hi !== 0) names.push(`0x${hi.toString(16)}00000000`);
  return names;
}

function nameSections(reader: Reader, sections: ElfSection[], nameOffsets: readonly number[], shstrndx: number, log: AnomalyLog): void {
  if (shstrndx === 0) return; // SHN_UNDEF: the file has no section names
  const strtab = sections.find((s) => s.index === shstrndx);
  if (!strtab) {
    log.add(0, 'elf.shstrndx', `e_shstrndx ${shstrndx} names no section (there are ${sections.length})`);
    return;
  }
  if (strtab.type === SHT.NOBITS) {
    log.add(0, 'elf.shstrndx', `section-name table ${shstrndx} is NOBITS`);
    return;
  }
  const view = log.attempt('elf.shstrtab', () => reader.view(strtab.offset, strtab.size, 'section-name table'));
  if (!view) return;
  const names = new StringTable(view, reader);
  let bad = 0;
  let firstBad = 0;
  for (let i = 0; i < sections.length; i++) {
    const off = nameOffsets[i]!;
    if (off === 0) continue;
    const name = names.get(off);
    if (name === null) {
      if (bad++ === 0) firstBad = off;
      continue;
    }
    sections[i]!.name = name;
  }
  if (bad > 0) log.add(names.base + Math.min(firstBad, names.length), 'elf.shstrtab.name', `${bad} section name(s) outside or unterminated in the section-name table (first at +${firstBad})`);
}
