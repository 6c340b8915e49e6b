/**
 * `mach_header` / `mach_header_64` (28 / 32 bytes) at the start of a slice.
 * Spec: `<mach-o/loader.h>`. The magic decides the width and the byte order of
 * everything else in the slice (except the code signature, always big-endian).
 */
import type { Reader } from '../reader.ts';
import {
  MACH_HEADER_64_SIZE,
  MACH_HEADER_SIZE,
  MH_CIGAM,
  MH_CIGAM_64,
  MH_MAGIC,
  MH_MAGIC_64,
  cpuType,
  fileTypeName,
  headerFlagNames,
} from './constants.ts';
import type { MachOSlice } from './types.ts';

/** The mach_header fields as the slice reports them, plus where the load commands start. */
export type MachHeader = Pick<
  MachOSlice,
  'magic' | 'bits' | 'endianness' | 'cputype' | 'cputypeName' | 'cpusubtype' | 'cpusubtypeName' | 'capabilities' | 'arch' | 'filetype' | 'filetypeName' | 'ncmds' | 'sizeofcmds' | 'flags' | 'flagNames'
> & {
  /** Size of the header; load commands start here. */
  headerSize: number;
};

export function isThinMagic(magicBE: number): boolean {
  return magicBE === MH_MAGIC || magicBE === MH_MAGIC_64 || magicBE === MH_CIGAM || magicBE === MH_CIGAM_64;
}

/** Reads the header and sets `reader.littleEndian`; throws BinaryParseError if it is not a thin Mach-O header. */
export function parseMachHeader(reader: Reader): MachHeader {
  const magicBE = reader.view(0, 4, 'mach_header magic', false).u32(0);
  let bits: 32 | 64;
  let little: boolean;
  let magic: MachHeader['magic'];
  // The magic is written in the file's byte order: read big-endian, MH_MAGIC
  // means a big-endian file (ppc) and MH_CIGAM (the bytes reversed) a
  // little-endian one. Like otool on a matching host, we name the magic as
  // the file means it and give the byte order separately.
  switch (magicBE) {
    case MH_CIGAM:
      [bits, little, magic] = [32, true, 'MH_MAGIC'];
      break;
    case MH_CIGAM_64:
      [bits, little, magic] = [64, true, 'MH_MAGIC_64'];
      break;
    case MH_MAGIC:
      [bits, little, magic] = [32, false, 'MH_MAGIC'];
      break;
    case MH_MAGIC_64:
      [bits, little, magic] = [64, false, 'MH_MAGIC_64'];
      break;
    default:
      reader.fail(0, `not a Mach-O file: magic 0x${magicBE.toString(16).padStart(8, '0')}`);
  }
  reader.littleEndian = little;
  const headerSize = bits === 64 ? MACH_HEADER_64_SIZE : MACH_HEADER_SIZE;
  const h = reader.view(0, headerSize, 'mach_header');
  const filetype = h.u32(12);
  const flags = h.u32(24);
  return {
    magic,
    bits,
    endianness: little ? 'little' : 'big',
    headerSize,
    ...cpuType(h.i32(4), h.u32(8)),
    filetype,
    filetypeName: fileTypeName(filetype),
    ncmds: h.u32(16),
    sizeofcmds: h.u32(20),
    flags,
    flagNames: headerFlagNames(flags),
  };
}
