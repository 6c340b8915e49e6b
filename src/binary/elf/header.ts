/**
 * The ELF file header (Elf32_Ehdr / Elf64_Ehdr) and the canonical architecture.
 *
 * Spec: System V gABI ch. 4 "ELF Header"
 * (https://refspecs.linuxfoundation.org/elf/gabi4+/ch4.eheader.html); extended
 * numbering (PN_XNUM, SHN_XINDEX, e_shnum 0) per the gABI "Sections" page.
 *
 * This is the only part of an ELF parse that may throw: a file whose header
 * cannot be read is not an ELF file we can say anything about.
 *
 * @example
 *   const { header } = readElfHeader(new Reader(bytesSource(buf), 'elf'));
 *   header.class; header.machineName; header.arch  // 64, 'AArch64', 'arm64'
 */
import type { Arch } from '../arch.ts';
import { BinaryParseError } from '../errors.ts';
import type { Reader } from '../reader.ts';
import { EM, ELFCLASS32, ELFCLASS64, ELFDATA2LSB, ELFDATA2MSB, fileTypeName, machineName, osabiName } from './constants.ts';

export interface ElfHeader {
  class: 32 | 64;
  endianness: 'little' | 'big';
  /** EI_VERSION and e_version (both 1 in every real file). */
  identVersion: number;
  version: number;
  osabi: number;
  osabiName: string;
  abiVersion: number;
  type: number;
  /** REL, EXEC, DYN, CORE, … */
  typeName: string;
  machine: number;
  /** As `readelf -h` prints it, e.g. 'Advanced Micro Devices X86-64'. */
  machineName: string;
  arch: Arch;
  /** e_entry; null when it does not fit exactly in a number (≥ 2^53, an anomaly). */
  entry: number | null;
  flags: number;
  /** e_phoff / e_shoff; an ELF64 value of 2^53 or more (which no file can hold) reads as Number.MAX_SAFE_INTEGER. */
  phoff: number;
  shoff: number;
  ehsize: number;
  phentsize: number;
  /** e_phnum as stored (0xffff = PN_XNUM: the real count is in section 0). */
  phnum: number;
  shentsize: number;
  /** e_shnum as stored (0 with shoff ≠ 0: the real count is in section 0). */
  shnum: number;
  /** e_shstrndx as stored (0xffff = SHN_XINDEX: the real index is in section 0). */
  shstrndx: number;
}

/** A header plus what the parse needs to read the rest. */
export interface RawHeader {
  header: ElfHeader;
  is64: boolean;
  littleEndian: boolean;
}

const EHDR32_SIZE = 52;
const EHDR64_SIZE = 64;
const TWO_53 = 2 ** 53;

function fail(offset: number, reason: string): never {
  throw new BinaryParseError('elf', offset, reason);
}

/** Reads the header and sets the reader's byte order from EI_DATA. */
export function readElfHeader(reader: Reader): RawHeader {
  if (reader.size < 16) fail(0, `file of ${reader.size} bytes is too short for e_ident`);
  const ident = reader.view(0, 16, 'e_ident').bytes;
  if (ident[0] !== 0x7f || ident[1] !== 0x45 || ident[2] !== 0x4c || ident[3] !== 0x46) fail(0, 'no ELF magic');
  const cls = ident[4]!;
  const data = ident[5]!;
  if (cls !== ELFCLASS32 && cls !== ELFCLASS64) fail(4, `EI_CLASS ${cls} is neither ELFCLASS32 nor ELFCLASS64`);
  if (data !== ELFDATA2LSB && data !== ELFDATA2MSB) fail(5, `EI_DATA ${data} is neither ELFDATA2LSB nor ELFDATA2MSB`);
  const is64 = cls === ELFCLASS64;
  const littleEndian = data === ELFDATA2LSB;
  const size = is64 ? EHDR64_SIZE : EHDR32_SIZE;
  if (reader.size < size) fail(0, `file of ${reader.size} bytes is too short for the ${size}-byte ELF${is64 ? 64 : 32} header`);
  reader.littleEndian = littleEndian;
  const v = reader.view(0, size, 'ELF header');

  const machine = v.u16(18);
  const type = v.u16(16);
  let entry: number | null;
  let phoff: number;
  let shoff: number;
  let o: number;
  if (is64) {
    const e = v.u64big(24);
    entry = e < BigInt(TWO_53) ? Number(e) : null;
    const p = v.u64big(32);
    const s = v.u64big(40);
    // An offset beyond 2^53 can never be inside the file: keep it as a value that fails every bounds check.
    phoff = p < BigInt(TWO_53) ? Number(p) : Number.MAX_SAFE_INTEGER;
    shoff = s < BigInt(TWO_53) ? Number(s) : Number.MAX_SAFE_INTEGER;
    o = 48;
  } else {
    entry = v.u32(24);
    phoff = v.u32(28);
    shoff = v.u32(32);
    o = 36;
  }
  const header: ElfHeader = {
    class: is64 ? 64 : 32,
    endianness: littleEndian ? 'little' : 'big',
    identVersion: ident[6]!,
    version: v.u32(20),
    osabi: ident[7]!,
    osabiName: osabiName(ident[7]!, machine),
    abiVersion: ident[8]!,
    type,
    typeName: fileTypeName(type),
    machine,
    machineName: machineName(machine),
    arch: elfArch(machine, is64, littleEndian),
    entry,
    flags: v.u32(o),
    phoff,
    shoff,
    ehsize: v.u16(o + 4),
    phentsize: v.u16(o + 6),
    phnum: v.u16(o + 8),
    shentsize: v.u16(o + 10),
    shnum: v.u16(o + 12),
    shstrndx: v.u16(o + 14),
  };
  return { header, is64, littleEndian };
}

/**
 * e_machine (+ class and byte order where they pick the variant) → Arch.
 * EM_X86_64 in an ELFCLASS32 file is x32; EM_PPC64 little-endian is ppc64le;
 * EM_AARCH64 in ELFCLASS32 is ILP32, the same idea as Apple's arm64_32.
 */
export function elfArch(machine: number, is64: boolean, littleEndian: boolean): Arch {
  switch (machine) {
    case EM.X86_64:
      return is64 ? 'x86_64' : 'x32';
    case EM.I386:
      return 'i386';
    case EM.AARCH64:
      return is64 ? 'arm64' : 'arm64_32';
    case EM.ARM:
      return 'arm';
    case EM.PPC64:
      return littleEndian ? 'ppc64le' : 'ppc64';
    case EM.PPC:
      return 'ppc';
    case EM.S390:
      return is64 ? 's390x' : 's390';
    case EM.RISCV:
      return is64 ? 'riscv64' : 'riscv32';
    case EM.LOONGARCH:
      return is64 ? 'loongarch64' : 'unknown';
    case EM.MIPS:
      if (is64) return littleEndian ? 'mips64el' : 'mips64';
      return littleEndian ? 'mipsel' : 'mips';
    case EM.SPARCV9:
      return 'sparc64';
    case EM.SPARC:
    case EM.SPARC32PLUS:
      return 'sparc';
    case EM.IA_64:
      return 'ia64';
    default:
      return 'unknown';
  }
}
