/**
 * Mach-O constants with their spec names, and the functions that turn raw
 * numbers into the names Apple's headers use (as `otool` / `llvm-objdump
 * --macho` print them, with the header's prefix kept: `MH_DYLIB`, `LC_RPATH`).
 *
 * Sources: `<mach-o/loader.h>`, `<mach-o/fat.h>`, `<mach-o/nlist.h>`,
 * `<mach/machine.h>` (apple-oss-distributions/xnu EXTERNAL_HEADERS and cctools),
 * and `osfmk/kern/cs_blobs.h` for the code-signature blobs.
 */
import type { Arch } from '../arch.ts';
import type { CpuType } from './types.ts';

// ---------------------------------------------------------------------------
// Magics

export const MH_MAGIC = 0xfeedface;
export const MH_CIGAM = 0xcefaedfe;
export const MH_MAGIC_64 = 0xfeedfacf;
export const MH_CIGAM_64 = 0xcffaedfe;
export const FAT_MAGIC = 0xcafebabe;
export const FAT_MAGIC_64 = 0xcafebabf;

/** fat_header is 8 bytes; fat_arch 20; fat_arch_64 32. */
export const FAT_HEADER_SIZE = 8;
export const FAT_ARCH_SIZE = 20;
export const FAT_ARCH_64_SIZE = 32;
/** mach_header is 28 bytes, mach_header_64 32. */
export const MACH_HEADER_SIZE = 28;
export const MACH_HEADER_64_SIZE = 32;
/** A class file's major version (the word after 0xCAFEBABE) is at least 45. */
export const JAVA_CLASS_MIN_MAJOR = 45;
/** The most fat arches we read (sniff.ts's bound; real files have two or three). */
export const MAX_FAT_ARCHS = 44;

// ---------------------------------------------------------------------------
// CPU types (<mach/machine.h>)

export const CPU_ARCH_ABI64 = 0x01000000;
export const CPU_ARCH_ABI64_32 = 0x02000000;
export const CPU_TYPE_X86 = 7;
export const CPU_TYPE_X86_64 = CPU_TYPE_X86 | CPU_ARCH_ABI64;
export const CPU_TYPE_ARM = 12;
export const CPU_TYPE_ARM64 = CPU_TYPE_ARM | CPU_ARCH_ABI64;
export const CPU_TYPE_ARM64_32 = CPU_TYPE_ARM | CPU_ARCH_ABI64_32;
export const CPU_TYPE_POWERPC = 18;
export const CPU_TYPE_POWERPC64 = CPU_TYPE_POWERPC | CPU_ARCH_ABI64;

export const CPU_SUBTYPE_MASK = 0xff000000;
export const CPU_SUBTYPE_ARM64E = 2;

const CPU_TYPE_NAMES: Record<number, string> = {
  [CPU_TYPE_X86]: 'CPU_TYPE_I386',
  [CPU_TYPE_X86_64]: 'CPU_TYPE_X86_64',
  [CPU_TYPE_ARM]: 'CPU_TYPE_ARM',
  [CPU_TYPE_ARM64]: 'CPU_TYPE_ARM64',
  [CPU_TYPE_ARM64_32]: 'CPU_TYPE_ARM64_32',
  [CPU_TYPE_POWERPC]: 'CPU_TYPE_POWERPC',
  [CPU_TYPE_POWERPC64]: 'CPU_TYPE_POWERPC64',
  6: 'CPU_TYPE_MC680x0',
  10: 'CPU_TYPE_MC98000',
  11: 'CPU_TYPE_HPPA',
  13: 'CPU_TYPE_MC88000',
  14: 'CPU_TYPE_SPARC',
  15: 'CPU_TYPE_I860',
};

export function cpuTypeName(cputype: number): string {
  return CPU_TYPE_NAMES[cputype] ?? `CPU_TYPE_UNKNOWN(${cputype})`;
}

const CPU_SUBTYPE_NAMES: Record<number, Record<number, string>> = {
  [CPU_TYPE_X86]: { 3: 'CPU_SUBTYPE_I386_ALL' },
  [CPU_TYPE_X86_64]: { 3: 'CPU_SUBTYPE_X86_64_ALL', 4: 'CPU_SUBTYPE_X86_ARCH1', 8: 'CPU_SUBTYPE_X86_64_H' },
  [CPU_TYPE_ARM]: {
    0: 'CPU_SUBTYPE_ARM_ALL',
    5: 'CPU_SUBTYPE_ARM_V4T',
    6: 'CPU_SUBTYPE_ARM_V6',
    7: 'CPU_SUBTYPE_ARM_V5TEJ',
    8: 'CPU_SUBTYPE_ARM_XSCALE',
    9: 'CPU_SUBTYPE_ARM_V7',
    10: 'CPU_SUBTYPE_ARM_V7F',
    11: 'CPU_SUBTYPE_ARM_V7S',
    12: 'CPU_SUBTYPE_ARM_V7K',
    13: 'CPU_SUBTYPE_ARM_V8',
    14: 'CPU_SUBTYPE_ARM_V6M',
    15: 'CPU_SUBTYPE_ARM_V7M',
    16: 'CPU_SUBTYPE_ARM_V7EM',
  },
  [CPU_TYPE_ARM64]: { 0: 'CPU_SUBTYPE_ARM64_ALL', 1: 'CPU_SUBTYPE_ARM64_V8', 2: 'CPU_SUBTYPE_ARM64E' },
  [CPU_TYPE_ARM64_32]: { 1: 'CPU_SUBTYPE_ARM64_32_V8' },
  [CPU_TYPE_POWERPC]: { 0: 'CPU_SUBTYPE_POWERPC_ALL', 10: 'CPU_SUBTYPE_POWERPC_7400', 11: 'CPU_SUBTYPE_POWERPC_7450', 100: 'CPU_SUBTYPE_POWERPC_970' },
  [CPU_TYPE_POWERPC64]: { 0: 'CPU_SUBTYPE_POWERPC_ALL', 100: 'CPU_SUBTYPE_POWERPC_970' },
};

/** Name of a cpusubtype already masked with ~CPU_SUBTYPE_MASK. */
export function cpuSubtypeName(cputype: number, cpusubtype: number): string {
  return CPU_SUBTYPE_NAMES[cputype]?.[cpusubtype] ?? `CPU_SUBTYPE_UNKNOWN(${cpusubtype})`;
}

/** The canonical architecture of a cputype / masked cpusubtype pair. */
export function machoArch(cputype: number, cpusubtype: number): Arch {
  switch (cputype) {
    case CPU_TYPE_X86:
      return 'i386';
    case CPU_TYPE_X86_64:
      return 'x86_64';
    case CPU_TYPE_ARM:
      return 'arm';
    case CPU_TYPE_ARM64:
      return cpusubtype === CPU_SUBTYPE_ARM64E ? 'arm64e' : 'arm64';
    case CPU_TYPE_ARM64_32:
      return 'arm64_32';
    case CPU_TYPE_POWERPC:
      return 'ppc';
    case CPU_TYPE_POWERPC64:
      return 'ppc64';
    default:
      return 'unknown';
  }
}

// ---------------------------------------------------------------------------
// mach_header filetype and flags

export const MH_OBJECT = 0x1;
export const MH_EXECUTE = 0x2;
export const MH_DYLIB = 0x6;
export const MH_BUNDLE = 0x8;

const FILETYPE_NAMES: Record<number, string> = {
  0x1: 'MH_OBJECT',
  0x2: 'MH_EXECUTE',
  0x3: 'MH_FVMLIB',
  0x4: 'MH_CORE',
  0x5: 'MH_PRELOAD',
  0x6: 'MH_DYLIB',
  0x7: 'MH_DYLINKER',
  0x8: 'MH_BUNDLE',
  0x9: 'MH_DYLIB_STUB',
  0xa: 'MH_DSYM',
  0xb: 'MH_KEXT_BUNDLE',
  0xc: 'MH_FILESET',
  0xd: 'MH_GPU_EXECUTE',
  0xe: 'MH_GPU_DYLIB',
};

export function fileTypeName(filetype: number): string {
  return FILETYPE_NAMES[filetype] ?? `MH_UNKNOWN(0x${filetype.toString(16)})`;
}

export const MH_TWOLEVEL = 0x80;

const HEADER_FLAGS: [number, string][] = [
  [0x1, 'MH_NOUNDEFS'],
  [0x2, 'MH_INCRLINK'],
  [0x4, 'MH_DYLDLINK'],
  [0x8, 'MH_BINDATLOAD'],
  [0x10, 'MH_PREBOUND'],
  [0x20, 'MH_SPLIT_SEGS'],
  [0x40, 'MH_LAZY_INIT'],
  [0x80, 'MH_TWOLEVEL'],
  [0x100, 'MH_FORCE_FLAT'],
  [0x200, 'MH_NOMULTIDEFS'],
  [0x400, 'MH_NOFIXPREBINDING'],
  [0x800, 'MH_PREBINDABLE'],
  [0x1000, 'MH_ALLMODSBOUND'],
  [0x2000, 'MH_SUBSECTIONS_VIA_SYMBOLS'],
  [0x4000, 'MH_CANONICAL'],
  [0x8000, 'MH_WEAK_DEFINES'],
  [0x10000, 'MH_BINDS_TO_WEAK'],
  [0x20000, 'MH_ALLOW_STACK_EXECUTION'],
  [0x40000, 'MH_ROOT_SAFE'],
  [0x80000, 'MH_SETUID_SAFE'],
  [0x100000, 'MH_NO_REEXPORTED_DYLIBS'],
  [0x200000, 'MH_PIE'],
  [0x400000, 'MH_DEAD_STRIPPABLE_DYLIB'],
  [0x800000, 'MH_HAS_TLV_DESCRIPTORS'],
  [0x1000000, 'MH_NO_HEAP_EXECUTION'],
  [0x2000000, 'MH_APP_EXTENSION_SAFE'],
  [0x4000000, 'MH_NLIST_OUTOFSYNC_WITH_DYLDINFO'],
  [0x8000000, 'MH_SIM_SUPPORT'],
  [0x80000000, 'MH_DYLIB_IN_CACHE'],
];

/** Names of the set bits; bits without a name come out as hex. */
function bitNames(value: number, table: [number, string][]): string[] {
  const names: string[] = [];
  let rest = value >>> 0;
  for (const [bit, name] of table) {
    if ((rest & bit) >>> 0 === bit) {
      names.push(name);
      rest = (rest & ~bit) >>> 0;
    }
  }
  if (rest !== 0) names.push(`0x${rest.toString(16)}`);
  return names;
}

export function headerFlagNames(flags: number): string[] {
  return bitNames(flags, HEADER_FLAGS);
}

// ---------------------------------------------------------------------------
// Load commands

export const LC_REQ_DYLD = 0x80000000;
export const LC_SEGMENT = 0x1;
export const LC_SYMTAB = 0x2;
export const LC_DYSYMTAB = 0xb;
export const LC_LOAD_DYLIB = 0xc;
export const LC_ID_DYLIB = 0xd;
export const LC_LOAD_DYLINKER = 0xe;
export const LC_LOAD_WEAK_DYLIB = 0x80000018;
export const LC_SEGMENT_64 = 0x19;
export const LC_UUID = 0x1b;
export const LC_RPATH = 0x8000001c;
export const LC_CODE_SIGNATURE = 0x1d;
export const LC_SEGMENT_SPLIT_INFO = 0x1e;
export const LC_REEXPORT_DYLIB = 0x8000001f;
export const LC_LAZY_LOAD_DYLIB = 0x20;
export const LC_ENCRYPTION_INFO = 0x21;
export const LC_DYLD_INFO = 0x22;
export const LC_DYLD_INFO_ONLY = 0x80000022;
export const LC_LOAD_UPWARD_DYLIB = 0x80000023;
export const LC_VERSION_MIN_MACOSX = 0x24;
export const LC_VERSION_MIN_IPHONEOS = 0x25;
export const LC_FUNCTION_STARTS = 0x26;
export const LC_MAIN = 0x80000028;
export const LC_DATA_IN_CODE = 0x29;
export const LC_SOURCE_VERSION = 0x2a;
export const LC_DYLIB_CODE_SIGN_DRS = 0x2b;
export const LC_ENCRYPTION_INFO_64 = 0x2c;
export const LC_LINKER_OPTIMIZATION_HINT = 0x2e;
export const LC_VERSION_MIN_TVOS = 0x2f;
export const LC_VERSION_MIN_WATCHOS = 0x30;
export const LC_BUILD_VERSION = 0x32;
export const LC_DYLD_EXPORTS_TRIE = 0x80000033;
export const LC_DYLD_CHAINED_FIXUPS = 0x80000034;
export const LC_ATOM_INFO = 0x36;

const LOAD_COMMAND_NAMES: Record<number, string> = {
  0x1: 'LC_SEGMENT',
  0x2: 'LC_SYMTAB',
  0x3: 'LC_SYMSEG',
  0x4: 'LC_THREAD',
  0x5: 'LC_UNIXTHREAD',
  0x6: 'LC_LOADFVMLIB',
  0x7: 'LC_IDFVMLIB',
  0x8: 'LC_IDENT',
  0x9: 'LC_FVMFILE',
  0xa: 'LC_PREPAGE',
  0xb: 'LC_DYSYMTAB',
  0xc: 'LC_LOAD_DYLIB',
  0xd: 'LC_ID_DYLIB',
  0xe: 'LC_LOAD_DYLINKER',
  0xf: 'LC_ID_DYLINKER',
  0x10: 'LC_PREBOUND_DYLIB',
  0x11: 'LC_ROUTINES',
  0x12: 'LC_SUB_FRAMEWORK',
  0x13: 'LC_SUB_UMBRELLA',
  0x14: 'LC_SUB_CLIENT',
  0x15: 'LC_SUB_LIBRARY',
  0x16: 'LC_TWOLEVEL_HINTS',
  0x17: 'LC_PREBIND_CKSUM',
  0x80000018: 'LC_LOAD_WEAK_DYLIB',
  0x19: 'LC_SEGMENT_64',
  0x1a: 'LC_ROUTINES_64',
  0x1b: 'LC_UUID',
  0x8000001c: 'LC_RPATH',
  0x1d: 'LC_CODE_SIGNATURE',
  0x1e: 'LC_SEGMENT_SPLIT_INFO',
  0x8000001f: 'LC_REEXPORT_DYLIB',
  0x20: 'LC_LAZY_LOAD_DYLIB',
  0x21: 'LC_ENCRYPTION_INFO',
  0x22: 'LC_DYLD_INFO',
  0x80000022: 'LC_DYLD_INFO_ONLY',
  0x80000023: 'LC_LOAD_UPWARD_DYLIB',
  0x24: 'LC_VERSION_MIN_MACOSX',
  0x25: 'LC_VERSION_MIN_IPHONEOS',
  0x26: 'LC_FUNCTION_STARTS',
  0x27: 'LC_DYLD_ENVIRONMENT',
  0x80000028: 'LC_MAIN',
  0x29: 'LC_DATA_IN_CODE',
  0x2a: 'LC_SOURCE_VERSION',
  0x2b: 'LC_DYLIB_CODE_SIGN_DRS',
  0x2c: 'LC_ENCRYPTION_INFO_64',
  0x2d: 'LC_LINKER_OPTION',
  0x2e: 'LC_LINKER_OPTIMIZATION_HINT',
  0x2f: 'LC_VERSION_MIN_TVOS',
  0x30: 'LC_VERSION_MIN_WATCHOS',
  0x31: 'LC_NOTE',
  0x32: 'LC_BUILD_VERSION',
  0x80000033: 'LC_DYLD_EXPORTS_TRIE',
  0x80000034: 'LC_DYLD_CHAINED_FIXUPS',
  0x80000035: 'LC_FILESET_ENTRY',
  0x36: 'LC_ATOM_INFO',
};

export function loadCommandName(cmd: number): string {
  return LOAD_COMMAND_NAMES[cmd] ?? `LC_UNKNOWN(0x${cmd.toString(16)})`;
}

export function isKnownLoadCommand(cmd: number): boolean {
  return cmd in LOAD_COMMAND_NAMES;
}

export type DylibKind = 'load' | 'weak' | 'reexport' | 'lazy' | 'upward';

/** The commands that add a dylib to the ordinal list, in the order they appear. */
export const DYLIB_LOAD_KINDS: Record<number, DylibKind> = {
  [LC_LOAD_DYLIB]: 'load',
  [LC_LOAD_WEAK_DYLIB]: 'weak',
  [LC_REEXPORT_DYLIB]: 'reexport',
  [LC_LAZY_LOAD_DYLIB]: 'lazy',
  [LC_LOAD_UPWARD_DYLIB]: 'upward',
};

export type VersionMinKind = 'macos' | 'ios' | 'tvos' | 'watchos';

export const VERSION_MIN_KINDS: Record<number, VersionMinKind> = {
  [LC_VERSION_MIN_MACOSX]: 'macos',
  [LC_VERSION_MIN_IPHONEOS]: 'ios',
  [LC_VERSION_MIN_TVOS]: 'tvos',
  [LC_VERSION_MIN_WATCHOS]: 'watchos',
};

/** linkedit_data_command users: {dataoff, datasize} into __LINKEDIT. */
export const LINKEDIT_DATA_COMMANDS = new Set([
  LC_CODE_SIGNATURE,
  LC_SEGMENT_SPLIT_INFO,
  LC_FUNCTION_STARTS,
  LC_DATA_IN_CODE,
  LC_DYLIB_CODE_SIGN_DRS,
  LC_LINKER_OPTIMIZATION_HINT,
  LC_DYLD_EXPORTS_TRIE,
  LC_DYLD_CHAINED_FIXUPS,
  LC_ATOM_INFO,
]);

// ---------------------------------------------------------------------------
// LC_BUILD_VERSION platforms and tools

const PLATFORM_NAMES: Record<number, string> = {
  1: 'macos',
  2: 'ios',
  3: 'tvos',
  4: 'watchos',
  5: 'bridgeos',
  6: 'macCatalyst',
  7: 'iossim',
  8: 'tvossim',
  9: 'watchossim',
  10: 'driverkit',
  11: 'xros',
  12: 'xrossim',
};

export function platformName(platform: number): string {
  return PLATFORM_NAMES[platform] ?? `unknown(${platform})`;
}

const TOOL_NAMES: Record<number, string> = {
  1: 'clang',
  2: 'swift',
  3: 'ld',
  4: 'lld',
  1024: 'metal',
  1025: 'airlld',
  1026: 'airnt',
  1027: 'airnt-plugin',
  1028: 'airpack',
  1031: 'gpuarchiver',
  1032: 'metal-framework',
};

export function toolName(tool: number): string {
  return TOOL_NAMES[tool] ?? `unknown(${tool})`;
}

// ---------------------------------------------------------------------------
// Segments and sections

const VM_PROT = ['r', 'w', 'x'] as const;

/** `r-x` style, as otool prints maxprot/initprot. */
export function vmProtName(prot: number): string {
  return VM_PROT.map((c, i) => ((prot >>> i) & 1 ? c : '-')).join('');
}

const SEGMENT_FLAGS: [number, string][] = [
  [0x1, 'SG_HIGHVM'],
  [0x2, 'SG_FVMLIB'],
  [0x4, 'SG_NORELOC'],
  [0x8, 'SG_PROTECTED_VERSION_1'],
  [0x10, 'SG_READ_ONLY'],
];

export function segmentFlagNames(flags: number): string[] {
  return bitNames(flags, SEGMENT_FLAGS);
}

export const SECTION_TYPE_MASK = 0xff;
export const S_ZEROFILL = 0x1;
export const S_GB_ZEROFILL = 0xc;
export const S_THREAD_LOCAL_ZEROFILL = 0x12;

const SECTION_TYPES: Record<number, string> = {
  0x0: 'S_REGULAR',
  0x1: 'S_ZEROFILL',
  0x2: 'S_CSTRING_LITERALS',
  0x3: 'S_4BYTE_LITERALS',
  0x4: 'S_8BYTE_LITERALS',
  0x5: 'S_LITERAL_POINTERS',
  0x6: 'S_NON_LAZY_SYMBOL_POINTERS',
  0x7: 'S_LAZY_SYMBOL_POINTERS',
  0x8: 'S_SYMBOL_STUBS',
  0x9: 'S_MOD_INIT_FUNC_POINTERS',
  0xa: 'S_MOD_TERM_FUNC_POINTERS',
  0xb: 'S_COALESCED',
  0xc: 'S_GB_ZEROFILL',
  0xd: 'S_INTERPOSING',
  0xe: 'S_16BYTE_LITERALS',
  0xf: 'S_DTRACE_DOF',
  0x10: 'S_LAZY_DYLIB_SYMBOL_POINTERS',
  0x11: 'S_THREAD_LOCAL_REGULAR',
  0x12: 'S_THREAD_LOCAL_ZEROFILL',
  0x13: 'S_THREAD_LOCAL_VARIABLES',
  0x14: 'S_THREAD_LOCAL_VARIABLE_POINTERS',
  0x15: 'S_THREAD_LOCAL_INIT_FUNCTION_POINTERS',
  0x16: 'S_INIT_FUNC_OFFSETS',
};

export function sectionTypeName(type: number): string {
  return SECTION_TYPES[type] ?? `S_UNKNOWN(0x${type.toString(16)})`;
}

const SECTION_ATTRIBUTES: [number, string][] = [
  [0x80000000, 'S_ATTR_PURE_INSTRUCTIONS'],
  [0x40000000, 'S_ATTR_NO_TOC'],
  [0x20000000, 'S_ATTR_STRIP_STATIC_SYMS'],
  [0x10000000, 'S_ATTR_NO_DEAD_STRIP'],
  [0x08000000, 'S_ATTR_LIVE_SUPPORT'],
  [0x04000000, 'S_ATTR_SELF_MODIFYING_CODE'],
  [0x02000000, 'S_ATTR_DEBUG'],
  [0x400, 'S_ATTR_SOME_INSTRUCTIONS'],
  [0x200, 'S_ATTR_EXT_RELOC'],
  [0x100, 'S_ATTR_LOC_RELOC'],
];

export function sectionAttributeNames(flags: number): string[] {
  return bitNames((flags & ~SECTION_TYPE_MASK) >>> 0, SECTION_ATTRIBUTES);
}

// ---------------------------------------------------------------------------
// nlist

export const N_STAB = 0xe0;
export const N_PEXT = 0x10;
export const N_TYPE = 0x0e;
export const N_EXT = 0x01;
export const N_UNDF = 0x0;
export const N_ABS = 0x2;
export const N_INDR = 0xa;
export const N_PBUD = 0xc;
export const N_SECT = 0xe;

export type SymbolType = 'UNDF' | 'ABS' | 'SECT' | 'PBUD' | 'INDR' | 'UNKNOWN';

const SYMBOL_TYPES: Record<number, SymbolType> = {
  [N_UNDF]: 'UNDF',
  [N_ABS]: 'ABS',
  [N_SECT]: 'SECT',
  [N_PBUD]: 'PBUD',
  [N_INDR]: 'INDR',
};

export function symbolTypeName(nType: number): SymbolType {
  return SYMBOL_TYPES[nType & N_TYPE] ?? 'UNKNOWN';
}

export const N_WEAK_REF = 0x0040;
export const N_WEAK_DEF = 0x0080;
export const NLIST_SIZE = 12;
export const NLIST_64_SIZE = 16;

/** Library ordinals in n_desc >> 8 with a meaning other than "the n-th dylib". */
export const SELF_LIBRARY_ORDINAL = 0x0;
export const DYNAMIC_LOOKUP_ORDINAL = 0xfe;
export const EXECUTABLE_ORDINAL = 0xff;

// ---------------------------------------------------------------------------
// Code signature (osfmk/kern/cs_blobs.h) — all big-endian

export const CSMAGIC_REQUIREMENT = 0xfade0c00;
export const CSMAGIC_REQUIREMENTS = 0xfade0c01;
export const CSMAGIC_CODEDIRECTORY = 0xfade0c02;
export const CSMAGIC_EMBEDDED_SIGNATURE = 0xfade0cc0;
export const CSMAGIC_EMBEDDED_SIGNATURE_OLD = 0xfade0b02;
export const CSMAGIC_EMBEDDED_ENTITLEMENTS = 0xfade7171;
export const CSMAGIC_EMBEDDED_DER_ENTITLEMENTS = 0xfade7172;
export const CSMAGIC_DETACHED_SIGNATURE = 0xfade0cc1;
export const CSMAGIC_BLOBWRAPPER = 0xfade0b01;
export const CSMAGIC_EMBEDDED_LAUNCH_CONSTRAINT = 0xfade8181;

const BLOB_MAGIC_NAMES: Record<number, string> = {
  [CSMAGIC_REQUIREMENT]: 'CSMAGIC_REQUIREMENT',
  [CSMAGIC_REQUIREMENTS]: 'CSMAGIC_REQUIREMENTS',
  [CSMAGIC_CODEDIRECTORY]: 'CSMAGIC_CODEDIRECTORY',
  [CSMAGIC_EMBEDDED_SIGNATURE]: 'CSMAGIC_EMBEDDED_SIGNATURE',
  [CSMAGIC_EMBEDDED_SIGNATURE_OLD]: 'CSMAGIC_EMBEDDED_SIGNATURE_OLD',
  [CSMAGIC_EMBEDDED_ENTITLEMENTS]: 'CSMAGIC_EMBEDDED_ENTITLEMENTS',
  [CSMAGIC_EMBEDDED_DER_ENTITLEMENTS]: 'CSMAGIC_EMBEDDED_DER_ENTITLEMENTS',
  [CSMAGIC_DETACHED_SIGNATURE]: 'CSMAGIC_DETACHED_SIGNATURE',
  [CSMAGIC_BLOBWRAPPER]: 'CSMAGIC_BLOBWRAPPER',
  [CSMAGIC_EMBEDDED_LAUNCH_CONSTRAINT]: 'CSMAGIC_EMBEDDED_LAUNCH_CONSTRAINT',
};

export function blobMagicName(magic: number): string {
  return BLOB_MAGIC_NAMES[magic] ?? `CSMAGIC_UNKNOWN(0x${magic.toString(16)})`;
}

export const CSSLOT_CODEDIRECTORY = 0;
export const CSSLOT_REQUIREMENTS = 2;
export const CSSLOT_ENTITLEMENTS = 5;
export const CSSLOT_DER_ENTITLEMENTS = 7;
export const CSSLOT_ALTERNATE_CODEDIRECTORIES = 0x1000;
export const CSSLOT_ALTERNATE_CODEDIRECTORY_MAX = 5;
export const CSSLOT_SIGNATURESLOT = 0x10000;

const SLOT_NAMES: Record<number, string> = {
  0: 'CSSLOT_CODEDIRECTORY',
  1: 'CSSLOT_INFOSLOT',
  2: 'CSSLOT_REQUIREMENTS',
  3: 'CSSLOT_RESOURCEDIR',
  4: 'CSSLOT_APPLICATION',
  5: 'CSSLOT_ENTITLEMENTS',
  6: 'CSSLOT_REP_SPECIFIC',
  7: 'CSSLOT_DER_ENTITLEMENTS',
  8: 'CSSLOT_LAUNCH_CONSTRAINT_SELF',
  9: 'CSSLOT_LAUNCH_CONSTRAINT_PARENT',
  10: 'CSSLOT_LAUNCH_CONSTRAINT_RESPONSIBLE',
  11: 'CSSLOT_LIBRARY_CONSTRAINT',
  0x10000: 'CSSLOT_SIGNATURESLOT',
  0x10001: 'CSSLOT_IDENTIFICATIONSLOT',
  0x10002: 'CSSLOT_TICKETSLOT',
};

export function isCodeDirectorySlot(type: number): boolean {
  return type === CSSLOT_CODEDIRECTORY || (type >= CSSLOT_ALTERNATE_CODEDIRECTORIES && type < CSSLOT_ALTERNATE_CODEDIRECTORIES + CSSLOT_ALTERNATE_CODEDIRECTORY_MAX);
}

export function slotTypeName(type: number): string {
  if (type >= CSSLOT_ALTERNATE_CODEDIRECTORIES && type < CSSLOT_ALTERNATE_CODEDIRECTORIES + CSSLOT_ALTERNATE_CODEDIRECTORY_MAX) {
    return `CSSLOT_ALTERNATE_CODEDIRECTORIES+${type - CSSLOT_ALTERNATE_CODEDIRECTORIES}`;
  }
  return SLOT_NAMES[type] ?? `CSSLOT_UNKNOWN(0x${type.toString(16)})`;
}

/** CodeDirectory versions that add fields (each version's fixed header size). */
export const CS_SUPPORTSSCATTER = 0x20100;
export const CS_SUPPORTSTEAMID = 0x20200;
export const CS_SUPPORTSCODELIMIT64 = 0x20300;
export const CS_SUPPORTSEXECSEG = 0x20400;
export const CS_SUPPORTSRUNTIME = 0x20500;
export const CS_SUPPORTSLINKAGE = 0x20600;

const CD_FLAGS: [number, string][] = [
  [0x1, 'VALID'],
  [0x2, 'ADHOC'],
  [0x4, 'GET_TASK_ALLOW'],
  [0x8, 'INSTALLER'],
  [0x10, 'FORCED_LV'],
  [0x20, 'INVALID_ALLOWED'],
  [0x100, 'HARD'],
  [0x200, 'KILL'],
  [0x400, 'CHECK_EXPIRATION'],
  [0x800, 'RESTRICT'],
  [0x1000, 'ENFORCEMENT'],
  [0x2000, 'REQUIRE_LV'],
  [0x4000, 'ENTITLEMENTS_VALIDATED'],
  [0x8000, 'NVRAM_UNRESTRICTED'],
  [0x10000, 'RUNTIME'],
  [0x20000, 'LINKER_SIGNED'],
];

export const CS_ADHOC = 0x2;
export const CS_RUNTIME = 0x10000;
export const CS_LINKER_SIGNED = 0x20000;

/** CodeDirectory flags as `codesign -d` names them, without the CS_ prefix. */
export function codeDirectoryFlagNames(flags: number): string[] {
  return bitNames(flags, CD_FLAGS);
}

const EXEC_SEG_FLAGS: [number, string][] = [
  [0x1, 'MAIN_BINARY'],
  [0x10, 'ALLOW_UNSIGNED'],
  [0x20, 'DEBUGGER'],
  [0x40, 'JIT'],
  [0x80, 'SKIP_LV'],
  [0x100, 'CAN_LOAD_CDHASH'],
  [0x200, 'CAN_EXEC_CDHASH'],
];

export function execSegFlagNames(flags: number): string[] {
  return bitNames(flags, EXEC_SEG_FLAGS);
}

export interface HashTypeInfo {
  name: string;
  /** Digest length in bytes (what hashSize must be). */
  size: number;
  /** node:crypto algorithm; the truncated kind keeps the first `size` bytes. */
  nodeAlgorithm: string;
}

const HASH_TYPES: Record<number, HashTypeInfo> = {
  1: { name: 'sha1', size: 20, nodeAlgorithm: 'sha1' },
  2: { name: 'sha256', size: 32, nodeAlgorithm: 'sha256' },
  3: { name: 'sha256-truncated', size: 20, nodeAlgorithm: 'sha256' },
  4: { name: 'sha384', size: 48, nodeAlgorithm: 'sha384' },
  5: { name: 'sha512', size: 64, nodeAlgorithm: 'sha512' },
};

export function hashTypeInfo(hashType: number): HashTypeInfo | null {
  return HASH_TYPES[hashType] ?? null;
}

export function hashTypeName(hashType: number): string {
  return HASH_TYPES[hashType]?.name ?? `unknown(${hashType})`;
}

// ---------------------------------------------------------------------------
// Version encodings

/** A packed `xxxx.yy.zz` version (dylib, version-min, build-version) as `x.y.z`. */
export function formatVersion(v: number): string {
  return `${v >>> 16}.${(v >>> 8) & 0xff}.${v & 0xff}`;
}

/** LC_SOURCE_VERSION's `a.b.c.d.e` packed as 24.10.10.10.10 bits in a u64 (given as hi/lo words). */
export function formatSourceVersion(hi: number, lo: number): string {
  const v = BigInt(hi) * 2n ** 32n + BigInt(lo);
  const a = v >> 40n;
  const b = (v >> 30n) & 0x3ffn;
  const c = (v >> 20n) & 0x3ffn;
  const d = (v >> 10n) & 0x3ffn;
  const e = v & 0x3ffn;
  return `${a}.${b}.${c}.${d}.${e}`;
}

/** The named cpu fields of a fat_arch or mach_header from the raw cputype and cpusubtype words. */
export function cpuType(cputype: number, rawSubtype: number): CpuType {
  const cpusubtype = (rawSubtype & ~CPU_SUBTYPE_MASK) >>> 0;
  return {
    cputype,
    cputypeName: cpuTypeName(cputype),
    cpusubtype,
    cpusubtypeName: cpuSubtypeName(cputype, cpusubtype),
    capabilities: rawSubtype >>> 24,
    arch: machoArch(cputype, cpusubtype),
  };
}
