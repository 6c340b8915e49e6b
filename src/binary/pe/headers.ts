/**
 * The PE headers: DOS header → 'PE\0\0' → IMAGE_FILE_HEADER → optional header
 * (PE32 or PE32+) → data directories → section table.
 * Spec: https://learn.microsoft.com/windows/win32/debug/pe-format
 * ("MS-DOS Stub", "COFF File Header", "Optional Header", "Section Table").
 *
 * What is fatal (BinaryParseError): no DOS header, e_lfanew outside the file,
 * no PE signature, a COFF header or fixed optional-header part cut off by EOF,
 * an optional-header magic other than PE32/PE32+. Everything after that is
 * capped by what fits and reported as anomalies: NumberOfRvaAndSizes above 16,
 * directories or sections that run past EOF, long section names that do not
 * resolve, sections past EOF or overlapping.
 *
 * ```ts
 * const h = parseHeaders(new Reader(src, 'pe'), new AnomalyLog());
 * h.coff.machineName;   // 'IMAGE_FILE_MACHINE_AMD64'
 * h.sections[0].name;   // '.text'
 * ```
 */
import type { AnomalyLog } from '../errors.ts';
import { DEFAULT_MAX_STRING, type Reader, type View } from '../reader.ts';
import {
  DLL_CHARACTERISTICS,
  FILE_CHARACTERISTICS,
  IMAGE_DOS_SIGNATURE,
  IMAGE_NT_OPTIONAL_HDR32_MAGIC,
  IMAGE_NT_OPTIONAL_HDR64_MAGIC,
  IMAGE_NT_SIGNATURE,
  IMAGE_NUMBEROF_DIRECTORY_ENTRIES,
  IMAGE_ROM_OPTIONAL_HDR_MAGIC,
  SIZEOF,
  directoryName,
  flagNames,
  machineArch,
  machineName,
  sectionCharacteristicNames,
  subsystemName,
} from './constants.ts';
import type { CoffHeader, DataDirectory, DosHeader, OptionalHeader, SectionHeader } from './types.ts';

export interface Headers {
  dos: DosHeader;
  coff: CoffHeader;
  optional: OptionalHeader;
  is64: boolean;
  /** All directories read (index < min(NumberOfRvaAndSizes, 16), in the file), zero ones included. */
  directories: DataDirectory[];
  sections: SectionHeader[];
}

const TWO_32 = 2 ** 32;

export function parseHeaders(reader: Reader, log: AnomalyLog): Headers {
  if (reader.size < SIZEOF.DOS_HEADER) reader.fail(0, `file of ${reader.size} bytes is too small for a DOS header`);
  const dosView = reader.view(0, SIZEOF.DOS_HEADER, 'DOS header');
  if (dosView.u16(0) !== IMAGE_DOS_SIGNATURE) reader.fail(0, 'no MZ signature');
  const lfanew = dosView.u32(0x3c);
  const nt = reader.view(lfanew, 4 + SIZEOF.FILE_HEADER, 'PE signature and COFF file header');
  if (nt.u32(0) !== IMAGE_NT_SIGNATURE) reader.fail(lfanew, 'no PE\\0\\0 signature at e_lfanew');

  const coff = parseCoffHeader(nt.sub(4, SIZEOF.FILE_HEADER));
  const optOffset = lfanew + 4 + SIZEOF.FILE_HEADER;
  if (coff.sizeOfOptionalHeader === 0) reader.fail(optOffset, 'SizeOfOptionalHeader is 0: a COFF object, not an image');
  const magic = reader.view(optOffset, 2, 'optional header magic').u16(0);
  if (magic === IMAGE_ROM_OPTIONAL_HDR_MAGIC) reader.fail(optOffset, 'ROM image (optional header magic 0x107) is not supported');
  if (magic !== IMAGE_NT_OPTIONAL_HDR32_MAGIC && magic !== IMAGE_NT_OPTIONAL_HDR64_MAGIC) {
    reader.fail(optOffset, `unknown optional header magic 0x${magic.toString(16)}`);
  }
  const is64 = magic === IMAGE_NT_OPTIONAL_HDR64_MAGIC;
  const fixed = is64 ? SIZEOF.OPTIONAL_HEADER64 : SIZEOF.OPTIONAL_HEADER32;
  const opt = reader.view(optOffset, fixed, 'optional header');
  if (coff.sizeOfOptionalHeader < fixed) {
    log.add(optOffset, 'pe.optional.short', `SizeOfOptionalHeader ${coff.sizeOfOptionalHeader} is smaller than the ${fixed}-byte ${is64 ? 'PE32+' : 'PE32'} header: the section table overlaps it`);
  }
  const optional = parseOptionalHeader(opt, is64, log);
  const directories = parseDirectories(reader, optional, optOffset + fixed, coff.sizeOfOptionalHeader - fixed, log);
  const sections = parseSectionTable(reader, coff, optOffset + coff.sizeOfOptionalHeader, log);
  checkSections(reader, sections, log);
  if (optional.checkSum === 0) log.add(optional.checkSumOffset, 'pe.checksum.zero', 'CheckSum is 0 (not computed by the linker)');
  return { dos: { lfanew }, coff, optional, is64, directories, sections };
}

function parseCoffHeader(v: View): CoffHeader {
  const machine = v.u16(0);
  const characteristics = v.u16(18);
  return {
    machine,
    machineName: machineName(machine),
    arch: machineArch(machine),
    numberOfSections: v.u16(2),
    timeDateStamp: v.u32(4),
    pointerToSymbolTable: v.u32(8),
    numberOfSymbols: v.u32(12),
    sizeOfOptionalHeader: v.u16(16),
    characteristics,
    characteristicNames: flagNames(characteristics, FILE_CHARACTERISTICS),
  };
}

function parseOptionalHeader(v: View, is64: boolean, log: AnomalyLog): OptionalHeader {
  let imageBase: number | null;
  if (is64) {
    const lo = v.u32(24);
    const hi = v.u32(28);
    imageBase = hi < 0x200000 ? hi * TWO_32 + lo : null;
    if (imageBase === null) log.add(v.base + 24, 'pe.optional.imageBase', `ImageBase 0x${hi.toString(16)}${lo.toString(16).padStart(8, '0')} is 2^53 or more`);
  } else {
    imageBase = v.u32(28);
  }
  const subsystem = v.u16(68);
  const dllCharacteristics = v.u16(70);
  return {
    offset: v.base,
    magic: is64 ? 'PE32+' : 'PE32',
    linkerVersion: { major: v.u8(2), minor: v.u8(3) },
    sizeOfCode: v.u32(4),
    sizeOfInitializedData: v.u32(8),
    sizeOfUninitializedData: v.u32(12),
    addressOfEntryPoint: v.u32(16),
    baseOfCode: v.u32(20),
    baseOfData: is64 ? null : v.u32(24),
    imageBase,
    sectionAlignment: v.u32(32),
    fileAlignment: v.u32(36),
    osVersion: { major: v.u16(40), minor: v.u16(42) },
    imageVersion: { major: v.u16(44), minor: v.u16(46) },
    subsystemVersion: { major: v.u16(48), minor: v.u16(50) },
    win32VersionValue: v.u32(52),
    sizeOfImage: v.u32(56),
    sizeOfHeaders: v.u32(60),
    checkSum: v.u32(64),
    checkSumOffset: v.base + 64,
    subsystem,
    subsystemName: subsystemName(subsystem),
    dllCharacteristics,
    dllCharacteristicNames: flagNames(dllCharacteristics, DLL_CHARACTERISTICS),
    loaderFlags: v.u32(is64 ? 104 : 88),
    numberOfRvaAndSizes: v.u32(is64 ? 108 : 92),
  };
}

/**
 * The data directories: min(NumberOfRvaAndSizes, 16) entries (the loader reads
 * no more), read like the loader and llvm-readobj do even when they spill past
 * SizeOfOptionalHeader (an anomaly), and capped by EOF.
 */
function parseDirectories(reader: Reader, optional: OptionalHeader, offset: number, roomInHeader: number, log: AnomalyLog): DataDirectory[] {
  const declared = optional.numberOfRvaAndSizes;
  let count = Math.min(declared, IMAGE_NUMBEROF_DIRECTORY_ENTRIES);
  if (declared > IMAGE_NUMBEROF_DIRECTORY_ENTRIES) {
    log.add(optional.offset + (optional.magic === 'PE32+' ? 108 : 92), 'pe.optional.rvaAndSizes', `NumberOfRvaAndSizes ${declared} is above ${IMAGE_NUMBEROF_DIRECTORY_ENTRIES}; only ${IMAGE_NUMBEROF_DIRECTORY_ENTRIES} are read`);
  }
  if (count * SIZEOF.DATA_DIRECTORY > Math.max(0, roomInHeader)) {
    log.add(offset, 'pe.optional.directoriesOutsideHeader', `${count} data directories do not fit in SizeOfOptionalHeader`);
  }
  const fit = Math.max(0, Math.floor((reader.size - offset) / SIZEOF.DATA_DIRECTORY));
  if (count > fit) {
    log.add(offset, 'pe.optional.directoriesTruncated', `only ${fit} of ${count} data directories lie in the file`);
    count = fit;
  }
  if (count === 0) return [];
  const v = reader.view(offset, count * SIZEOF.DATA_DIRECTORY, 'data directories');
  const out: DataDirectory[] = [];
  for (let i = 0; i < count; i++) {
    out.push({ index: i, name: directoryName(i), rva: v.u32(i * 8), size: v.u32(i * 8 + 4), entryOffset: offset + i * 8 });
  }
  return out;
}

/** The section table, capped by what fits in the file. */
function parseSectionTable(reader: Reader, coff: CoffHeader, offset: number, log: AnomalyLog): SectionHeader[] {
  const fit = offset <= reader.size ? Math.floor((reader.size - offset) / SIZEOF.SECTION_HEADER) : 0;
  let count = coff.numberOfSections;
  if (count > fit) {
    log.add(Math.min(offset, reader.size), 'pe.sections.truncated', `NumberOfSections is ${count} but only ${fit} section headers lie in the file`);
    count = fit;
  }
  if (count === 0) return [];
  const v = reader.view(offset, count * SIZEOF.SECTION_HEADER, 'section table');
  let strings: StringTable | null | undefined;
  const sections: SectionHeader[] = [];
  for (let i = 0; i < count; i++) {
    reader.spend(1, v.base + i * SIZEOF.SECTION_HEADER);
    const s = v.sub(i * SIZEOF.SECTION_HEADER, SIZEOF.SECTION_HEADER);
    const rawName = s.fixedStr(0, 8);
    let name = rawName;
    const long = /^\/(\d{1,7})$/.exec(rawName);
    if (long) {
      strings ??= log.attempt('pe.section.stringTable', () => openStringTable(reader, coff)) ?? null;
      const resolved = strings ? log.attempt('pe.section.longName', () => strings!.get(Number(long[1]))) : undefined;
      if (resolved !== undefined) name = resolved;
      else if (!strings) log.add(s.base, 'pe.section.longName', `section name ${rawName} refers to a COFF string table the file does not have`);
    }
    const characteristics = s.u32(36);
    sections.push({
      name,
      rawName,
      virtualSize: s.u32(8),
      virtualAddress: s.u32(12),
      sizeOfRawData: s.u32(16),
      pointerToRawData: s.u32(20),
      pointerToRelocations: s.u32(24),
      pointerToLinenumbers: s.u32(28),
      numberOfRelocations: s.u16(32),
      numberOfLinenumbers: s.u16(34),
      characteristics,
      characteristicNames: sectionCharacteristicNames(characteristics),
    });
  }
  return sections;
}

interface StringTable {
  get(offset: number): string;
}

/**
 * The COFF string table right after the symbol table (PointerToSymbolTable +
 * 18·NumberOfSymbols): a u32 size that counts itself, then NUL-terminated
 * strings. MinGW keeps it in images for long section names ("/4").
 */
function openStringTable(reader: Reader, coff: CoffHeader): StringTable {
  if (coff.pointerToSymbolTable === 0) reader.fail(0, 'no COFF symbol table (PointerToSymbolTable is 0)');
  const at = coff.pointerToSymbolTable + coff.numberOfSymbols * SIZEOF.SYMBOL;
  const size = reader.view(at, 4, 'COFF string table size').u32(0);
  const end = Math.min(at + size, reader.size);
  return {
    get(offset) {
      if (offset < 4 || at + offset >= end) reader.fail(at, `string table offset ${offset} is outside the ${size}-byte COFF string table`);
      const name = reader.cstr(at + offset, Math.min(DEFAULT_MAX_STRING, end - (at + offset) - 1), 'COFF string table entry');
      reader.spend(1 + name.length, at + offset);
      return name;
    },
  };
}

/** Sections whose file data runs past EOF, and sections overlapping in the file or in memory. */
function checkSections(reader: Reader, sections: SectionHeader[], log: AnomalyLog): void {
  for (const s of sections) {
    if (s.sizeOfRawData > 0 && s.pointerToRawData + s.sizeOfRawData > reader.size) {
      log.add(s.pointerToRawData, 'pe.section.pastEof', `section ${s.name}: ${s.sizeOfRawData} bytes at 0x${s.pointerToRawData.toString(16)} run past the end of the ${reader.size}-byte file`);
    }
  }
  const overlaps = (what: string, ranges: { s: SectionHeader; start: number; len: number }[]): void => {
    const sorted = ranges.filter((r) => r.len > 0).sort((a, b) => a.start - b.start);
    let prev: (typeof sorted)[number] | undefined;
    for (const r of sorted) {
      if (prev && r.start < prev.start + prev.len) {
        log.add(r.s.pointerToRawData, 'pe.section.overlap', `sections ${prev.s.name} and ${r.s.name} overlap ${what}`);
      }
      if (!prev || r.start + r.len > prev.start + prev.len) prev = r;
    }
  };
  overlaps('in the file', sections.map((s) => ({ s, start: s.pointerToRawData, len: s.sizeOfRawData })));
  overlaps('in memory', sections.map((s) => ({ s, start: s.virtualAddress, len: s.virtualSize || s.sizeOfRawData })));
}
