/**
 * The result types of `parseMachO`. Plain JSON data: numbers, strings, arrays,
 * booleans, null.
 *
 * Offsets: `MachOFile.fat.arches[].offset`, `MachOSlice.offset` and every
 * anomaly offset are absolute in the source. EVERY other offset and range
 * inside a `MachOSlice` (load commands, segments, symbol table, code-signature
 * blobs, hash slots) is relative to the start of that slice, exactly as the
 * Mach-O fields themselves are; add `slice.offset` to read the bytes from the
 * whole file. For a thin file the slice starts at 0, so both agree.
 */
import type { Anomaly } from '../errors.ts';
import type { Arch } from '../arch.ts';
import type { ByteRange } from '../source.ts';
import type { DylibKind, SymbolType, VersionMinKind } from './constants.ts';

export type { ByteRange };
export type { DylibKind, SymbolType, VersionMinKind } from './constants.ts';

export interface MachOFile {
  format: 'macho';
  /** The fat (universal) header, or null for a thin file. */
  fat: FatHeader | null;
  /** One per valid fat arch, in header order; a thin file is one slice at offset 0. */
  slices: MachOSlice[];
  anomalies: Anomaly[];
}

export interface FatHeader {
  magic: 'FAT_MAGIC' | 'FAT_MAGIC_64';
  /** nfat_arch as written (the arches listed are capped by what fits in the file). */
  nfatArch: number;
  /** Every fat_arch entry read, including ones whose slice was rejected (see `valid`). */
  arches: FatArch[];
}

/** cputype and cpusubtype as a fat_arch or mach_header gives them, named. */
export interface CpuType {
  cputype: number;
  cputypeName: string;
  /** Masked with ~CPU_SUBTYPE_MASK. */
  cpusubtype: number;
  cpusubtypeName: string;
  /** The capability bits: the high byte of the raw cpusubtype (0x80 = LIB64 / PTRAUTH_ABI). */
  capabilities: number;
  arch: Arch;
}

export interface FatArch extends CpuType {
  /**
   * Absolute offset of the slice in the file, and its size. A fat_arch_64 value
   * of 2^53 or more (no real file is that large) is given as
   * Number.MAX_SAFE_INTEGER, and the slice is invalid.
   */
  offset: number;
  size: number;
  /** log2 of the alignment, as written (`2^align`). */
  align: number;
  /** False when the slice lies outside the file, overlaps another or is empty (it is then not parsed). */
  valid: boolean;
}

export interface MachOSlice extends CpuType {
  /** Absolute offset and size of this slice in the source (0 and the file size when thin). */
  offset: number;
  size: number;
  /** In the file's own byte order (see `endianness`). */
  magic: 'MH_MAGIC' | 'MH_MAGIC_64';
  bits: 32 | 64;
  endianness: 'little' | 'big';
  filetype: number;
  filetypeName: string;
  ncmds: number;
  sizeofcmds: number;
  flags: number;
  flagNames: string[];

  /** Every load command read, in order. */
  loadCommands: LoadCommand[];
  /** Dependencies in command order (LC_LOAD_DYLIB, _WEAK_, REEXPORT_, LAZY_LOAD_, _UPWARD_). */
  dylibs: Dylib[];
  /** LC_ID_DYLIB: the install name of a dylib. */
  id: DylibId | null;
  rpaths: string[];
  /** LC_LOAD_DYLINKER path (executables). */
  dylinker: string | null;
  buildVersions: BuildVersion[];
  versionMins: VersionMin[];
  /** LC_UUID, uppercase 8-4-4-4-12 as otool and dwarfdump print it. */
  uuid: string | null;
  /** LC_SOURCE_VERSION as a.b.c.d.e. */
  sourceVersion: string | null;
  segments: Segment[];
  /** LC_MAIN. */
  entry: EntryPoint | null;
  encryption: EncryptionInfo | null;
  dyldInfo: DyldInfo | null;
  /** Every linkedit_data_command (function starts, exports trie, chained fixups, data in code, code signature...). */
  linkeditData: LinkeditData[];
  symtab: SymtabInfo | null;
  dysymtab: DysymtabInfo | null;
  /** Non-STAB nlist entries of LC_SYMTAB, in table order. */
  symbols: MachOSymbol[];
  /** Number of debugging (N_STAB) entries skipped. */
  stabCount: number;
  /** Defined symbols left out by the parse option `keepDefinedSymbol`. */
  omittedDefinedSymbols: number;
  codeSignature: CodeSignature | null;
}

export interface LoadCommand {
  cmd: number;
  /** LC_* as llvm-objdump prints it; `LC_UNKNOWN(0x..)` otherwise. */
  name: string;
  /** Relative to the slice start. */
  offset: number;
  size: number;
}

export interface DylibId {
  name: string;
  timestamp: number;
  /** `x.y.z` */
  currentVersion: string;
  compatibilityVersion: string;
}

export interface Dylib extends DylibId {
  kind: DylibKind;
}

export interface BuildTool {
  tool: number;
  toolName: string;
  version: string;
}

export interface BuildVersion {
  platform: number;
  platformName: string;
  /** `x.y.z` */
  minos: string;
  sdk: string;
  tools: BuildTool[];
}

export interface VersionMin {
  kind: VersionMinKind;
  version: string;
  sdk: string;
}

export interface Section {
  sectname: string;
  segname: string;
  addr: number;
  size: number;
  /** File offset (relative to the slice); 0 for zero-fill sections. */
  offset: number;
  /** log2 of the alignment. */
  align: number;
  reloff: number;
  nreloc: number;
  flags: number;
  type: number;
  typeName: string;
  attributeNames: string[];
  reserved1: number;
  reserved2: number;
}

export interface Segment {
  segname: string;
  vmaddr: number;
  vmsize: number;
  fileoff: number;
  filesize: number;
  maxprot: number;
  maxprotName: string;
  initprot: number;
  initprotName: string;
  nsects: number;
  flags: number;
  flagNames: string[];
  sections: Section[];
}

export interface EntryPoint {
  /** File offset of main() relative to the slice (as __TEXT maps the file start). */
  entryoff: number;
  stacksize: number;
}

export interface EncryptionInfo {
  cmd: number;
  cryptoff: number;
  cryptsize: number;
  cryptid: number;
  /** cryptid != 0: the range is encrypted (App Store FairPlay). */
  encrypted: boolean;
}

export interface DyldInfo {
  cmd: number;
  rebase: ByteRange;
  bind: ByteRange;
  weakBind: ByteRange;
  lazyBind: ByteRange;
  export: ByteRange;
}

export interface LinkeditData {
  cmd: number;
  name: string;
  range: ByteRange;
}

export interface SymtabInfo {
  symoff: number;
  nsyms: number;
  stroff: number;
  strsize: number;
}

export interface DysymtabInfo {
  ilocalsym: number;
  nlocalsym: number;
  iextdefsym: number;
  nextdefsym: number;
  iundefsym: number;
  nundefsym: number;
  indirectsymoff: number;
  nindirectsyms: number;
}

export interface MachOSymbol {
  /** Null when n_strx points outside the string table or the string does not end. */
  name: string | null;
  type: SymbolType;
  /** Raw n_type, n_sect, n_desc. */
  nType: number;
  sectionIndex: number;
  desc: number;
  external: boolean;
  privateExternal: boolean;
  /** Not N_UNDF (or N_PBUD), i.e. this image provides it. A common symbol is not defined. */
  defined: boolean;
  /** N_UNDF with a non-zero value: a tentative definition (only in object files); value is its size. */
  common: boolean;
  /**
   * For undefined symbols of a two-level-namespace image: n_desc >> 8. 1..n index
   * `dylibs`; 0 = self, 0xfe = dynamic lookup, 0xff = the main executable. Null otherwise.
   */
  libraryOrdinal: number | null;
  /** The install name the ordinal selects, or null (special ordinals, out of range, flat namespace). */
  library: string | null;
  weakRef: boolean;
  weakDef: boolean;
  /** n_value; null when it does not fit an exact number. */
  value: number | null;
}

export interface CodeSignature {
  /** LC_CODE_SIGNATURE dataoff/datasize. */
  range: ByteRange;
  superBlob: SuperBlob | null;
  codeDirectories: CodeDirectory[];
  cms: CmsBlob | null;
  requirements: RequirementsBlob | null;
  entitlements: EntitlementsBlob | null;
  derEntitlements: { range: ByteRange } | null;
}

export interface SuperBlob {
  magic: number;
  length: number;
  count: number;
  index: BlobIndexEntry[];
}

export interface BlobIndexEntry {
  type: number;
  typeName: string;
  /** Offset of the blob from the start of the SuperBlob, as written. */
  offset: number;
  /** Magic of the blob found there, or null when it could not be read. */
  magic: number | null;
  magicName: string | null;
}

export interface CodeDirectory {
  /** The slot that holds it: 0, or 0x1000.. for alternate code directories. */
  slotType: number;
  /** The whole blob (header included). */
  range: ByteRange;
  version: number;
  /** e.g. `0x20400` */
  versionHex: string;
  flags: number;
  flagNames: string[];
  hashOffset: number;
  hashType: number;
  hashTypeName: string;
  hashSize: number;
  /** Bytes per hashed page; 0 means the whole code range is one page. */
  pageSize: number;
  /** Bytes of the slice covered by code slots (codeLimit64 when set). */
  codeLimit: number;
  identifier: string;
  teamId: string | null;
  nSpecialSlots: number;
  nCodeSlots: number;
  platform: number;
  /** The code slot hashes: nCodeSlots × hashSize bytes at hashOffset. */
  codeSlots: ByteRange;
  /** The special slot hashes: nSpecialSlots × hashSize bytes before hashOffset (slot −1 is last). */
  specialSlots: ByteRange;
  execSegBase?: number;
  execSegLimit?: number;
  execSegFlags?: number;
  execSegFlagNames?: string[];
  runtime?: string;
}

export interface CmsBlob {
  /** The BlobWrapper (header included). */
  range: ByteRange;
  /** The DER SignedData after the 8-byte blob header. */
  der: ByteRange;
  /** An 8-byte wrapper with no content: what `codesign -s -` writes for ad-hoc. */
  empty: boolean;
}

export interface RequirementsBlob {
  range: ByteRange;
  count: number;
}

export interface EntitlementsBlob {
  range: ByteRange;
  /** The XML plist (cut at MAX_ENTITLEMENTS_XML bytes, with an anomaly). */
  xml: string;
}
