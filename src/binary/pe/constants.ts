/**
 * PE/COFF constants with the names the Microsoft "PE Format" specification
 * (https://learn.microsoft.com/windows/win32/debug/pe-format) and winnt.h give
 * them, so a dump reads like `llvm-readobj --file-headers`:
 *
 * ```ts
 * machineName(0x8664);                        // 'IMAGE_FILE_MACHINE_AMD64'
 * flagNames(0x2022, FILE_CHARACTERISTICS);    // ['IMAGE_FILE_EXECUTABLE_IMAGE', 'IMAGE_FILE_LARGE_ADDRESS_AWARE', 'IMAGE_FILE_DLL']
 * ```
 *
 * Unknown values get a name that still shows the number (`IMAGE_SUBSYSTEM_0x42`),
 * so a dump never prints `undefined`.
 */
import type { Arch } from '../arch.ts';

type NameTable = Readonly<Record<string, number>>;

const reversed = new WeakMap<NameTable, Map<number, string>>();

function reverse(table: NameTable): Map<number, string> {
  let m = reversed.get(table);
  if (!m) {
    m = new Map<number, string>();
    for (const [name, value] of Object.entries(table)) if (!m.has(value)) m.set(value, name);
    reversed.set(table, m);
  }
  return m;
}

function hex(n: number): string {
  return `0x${n.toString(16)}`;
}

/** The name of an enumerated value, or `<prefix>0x<hex>` when the table has none. */
export function enumName(value: number, table: NameTable, unknownPrefix: string): string {
  return reverse(table).get(value) ?? `${unknownPrefix}${hex(value)}`;
}

/**
 * The names of the bits set in `value`, in ascending bit order. Bits the table
 * does not name are listed as one `0x..` entry at the end, so nothing is lost.
 */
export function flagNames(value: number, table: NameTable): string[] {
  const names: string[] = [];
  let rest = value >>> 0;
  for (const [name, bit] of Object.entries(table).sort((a, b) => a[1] - b[1])) {
    if (bit !== 0 && (value & bit) >>> 0 === bit) {
      names.push(name);
      rest = (rest & ~bit) >>> 0;
    }
  }
  if (rest !== 0) names.push(hex(rest));
  return names;
}

// ---------------------------------------------------------------------------
// DOS and NT signatures

export const IMAGE_DOS_SIGNATURE = 0x5a4d; // 'MZ'
export const IMAGE_NT_SIGNATURE = 0x00004550; // 'PE\0\0'
export const IMAGE_NT_OPTIONAL_HDR32_MAGIC = 0x10b;
export const IMAGE_NT_OPTIONAL_HDR64_MAGIC = 0x20b;
export const IMAGE_ROM_OPTIONAL_HDR_MAGIC = 0x107;

/** Sizes of the fixed structures, in bytes. */
export const SIZEOF = {
  DOS_HEADER: 64,
  FILE_HEADER: 20,
  /** Optional header up to and including NumberOfRvaAndSizes. */
  OPTIONAL_HEADER32: 96,
  OPTIONAL_HEADER64: 112,
  DATA_DIRECTORY: 8,
  SECTION_HEADER: 40,
  SYMBOL: 18,
  IMPORT_DESCRIPTOR: 20,
  DELAYLOAD_DESCRIPTOR: 32,
  EXPORT_DIRECTORY: 40,
  WIN_CERTIFICATE_HEADER: 8,
  COR20_HEADER: 72,
  DEBUG_DIRECTORY: 28,
} as const;

// ---------------------------------------------------------------------------
// COFF file header

/** IMAGE_FILE_HEADER.Machine. */
export const MACHINE = {
  IMAGE_FILE_MACHINE_UNKNOWN: 0x0,
  IMAGE_FILE_MACHINE_ALPHA: 0x184,
  IMAGE_FILE_MACHINE_ALPHA64: 0x284,
  IMAGE_FILE_MACHINE_AM33: 0x1d3,
  IMAGE_FILE_MACHINE_AMD64: 0x8664,
  IMAGE_FILE_MACHINE_ARM: 0x1c0,
  IMAGE_FILE_MACHINE_ARM64: 0xaa64,
  IMAGE_FILE_MACHINE_ARM64EC: 0xa641,
  IMAGE_FILE_MACHINE_ARM64X: 0xa64e,
  IMAGE_FILE_MACHINE_ARMNT: 0x1c4,
  IMAGE_FILE_MACHINE_EBC: 0xebc,
  IMAGE_FILE_MACHINE_I386: 0x14c,
  IMAGE_FILE_MACHINE_IA64: 0x200,
  IMAGE_FILE_MACHINE_LOONGARCH32: 0x6232,
  IMAGE_FILE_MACHINE_LOONGARCH64: 0x6264,
  IMAGE_FILE_MACHINE_M32R: 0x9041,
  IMAGE_FILE_MACHINE_MIPS16: 0x266,
  IMAGE_FILE_MACHINE_MIPSFPU: 0x366,
  IMAGE_FILE_MACHINE_MIPSFPU16: 0x466,
  IMAGE_FILE_MACHINE_POWERPC: 0x1f0,
  IMAGE_FILE_MACHINE_POWERPCFP: 0x1f1,
  IMAGE_FILE_MACHINE_R3000: 0x162,
  IMAGE_FILE_MACHINE_R4000: 0x166,
  IMAGE_FILE_MACHINE_R10000: 0x168,
  IMAGE_FILE_MACHINE_RISCV32: 0x5032,
  IMAGE_FILE_MACHINE_RISCV64: 0x5064,
  IMAGE_FILE_MACHINE_RISCV128: 0x5128,
  IMAGE_FILE_MACHINE_SH3: 0x1a2,
  IMAGE_FILE_MACHINE_SH3DSP: 0x1a3,
  IMAGE_FILE_MACHINE_SH4: 0x1a6,
  IMAGE_FILE_MACHINE_SH5: 0x1a8,
  IMAGE_FILE_MACHINE_THUMB: 0x1c2,
  IMAGE_FILE_MACHINE_WCEMIPSV2: 0x169,
} as const;

export function machineName(machine: number): string {
  return enumName(machine, MACHINE, 'IMAGE_FILE_MACHINE_');
}

/** The canonical architecture of a Machine value (the raw value is kept beside it). */
export function machineArch(machine: number): Arch {
  switch (machine) {
    case MACHINE.IMAGE_FILE_MACHINE_AMD64:
      return 'x86_64';
    case MACHINE.IMAGE_FILE_MACHINE_I386:
      return 'i386';
    case MACHINE.IMAGE_FILE_MACHINE_ARM64:
    case MACHINE.IMAGE_FILE_MACHINE_ARM64EC:
    case MACHINE.IMAGE_FILE_MACHINE_ARM64X:
      return 'arm64';
    case MACHINE.IMAGE_FILE_MACHINE_ARM:
    case MACHINE.IMAGE_FILE_MACHINE_ARMNT:
    case MACHINE.IMAGE_FILE_MACHINE_THUMB:
      return 'arm';
    case MACHINE.IMAGE_FILE_MACHINE_IA64:
      return 'ia64';
    case MACHINE.IMAGE_FILE_MACHINE_RISCV64:
      return 'riscv64';
    case MACHINE.IMAGE_FILE_MACHINE_RISCV32:
      return 'riscv32';
    case MACHINE.IMAGE_FILE_MACHINE_LOONGARCH64:
      return 'loongarch64';
    case MACHINE.IMAGE_FILE_MACHINE_R3000:
    case MACHINE.IMAGE_FILE_MACHINE_R4000:
    case MACHINE.IMAGE_FILE_MACHINE_R10000:
    case MACHINE.IMAGE_FILE_MACHINE_WCEMIPSV2:
    case MACHINE.IMAGE_FILE_MACHINE_MIPS16:
    case MACHINE.IMAGE_FILE_MACHINE_MIPSFPU:
    case MACHINE.IMAGE_FILE_MACHINE_MIPSFPU16:
      return 'mipsel';
    default:
      return 'unknown';
  }
}

/** IMAGE_FILE_HEADER.Characteristics. */
export const FILE_CHARACTERISTICS = {
  IMAGE_FILE_RELOCS_STRIPPED: 0x0001,
  IMAGE_FILE_EXECUTABLE_IMAGE: 0x0002,
  IMAGE_FILE_LINE_NUMS_STRIPPED: 0x0004,
  IMAGE_FILE_LOCAL_SYMS_STRIPPED: 0x0008,
  IMAGE_FILE_AGGRESSIVE_WS_TRIM: 0x0010,
  IMAGE_FILE_LARGE_ADDRESS_AWARE: 0x0020,
  IMAGE_FILE_16BIT_MACHINE: 0x0040,
  IMAGE_FILE_BYTES_REVERSED_LO: 0x0080,
  IMAGE_FILE_32BIT_MACHINE: 0x0100,
  IMAGE_FILE_DEBUG_STRIPPED: 0x0200,
  IMAGE_FILE_REMOVABLE_RUN_FROM_SWAP: 0x0400,
  IMAGE_FILE_NET_RUN_FROM_SWAP: 0x0800,
  IMAGE_FILE_SYSTEM: 0x1000,
  IMAGE_FILE_DLL: 0x2000,
  IMAGE_FILE_UP_SYSTEM_ONLY: 0x4000,
  IMAGE_FILE_BYTES_REVERSED_HI: 0x8000,
} as const;

// ---------------------------------------------------------------------------
// Optional header

/** IMAGE_OPTIONAL_HEADER.Subsystem. */
export const SUBSYSTEM = {
  IMAGE_SUBSYSTEM_UNKNOWN: 0,
  IMAGE_SUBSYSTEM_NATIVE: 1,
  IMAGE_SUBSYSTEM_WINDOWS_GUI: 2,
  IMAGE_SUBSYSTEM_WINDOWS_CUI: 3,
  IMAGE_SUBSYSTEM_OS2_CUI: 5,
  IMAGE_SUBSYSTEM_POSIX_CUI: 7,
  IMAGE_SUBSYSTEM_NATIVE_WINDOWS: 8,
  IMAGE_SUBSYSTEM_WINDOWS_CE_GUI: 9,
  IMAGE_SUBSYSTEM_EFI_APPLICATION: 10,
  IMAGE_SUBSYSTEM_EFI_BOOT_SERVICE_DRIVER: 11,
  IMAGE_SUBSYSTEM_EFI_RUNTIME_DRIVER: 12,
  IMAGE_SUBSYSTEM_EFI_ROM: 13,
  IMAGE_SUBSYSTEM_XBOX: 14,
  IMAGE_SUBSYSTEM_WINDOWS_BOOT_APPLICATION: 16,
} as const;

export function subsystemName(subsystem: number): string {
  return enumName(subsystem, SUBSYSTEM, 'IMAGE_SUBSYSTEM_');
}

/**
 * IMAGE_OPTIONAL_HEADER.DllCharacteristics. The spec's names all start with
 * `IMAGE_DLLCHARACTERISTICS_`; the API reports them without that prefix
 * (`HIGH_ENTROPY_VA`, `DYNAMIC_BASE`, `NX_COMPAT`, `GUARD_CF`, ...).
 */
export const DLL_CHARACTERISTICS = {
  HIGH_ENTROPY_VA: 0x0020,
  DYNAMIC_BASE: 0x0040,
  FORCE_INTEGRITY: 0x0080,
  NX_COMPAT: 0x0100,
  NO_ISOLATION: 0x0200,
  NO_SEH: 0x0400,
  NO_BIND: 0x0800,
  APPCONTAINER: 0x1000,
  WDM_DRIVER: 0x2000,
  GUARD_CF: 0x4000,
  TERMINAL_SERVER_AWARE: 0x8000,
} as const;

/** Data directory indices (winnt.h IMAGE_DIRECTORY_ENTRY_*). */
export const DIRECTORY = {
  IMAGE_DIRECTORY_ENTRY_EXPORT: 0,
  IMAGE_DIRECTORY_ENTRY_IMPORT: 1,
  IMAGE_DIRECTORY_ENTRY_RESOURCE: 2,
  IMAGE_DIRECTORY_ENTRY_EXCEPTION: 3,
  /** The attribute certificate table: its "RVA" is a file offset. */
  IMAGE_DIRECTORY_ENTRY_SECURITY: 4,
  IMAGE_DIRECTORY_ENTRY_BASERELOC: 5,
  IMAGE_DIRECTORY_ENTRY_DEBUG: 6,
  IMAGE_DIRECTORY_ENTRY_ARCHITECTURE: 7,
  IMAGE_DIRECTORY_ENTRY_GLOBALPTR: 8,
  IMAGE_DIRECTORY_ENTRY_TLS: 9,
  IMAGE_DIRECTORY_ENTRY_LOAD_CONFIG: 10,
  IMAGE_DIRECTORY_ENTRY_BOUND_IMPORT: 11,
  IMAGE_DIRECTORY_ENTRY_IAT: 12,
  IMAGE_DIRECTORY_ENTRY_DELAY_IMPORT: 13,
  IMAGE_DIRECTORY_ENTRY_COM_DESCRIPTOR: 14,
  IMAGE_DIRECTORY_ENTRY_RESERVED: 15,
} as const;

/** The loader looks at no more than this many data directories. */
export const IMAGE_NUMBEROF_DIRECTORY_ENTRIES = 16;

export function directoryName(index: number): string {
  return enumName(index, DIRECTORY, 'IMAGE_DIRECTORY_ENTRY_');
}

// ---------------------------------------------------------------------------
// Section table

/** IMAGE_SECTION_HEADER.Characteristics, without the alignment field (see sectionCharacteristicNames). */
export const SECTION_CHARACTERISTICS = {
  IMAGE_SCN_TYPE_NO_PAD: 0x00000008,
  IMAGE_SCN_CNT_CODE: 0x00000020,
  IMAGE_SCN_CNT_INITIALIZED_DATA: 0x00000040,
  IMAGE_SCN_CNT_UNINITIALIZED_DATA: 0x00000080,
  IMAGE_SCN_LNK_OTHER: 0x00000100,
  IMAGE_SCN_LNK_INFO: 0x00000200,
  IMAGE_SCN_LNK_REMOVE: 0x00000800,
  IMAGE_SCN_LNK_COMDAT: 0x00001000,
  IMAGE_SCN_GPREL: 0x00008000,
  IMAGE_SCN_MEM_PURGEABLE: 0x00020000,
  IMAGE_SCN_MEM_LOCKED: 0x00040000,
  IMAGE_SCN_MEM_PRELOAD: 0x00080000,
  IMAGE_SCN_LNK_NRELOC_OVFL: 0x01000000,
  IMAGE_SCN_MEM_DISCARDABLE: 0x02000000,
  IMAGE_SCN_MEM_NOT_CACHED: 0x04000000,
  IMAGE_SCN_MEM_NOT_PAGED: 0x08000000,
  IMAGE_SCN_MEM_SHARED: 0x10000000,
  IMAGE_SCN_MEM_EXECUTE: 0x20000000,
  IMAGE_SCN_MEM_READ: 0x40000000,
  IMAGE_SCN_MEM_WRITE: 0x80000000,
} as const;

export const IMAGE_SCN_ALIGN_MASK = 0x00f00000;

/** Flag names plus the alignment field (`IMAGE_SCN_ALIGN_16BYTES`, object files only in practice). */
export function sectionCharacteristicNames(characteristics: number): string[] {
  const align = (characteristics & IMAGE_SCN_ALIGN_MASK) >>> 20;
  const names = flagNames((characteristics & ~IMAGE_SCN_ALIGN_MASK) >>> 0, SECTION_CHARACTERISTICS);
  if (align >= 1 && align <= 14) names.push(`IMAGE_SCN_ALIGN_${2 ** (align - 1)}BYTES`);
  else if (align === 15) names.push('0xf00000');
  return names;
}

// ---------------------------------------------------------------------------
// Imports

/** IMAGE_THUNK_DATA: the high bit marks an import by ordinal. */
export const IMAGE_ORDINAL_FLAG32 = 0x80000000;
/** Delay-load descriptor Attributes: set when its addresses are RVAs (clear in the old VC6 form: VAs). */
export const DLATTR_RVA = 0x1;

// ---------------------------------------------------------------------------
// Attribute certificate table (WIN_CERTIFICATE)

export const WIN_CERT_REVISION = {
  WIN_CERT_REVISION_1_0: 0x0100,
  WIN_CERT_REVISION_2_0: 0x0200,
} as const;

export const WIN_CERT_TYPE = {
  WIN_CERT_TYPE_X509: 0x0001,
  WIN_CERT_TYPE_PKCS_SIGNED_DATA: 0x0002,
  WIN_CERT_TYPE_RESERVED_1: 0x0003,
  WIN_CERT_TYPE_TS_STACK_SIGNED: 0x0004,
} as const;

export function certTypeName(type: number): string {
  return enumName(type, WIN_CERT_TYPE, 'WIN_CERT_TYPE_');
}

export function certRevisionName(revision: number): string {
  return enumName(revision, WIN_CERT_REVISION, 'WIN_CERT_REVISION_');
}

// ---------------------------------------------------------------------------
// CLR (.NET) header, ECMA-335 II.25.3.3

export const COMIMAGE_FLAGS = {
  COMIMAGE_FLAGS_ILONLY: 0x00000001,
  COMIMAGE_FLAGS_32BITREQUIRED: 0x00000002,
  COMIMAGE_FLAGS_IL_LIBRARY: 0x00000004,
  COMIMAGE_FLAGS_STRONGNAMESIGNED: 0x00000008,
  COMIMAGE_FLAGS_NATIVE_ENTRYPOINT: 0x00000010,
  COMIMAGE_FLAGS_TRACKDEBUGDATA: 0x00010000,
  COMIMAGE_FLAGS_32BITPREFERRED: 0x00020000,
} as const;

/** 'BSJB', the metadata root signature (ECMA-335 II.24.2.1). */
export const METADATA_SIGNATURE = 0x424a5342;

// ---------------------------------------------------------------------------
// Debug directory

export const DEBUG_TYPE = {
  IMAGE_DEBUG_TYPE_UNKNOWN: 0,
  IMAGE_DEBUG_TYPE_COFF: 1,
  IMAGE_DEBUG_TYPE_CODEVIEW: 2,
  IMAGE_DEBUG_TYPE_FPO: 3,
  IMAGE_DEBUG_TYPE_MISC: 4,
  IMAGE_DEBUG_TYPE_EXCEPTION: 5,
  IMAGE_DEBUG_TYPE_FIXUP: 6,
  IMAGE_DEBUG_TYPE_OMAP_TO_SRC: 7,
  IMAGE_DEBUG_TYPE_OMAP_FROM_SRC: 8,
  IMAGE_DEBUG_TYPE_BORLAND: 9,
  IMAGE_DEBUG_TYPE_RESERVED10: 10,
  IMAGE_DEBUG_TYPE_CLSID: 11,
  IMAGE_DEBUG_TYPE_VC_FEATURE: 12,
  IMAGE_DEBUG_TYPE_POGO: 13,
  IMAGE_DEBUG_TYPE_ILTCG: 14,
  IMAGE_DEBUG_TYPE_MPX: 15,
  IMAGE_DEBUG_TYPE_REPRO: 16,
  IMAGE_DEBUG_TYPE_EMBEDDED_PORTABLE_PDB: 17,
  IMAGE_DEBUG_TYPE_PDBCHECKSUM: 19,
  IMAGE_DEBUG_TYPE_EX_DLLCHARACTERISTICS: 20,
} as const;

export function debugTypeName(type: number): string {
  return enumName(type, DEBUG_TYPE, 'IMAGE_DEBUG_TYPE_');
}

/** CodeView record signatures: 'RSDS' (PDB 7.0) and 'NB10' (PDB 2.0), read little-endian. */
export const CV_SIGNATURE_RSDS = 0x53445352;
export const CV_SIGNATURE_NB10 = 0x3031424e;
