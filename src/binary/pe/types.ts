/**
 * The result of `parsePe`: plain JSON data named after the PE format's own
 * structures (IMAGE_FILE_HEADER → `coff`, IMAGE_OPTIONAL_HEADER → `optional`,
 * ...). Offsets are absolute in the source; RVAs are relative to the image base.
 */
import type { Anomaly } from '../errors.ts';
import type { Arch } from '../arch.ts';

import type { ByteRange } from '../source.ts';

export type { ByteRange };

/** An {RVA, size} pair as stored in a header. */
export interface RvaRange {
  rva: number;
  size: number;
}

export interface Version {
  major: number;
  minor: number;
}

export interface DosHeader {
  /** e_lfanew: file offset of the 'PE\0\0' signature. */
  lfanew: number;
}

/** IMAGE_FILE_HEADER. */
export interface CoffHeader {
  machine: number;
  machineName: string;
  arch: Arch;
  numberOfSections: number;
  timeDateStamp: number;
  pointerToSymbolTable: number;
  numberOfSymbols: number;
  sizeOfOptionalHeader: number;
  characteristics: number;
  characteristicNames: string[];
}

/** IMAGE_OPTIONAL_HEADER32 / IMAGE_OPTIONAL_HEADER64 (the fields an audit uses). */
export interface OptionalHeader {
  /** Absolute offset of the optional header. */
  offset: number;
  magic: 'PE32' | 'PE32+';
  linkerVersion: Version;
  sizeOfCode: number;
  sizeOfInitializedData: number;
  sizeOfUninitializedData: number;
  addressOfEntryPoint: number;
  baseOfCode: number;
  /** PE32 only; null in PE32+. */
  baseOfData: number | null;
  /** Null when a PE32+ ImageBase is 2^53 or more (an anomaly says so). */
  imageBase: number | null;
  sectionAlignment: number;
  fileAlignment: number;
  osVersion: Version;
  imageVersion: Version;
  subsystemVersion: Version;
  win32VersionValue: number;
  sizeOfImage: number;
  sizeOfHeaders: number;
  checkSum: number;
  /** Absolute offset of the 4-byte CheckSum field (Authenticode hashing skips it). */
  checkSumOffset: number;
  subsystem: number;
  subsystemName: string;
  dllCharacteristics: number;
  /** Without the spec's `IMAGE_DLLCHARACTERISTICS_` prefix: HIGH_ENTROPY_VA, DYNAMIC_BASE, NX_COMPAT, GUARD_CF, ... */
  dllCharacteristicNames: string[];
  loaderFlags: number;
  numberOfRvaAndSizes: number;
}

export interface DataDirectory {
  index: number;
  /** winnt.h name, e.g. IMAGE_DIRECTORY_ENTRY_IMPORT. */
  name: string;
  /** An RVA, except for IMAGE_DIRECTORY_ENTRY_SECURITY (index 4), where it is a file offset. */
  rva: number;
  size: number;
  /** Absolute offset of this 8-byte entry (Authenticode hashing skips the certificate entry). */
  entryOffset: number;
}

/** IMAGE_SECTION_HEADER. */
export interface SectionHeader {
  /** The name, with a MinGW long name ("/4") resolved through the COFF string table. */
  name: string;
  /** The 8-byte Name field as stored. */
  rawName: string;
  virtualSize: number;
  virtualAddress: number;
  sizeOfRawData: number;
  pointerToRawData: number;
  pointerToRelocations: number;
  pointerToLinenumbers: number;
  numberOfRelocations: number;
  numberOfLinenumbers: number;
  characteristics: number;
  characteristicNames: string[];
}

/** One entry of an import lookup table: by name (with its hint) or by ordinal. */
export interface ImportedFunction {
  name?: string;
  hint?: number;
  ordinal?: number;
}

/** IMAGE_IMPORT_DESCRIPTOR. */
export interface ImportedDll {
  dll: string;
  /** OriginalFirstThunk: the import lookup table (0 in some old linkers' output: the IAT is read instead). */
  iltRva: number;
  /** FirstThunk: the import address table. */
  iatRva: number;
  /** 0, or 0xffffffff for a bound import. */
  timeDateStamp: number;
  forwarderChain: number;
  functions: ImportedFunction[];
}

/** ImgDelayDescr (delayimp.h). Addresses are reported as RVAs in both the RVA and the old VA form. */
export interface DelayImportedDll {
  dll: string;
  attributes: number;
  /** Attributes bit 0 (dlattrRva); false in the old VC6 form whose fields are VAs. */
  rvaBased: boolean;
  moduleHandleRva: number;
  iatRva: number;
  /** The delay import name table. */
  intRva: number;
  boundIatRva: number;
  unloadIatRva: number;
  timeDateStamp: number;
  functions: ImportedFunction[];
}

export interface ExportedFunction {
  ordinal: number;
  /** Every name that points at this ordinal (often one, sometimes none or several). */
  names: string[];
  /** The exported code/data RVA; absent for a forwarder. */
  rva?: number;
  /** "DLL.Function" or "DLL.#ordinal" when the EAT entry points inside the export directory. */
  forwarder?: string;
}

/** IMAGE_EXPORT_DIRECTORY and the tables it points to. */
export interface ExportTable {
  dllName: string | null;
  characteristics: number;
  timeDateStamp: number;
  version: Version;
  ordinalBase: number;
  numberOfFunctions: number;
  numberOfNames: number;
  /** EAT entries in ordinal order; empty slots (RVA 0 and no name) are left out. */
  functions: ExportedFunction[];
  /** Exports left out by the parse option `keepDefinedSymbol`. */
  omitted: number;
}

/** WIN_CERTIFICATE. */
export interface Certificate {
  /** Absolute offset of the WIN_CERTIFICATE header. */
  offset: number;
  /** dwLength: header plus bCertificate (plus padding). */
  length: number;
  revision: number;
  revisionName: string;
  type: number;
  /** WIN_CERT_TYPE_PKCS_SIGNED_DATA for Authenticode. */
  typeName: string;
  /** The DER object in bCertificate (its TLV length, without padding); null when it is not a readable DER SEQUENCE. */
  der: ByteRange | null;
}

/** IMAGE_COR20_HEADER: present in .NET assemblies. */
export interface ClrHeader {
  cb: number;
  /** 'major.minor' of the runtime header (2.5 for every current assembly). */
  runtimeVersion: string;
  flags: number;
  flagNames: string[];
  metadata: RvaRange;
  /** A metadata token, or an RVA when COMIMAGE_FLAGS_NATIVE_ENTRYPOINT is set. */
  entryPoint: number;
  resources: RvaRange;
  strongNameSignature: RvaRange;
  vtableFixups: RvaRange;
  managedNativeHeader: RvaRange;
  /** The version string of the metadata root, e.g. 'v4.0.30319'; null when unreadable. */
  metadataVersion: string | null;
}

export interface CodeViewInfo {
  signature: 'RSDS' | 'NB10';
  /** RSDS: the PDB GUID in its usual text form; NB10: the 32-bit signature in hex. */
  guid: string;
  age: number;
  pdbPath: string;
}

/** IMAGE_DEBUG_DIRECTORY. */
export interface DebugEntry {
  type: number;
  typeName: string;
  timeDateStamp: number;
  version: Version;
  sizeOfData: number;
  addressOfRawData: number;
  pointerToRawData: number;
  codeView: CodeViewInfo | null;
}

export interface PeFile {
  format: 'pe';
  dos: DosHeader;
  coff: CoffHeader;
  /** IMAGE_FILE_DLL is set. */
  isDll: boolean;
  optional: OptionalHeader;
  dataDirectories: DataDirectory[];
  sections: SectionHeader[];
  imports: ImportedDll[];
  delayImports: DelayImportedDll[];
  exports: ExportTable | null;
  certificates: Certificate[];
  clr: ClrHeader | null;
  debug: DebugEntry[];
  anomalies: Anomaly[];
}
