/**
 * ELF constants and their readable names, printed the way `readelf` prints them
 * (the `Machine:` strings of `readelf -h`, `LOAD`/`GNU_STACK` of `readelf -l`,
 * `NEEDED`/`FLAGS_1` of `readelf -d`), so results read like the tools people
 * already know. Numbers without a name get `LOOS+0x…`, `LOPROC+0x…` or
 * `unknown (0x…)`.
 *
 * Sources: System V gABI ch. 4–5 (https://refspecs.linuxfoundation.org/elf/gabi4+/contents.html),
 * LSB Core "Symbol Versioning", glibc `elf/elf.h`, binutils `include/elf/common.h`
 * and `readelf.c` (the e_machine strings were read off `readelf -h` 2.40).
 *
 * @example
 *   machineName(62)                        // 'Advanced Micro Devices X86-64'
 *   segmentTypeName(0x6474e551, EM.X86_64)  // 'GNU_STACK'
 *   flagNames(0x8000001, DF_1_NAMES)        // ['NOW', 'PIE']
 */

/** `unknown (0x1f)`: the one format for a number with no name. */
export function unknownName(value: number): string {
  return `unknown (0x${value.toString(16)})`;
}

/** Names of the bits set in `value`, lowest first; unnamed bits as `0x…`. */
export function flagNames(value: number, names: ReadonlyArray<readonly [number, string]>): string[] {
  const out: string[] = [];
  let rest = value;
  for (const [bit, name] of names) {
    if (bit !== 0 && (value & bit) >>> 0 === bit) {
      out.push(name);
      rest = (rest & ~bit) >>> 0;
    }
  }
  if (rest !== 0) out.push(`0x${rest.toString(16)}`);
  return out;
}

function table(entries: ReadonlyArray<readonly [number, string]>): ReadonlyMap<number, string> {
  return new Map(entries);
}

// ---------------------------------------------------------------- e_ident

export const ELFCLASS32 = 1;
export const ELFCLASS64 = 2;
export const ELFDATA2LSB = 1;
export const ELFDATA2MSB = 2;

const OSABI_NAMES = table([
  [0, 'UNIX - System V'], [1, 'UNIX - HP-UX'], [2, 'UNIX - NetBSD'], [3, 'UNIX - GNU'], [6, 'UNIX - Solaris'],
  [7, 'UNIX - AIX'], [8, 'UNIX - IRIX'], [9, 'UNIX - FreeBSD'], [10, 'UNIX - TRU64'], [11, 'Novell - Modesto'],
  [12, 'UNIX - OpenBSD'], [13, 'VMS - OpenVMS'], [14, 'HP - Non-Stop Kernel'], [15, 'AROS'], [16, 'FenixOS'],
  [17, 'Nuxi CloudABI'], [18, 'Stratus Technologies OpenVOS'],
]);

/** EI_OSABI as `readelf -h` prints it (values from 64 up are machine-specific). */
export function osabiName(osabi: number, machine: number): string {
  if (osabi >= 64) {
    if (machine === EM.ARM && osabi === 97) return 'ARM';
    if (machine === EM.ARM && osabi === 64) return 'ARM FDPIC';
    if (machine === EM.TI_C6000 && osabi === 64) return 'Bare-metal C6000';
    if (machine === EM.TI_C6000 && osabi === 65) return 'Linux C6000';
    if (osabi === 255) return 'Standalone App';
  }
  return OSABI_NAMES.get(osabi) ?? unknownName(osabi);
}

// ---------------------------------------------------------------- e_type

export const ET = { NONE: 0, REL: 1, EXEC: 2, DYN: 3, CORE: 4 } as const;
const ET_NAMES = table([[0, 'NONE'], [1, 'REL'], [2, 'EXEC'], [3, 'DYN'], [4, 'CORE']]);

export function fileTypeName(type: number): string {
  const name = ET_NAMES.get(type);
  if (name) return name;
  if (type >= 0xfe00 && type <= 0xfeff) return `LOOS+0x${(type - 0xfe00).toString(16)}`;
  if (type >= 0xff00) return `LOPROC+0x${(type - 0xff00).toString(16)}`;
  return unknownName(type);
}

// ---------------------------------------------------------------- e_machine

/** The e_machine values this code refers to by name. */
export const EM = {
  NONE: 0, SPARC: 2, I386: 3, IAMCU: 6, MIPS: 8, PARISC: 15, SPARC32PLUS: 18, PPC: 20, PPC64: 21, S390: 22, ARM: 40,
  SPARCV9: 43, IA_64: 50, X86_64: 62, TI_C6000: 140, AARCH64: 183, RISCV: 243, LOONGARCH: 258,
} as const;

/** `Machine:` of `readelf -h` (binutils 2.40), by e_machine. */
const MACHINE_NAMES = table([
  [0, "None"], [1, "WE32100"], [2, "Sparc"], [3, "Intel 80386"], [4, "MC68000"], [5, "MC88000"], [6, "Intel MCU"],
  [7, "Intel 80860"], [8, "MIPS R3000"], [9, "IBM System/370"], [10, "MIPS R4000 big-endian"],
  [11, "Sparc v9 (old)"], [15, "HPPA"], [17, "Fujitsu VPP500"], [18, "Sparc v8+"], [19, "Intel 80960"],
  [20, "PowerPC"], [21, "PowerPC64"], [22, "IBM S/390"], [23, "SPU"], [36, "Renesas V850 (using RH850 ABI)"],
  [37, "Fujitsu FR20"], [38, "TRW RH32"], [39, "MCORE"], [40, "ARM"], [41, "Digital Alpha (old)"],
  [42, "Renesas / SuperH SH"], [43, "Sparc v9"], [44, "Siemens Tricore"], [45, "ARC"], [46, "Renesas H8/300"],
  [47, "Renesas H8/300H"], [48, "Renesas H8S"], [49, "Renesas H8/500"], [50, "Intel IA-64"], [51, "Stanford MIPS-X"],
  [52, "Motorola Coldfire"], [53, "Motorola MC68HC12 Microcontroller"], [54, "Fujitsu Multimedia Accelerator"],
  [55, "Siemens PCP"], [56, "Sony nCPU embedded RISC processor"], [57, "Denso NDR1 microprocesspr"],
  [58, "Motorola Star*Core processor"], [59, "Toyota ME16 processor"], [60, "STMicroelectronics ST100 processor"],
  [61, "Advanced Logic Corp. TinyJ embedded processor"], [62, "Advanced Micro Devices X86-64"],
  [63, "Sony DSP processor"], [64, "Digital Equipment Corp. PDP-10"], [65, "Digital Equipment Corp. PDP-11"],
  [66, "Siemens FX66 microcontroller"], [67, "STMicroelectronics ST9+ 8/16 bit microcontroller"],
  [68, "STMicroelectronics ST7 8-bit microcontroller"], [69, "Motorola MC68HC16 Microcontroller"],
  [70, "Motorola MC68HC11 Microcontroller"], [71, "Motorola MC68HC08 Microcontroller"],
  [72, "Motorola MC68HC05 Microcontroller"], [73, "Silicon Graphics SVx"],
  [74, "STMicroelectronics ST19 8-bit microcontroller"], [75, "Digital VAX"],
  [76, "Axis Communications 32-bit embedded processor"], [77, "Infineon Technologies 32-bit embedded cpu"],
  [78, "Element 14 64-bit DSP processor"], [79, "LSI Logic's 16-bit DSP processor"],
  [80, "Donald Knuth's educational 64-bit processor"],
  [81, "Harvard Universitys's machine-independent object format"], [82, "Vitesse Prism"],
  [83, "Atmel AVR 8-bit microcontroller"], [84, "Fujitsu FR30"], [85, "d10v"], [86, "d30v"], [87, "Renesas V850"],
  [88, "Renesas M32R (formerly Mitsubishi M32r)"], [89, "mn10300"], [90, "mn10200"], [91, "picoJava"],
  [92, "OpenRISC 1000"], [93, "ARCompact"], [94, "Tensilica Xtensa Processor"],
  [95, "Alphamosaic VideoCore processor"], [96, "Thompson Multimedia General Purpose Processor"],
  [97, "National Semiconductor 32000 series"], [98, "Tenor Network TPC processor"],
  [99, "Trebia SNP 1000 processor"], [100, "STMicroelectronics ST200 microcontroller"],
  [101, "Ubicom IP2xxx 8-bit microcontrollers"], [102, "MAX Processor"], [103, "National Semiconductor CompactRISC"],
  [104, "Fujitsu F2MC16"], [105, "Texas Instruments msp430 microcontroller"], [106, "Analog Devices Blackfin"],
  [107, "S1C33 Family of Seiko Epson processors"], [108, "Sharp embedded microprocessor"],
  [109, "Arca RISC microprocessor"], [110, "Unicore"], [111, "eXcess 16/32/64-bit configurable embedded CPU"],
  [112, "Icera Semiconductor Inc. Deep Execution Processor"], [113, "Altera Nios II"],
  [114, "National Semiconductor CRX microprocessor"], [115, "Motorola XGATE embedded processor"],
  [116, "Infineon Technologies xc16x"], [117, "Renesas M16C series microprocessors"],
  [118, "Microchip Technology dsPIC30F Digital Signal Controller"],
  [119, "Freescale Communication Engine RISC core"], [120, "Renesas M32c"], [131, "Altium TSK3000 core"],
  [132, "Freescale RS08 embedded processor"], [134, "Cyan Technology eCOG2 microprocessor"], [135, "SUNPLUS S+Core"],
  [136, "New Japan Radio (NJR) 24-bit DSP Processor"], [137, "Broadcom VideoCore III processor"],
  [138, "Lattice Mico32"], [139, "Seiko Epson C17 family"], [140, "Texas Instruments TMS320C6000 DSP family"],
  [141, "Texas Instruments TMS320C2000 DSP family"], [142, "Texas Instruments TMS320C55x DSP family"],
  [144, "TI PRU I/O processor"], [160, "STMicroelectronics 64bit VLIW Data Signal Processor"],
  [161, "Cypress M8C microprocessor"], [162, "Renesas R32C series microprocessors"],
  [163, "NXP Semiconductors TriMedia architecture family"], [164, "QUALCOMM DSP6 Processor"],
  [165, "Intel 8051 and variants"], [166, "STMicroelectronics STxP7x family"],
  [167, "Andes Technology compact code size embedded RISC processor family"], [168, "Cyan Technology eCOG1X family"],
  [169, "Dallas Semiconductor MAXQ30 Core microcontrollers"], [170, "New Japan Radio (NJR) 16-bit DSP Processor"],
  [171, "M2000 Reconfigurable RISC Microprocessor"], [172, "Cray Inc. NV2 vector architecture"], [173, "Renesas RX"],
  [174, "Imagination Technologies Meta processor architecture"],
  [175, "MCST Elbrus general purpose hardware architecture"], [176, "Cyan Technology eCOG16 family"],
  [177, "Xilinx MicroBlaze"], [178, "Freescale Extended Time Processing Unit"],
  [179, "Infineon Technologies SLE9X core"], [180, "Intel L1OM"], [181, "Intel K1OM"], [182, "Intel (reserved)"],
  [183, "AArch64"], [184, "ARM (reserved)"], [185, "Atmel Corporation 32-bit microprocessor"],
  [186, "STMicroeletronics STM8 8-bit microcontroller"], [187, "Tilera TILE64 multicore architecture family"],
  [188, "Tilera TILEPro multicore architecture family"], [189, "Xilinx MicroBlaze"],
  [190, "NVIDIA CUDA architecture"], [191, "Tilera TILE-Gx multicore architecture family"],
  [192, "CloudShield architecture family"], [193, "KIPO-KAIST Core-A 1st generation processor family"],
  [194, "KIPO-KAIST Core-A 2nd generation processor family"], [195, "ARCv2"],
  [196, "Open8 8-bit RISC soft processor core"], [197, "Renesas RL78"], [198, "Broadcom VideoCore V processor"],
  [199, "Renesas 78K0R"], [200, "Freescale 56800EX Digital Signal Controller (DSC)"],
  [201, "Beyond BA1 CPU architecture"], [202, "Beyond BA2 CPU architecture"], [203, "XMOS xCORE processor family"],
  [204, "Microchip 8-bit PIC(r) family"], [205, "Intel Graphics Technology"], [210, "KM211 KM32 32-bit processor"],
  [211, "KM211 KMX32 32-bit processor"], [212, "KM211 KMX16 16-bit processor"], [213, "KM211 KMX8 8-bit processor"],
  [214, "KM211 KVARC processor"], [215, "Paneve CDP architecture family"], [216, "Cognitive Smart Memory Processor"],
  [217, "Bluechip Systems CoolEngine"], [218, "Nanoradio Optimized RISC"], [219, "CSR Kalimba architecture family"],
  [220, "Zilog Z80"], [221, "CDS VISIUMcore processor"], [222, "FTDI Chip FT32"], [223, "Moxie"], [224, "AMD GPU"],
  [243, "RISC-V"], [244, "Lanai 32-bit processor"], [245, "CEVA Processor Architecture Family"],
  [246, "CEVA X2 Processor Family"], [247, "Linux BPF"], [248, "Graphcore Intelligent Processing Unit"],
  [249, "Imagination Technologies"], [250, "Netronome Flow Processor"], [251, "NEC Vector Engine"], [252, "C-SKY"],
  [253, "Synopsys ARCv2.3 64-bit"], [254, "MOS Technology MCS 6502 processor"], [255, "Synopsys ARCv2.3 32-bit"],
  [256, "Kalray VLIW core of the MPPA processor family"], [257, "WDC 65816/65C816"], [258, "LoongArch"],
  [259, "ChipON KungFu32"], [4183, "Atmel AVR 8-bit microcontroller"], [4643, "Adapteva EPIPHANY"],
  [9520, "Morpho Techologies MT processor"], [16727, "Web Assembly"], [18056, "Infineon Technologies xc16x"],
  [19951, "Freescale S12Z"], [21569, "Fujitsu FR-V"], [23205, "OpenDLX"], [30288, "d10v"], [30326, "d30v"],
  [33303, "Ubicom IP2xxx 8-bit microcontrollers"], [36902, "Alpha"],
  [36929, "Renesas M32R (formerly Mitsubishi M32r)"], [36992, "Renesas V850"], [41872, "IBM S/390"],
  [43975, "Tensilica Xtensa Processor"], [47787, "Xilinx MicroBlaze"], [48879, "mn10300"], [57005, "mn10200"],
  [61453, "Toshiba MeP Media Engine"], [65200, "Altera Nios"], [65210, "Vitesse IQ2000"], [65211, "Altera Nios"],
]);

export function machineName(machine: number): string {
  return MACHINE_NAMES.get(machine) ?? unknownName(machine);
}

// ---------------------------------------------------------------- program headers

export const PT = {
  NULL: 0, LOAD: 1, DYNAMIC: 2, INTERP: 3, NOTE: 4, SHLIB: 5, PHDR: 6, TLS: 7,
  GNU_EH_FRAME: 0x6474e550, GNU_STACK: 0x6474e551, GNU_RELRO: 0x6474e552, GNU_PROPERTY: 0x6474e553,
} as const;

const PT_NAMES = table([
  [0, 'NULL'], [1, 'LOAD'], [2, 'DYNAMIC'], [3, 'INTERP'], [4, 'NOTE'], [5, 'SHLIB'], [6, 'PHDR'], [7, 'TLS'],
  [0x6474e550, 'GNU_EH_FRAME'], [0x6474e551, 'GNU_STACK'], [0x6474e552, 'GNU_RELRO'], [0x6474e553, 'GNU_PROPERTY'],
  [0x6474e554, 'GNU_SFRAME'], [0x65a3dbe6, 'OPENBSD_RANDOMIZE'], [0x65a3dbe7, 'OPENBSD_WXNEEDED'],
  [0x65a41be6, 'OPENBSD_BOOTDATA'],
]);

const PT_PROC_NAMES: ReadonlyMap<number, ReadonlyMap<number, string>> = new Map([
  [EM.AARCH64, table([[0x70000000, 'AARCH64_ARCHEXT'], [0x70000002, 'AARCH64_MEMTAG_MTE']])],
  [EM.ARM, table([[0x70000001, 'EXIDX']])],
  [EM.MIPS, table([[0x70000000, 'REGINFO'], [0x70000001, 'RTPROC'], [0x70000002, 'OPTIONS'], [0x70000003, 'ABIFLAGS']])],
  [EM.RISCV, table([[0x70000003, 'RISCV_ATTRIBUTES']])],
  [EM.S390, table([[0x70000000, 'S390_PGSTE']])],
  [EM.IA_64, table([[0x70000000, 'IA_64_ARCHEXT'], [0x70000001, 'IA_64_UNWIND']])],
  [EM.PARISC, table([[0x70000000, 'PARISC_ARCHEXT'], [0x70000001, 'PARISC_UNWIND'], [0x70000002, 'PARISC_WEAKORDER']])],
]);

/** p_type as `readelf -l` prints it. */
export function segmentTypeName(type: number, machine: number): string {
  const name = PT_NAMES.get(type) ?? PT_PROC_NAMES.get(machine)?.get(type);
  if (name) return name;
  return rangeName(type);
}

/** `LOOS+0x…` / `LOPROC+0x…` / `LOUSER+0x…` for values in the reserved ranges, as readelf prints them. */
function rangeName(value: number): string {
  if (value >= 0x60000000 && value <= 0x6fffffff) return `LOOS+0x${(value - 0x60000000).toString(16)}`;
  if (value >= 0x70000000 && value <= 0x7fffffff) return `LOPROC+0x${(value - 0x70000000).toString(16)}`;
  if (value >= 0x80000000 && value <= 0xffffffff) return `LOUSER+0x${(value - 0x80000000).toString(16)}`;
  return unknownName(value);
}

export const PF_X = 0x1;
export const PF_W = 0x2;
export const PF_R = 0x4;
/** p_flags: R, W, X (readelf's E). */
export const PF_NAMES: ReadonlyArray<readonly [number, string]> = [[PF_R, 'R'], [PF_W, 'W'], [PF_X, 'X']];

// ---------------------------------------------------------------- sections

export const SHN_UNDEF = 0;
export const SHN_LORESERVE = 0xff00;
export const SHN_ABS = 0xfff1;
export const SHN_COMMON = 0xfff2;
export const SHN_XINDEX = 0xffff;
export const PN_XNUM = 0xffff;

/** st_shndx as `readelf -s` prints the special ones (`UND`, `ABS`, `COM`); null for an ordinary index. */
export function specialSectionIndexName(shndx: number): string | null {
  if (shndx === SHN_UNDEF) return 'UND';
  if (shndx === SHN_ABS) return 'ABS';
  if (shndx === SHN_COMMON) return 'COM';
  if (shndx === SHN_XINDEX) return 'XINDEX';
  if (shndx >= SHN_LORESERVE) return `RSV[0x${shndx.toString(16)}]`;
  return null;
}

export const SHT = {
  NULL: 0, PROGBITS: 1, SYMTAB: 2, STRTAB: 3, RELA: 4, HASH: 5, DYNAMIC: 6, NOTE: 7, NOBITS: 8, REL: 9, DYNSYM: 11,
  GNU_HASH: 0x6ffffff6, GNU_verdef: 0x6ffffffd, GNU_verneed: 0x6ffffffe, GNU_versym: 0x6fffffff,
} as const;

const SHT_NAMES = table([
  [0, 'NULL'], [1, 'PROGBITS'], [2, 'SYMTAB'], [3, 'STRTAB'], [4, 'RELA'], [5, 'HASH'], [6, 'DYNAMIC'], [7, 'NOTE'],
  [8, 'NOBITS'], [9, 'REL'], [10, 'SHLIB'], [11, 'DYNSYM'], [14, 'INIT_ARRAY'], [15, 'FINI_ARRAY'],
  [16, 'PREINIT_ARRAY'], [17, 'GROUP'], [18, 'SYMTAB SECTION INDICES'], [19, 'RELR'],
  [0x6fff4c00, 'LLVM_ODRTAB'], [0x6fff4c01, 'LLVM_LINKER_OPTIONS'], [0x6fff4c03, 'LLVM_ADDRSIG'],
  [0x6fff4c04, 'LLVM_DEPENDENT_LIBRARIES'], [0x6fff4c05, 'LLVM_SYMPART'], [0x6fff4c06, 'LLVM_PART_EHDR'],
  [0x6fff4c07, 'LLVM_PART_PHDR'], [0x6ffffff5, 'GNU_ATTRIBUTES'], [0x6ffffff6, 'GNU_HASH'],
  [0x6ffffff7, 'GNU_LIBLIST'], [0x6ffffffd, 'VERDEF'], [0x6ffffffe, 'VERNEED'], [0x6fffffff, 'VERSYM'],
  [0x7fffffff, 'FILTER'],
]);

const SHT_PROC_NAMES: ReadonlyMap<number, ReadonlyMap<number, string>> = new Map([
  [EM.X86_64, table([[0x70000001, 'X86_64_UNWIND']])],
  [EM.AARCH64, table([[0x70000003, 'AARCH64_ATTRIBUTES']])],
  [EM.ARM, table([[0x70000001, 'ARM_EXIDX'], [0x70000002, 'ARM_PREEMPTMAP'], [0x70000003, 'ARM_ATTRIBUTES'], [0x70000004, 'ARM_DEBUGOVERLAY']])],
  [EM.MIPS, table([[0x70000000, 'MIPS_LIBLIST'], [0x70000001, 'MIPS_MSYM'], [0x70000002, 'MIPS_CONFLICT'], [0x70000003, 'MIPS_GPTAB'], [0x70000004, 'MIPS_UCODE'], [0x70000006, 'MIPS_REGINFO'], [0x7000000d, 'MIPS_OPTIONS'], [0x7000001e, 'MIPS_DWARF'], [0x7000002a, 'MIPS_ABIFLAGS']])],
  [EM.RISCV, table([[0x70000003, 'RISCV_ATTRIBUTES']])],
  [EM.IA_64, table([[0x70000000, 'IA_64_EXT'], [0x70000001, 'IA_64_UNWIND']])],
  [EM.PARISC, table([[0x70000000, 'PARISC_EXT'], [0x70000001, 'PARISC_UNWIND'], [0x70000002, 'PARISC_DOC'], [0x70000003, 'PARISC_ANNOT'], [0x70000004, 'PARISC_DLKM']])],
]);

/** sh_type as `readelf -S` prints it. */
export function sectionTypeName(type: number, machine: number): string {
  const name = SHT_NAMES.get(type) ?? SHT_PROC_NAMES.get(machine)?.get(type);
  return name ?? rangeName(type);
}

/** sh_flags, with the words of `readelf -t`. */
export const SHF_NAMES: ReadonlyArray<readonly [number, string]> = [
  [0x1, 'WRITE'], [0x2, 'ALLOC'], [0x4, 'EXEC'], [0x10, 'MERGE'], [0x20, 'STRINGS'], [0x40, 'INFO LINK'],
  [0x80, 'LINK ORDER'], [0x100, 'OS NONCONF'], [0x200, 'GROUP'], [0x400, 'TLS'], [0x800, 'COMPRESSED'],
  [0x200000, 'GNU_RETAIN'], [0x40000000, 'ORDERED'], [0x80000000, 'EXCLUDE'],
];

// ---------------------------------------------------------------- dynamic section

export const DT = {
  NULL: 0, NEEDED: 1, PLTRELSZ: 2, PLTGOT: 3, HASH: 4, STRTAB: 5, SYMTAB: 6, RELA: 7, RELASZ: 8, RELAENT: 9,
  STRSZ: 10, SYMENT: 11, INIT: 12, FINI: 13, SONAME: 14, RPATH: 15, SYMBOLIC: 16, REL: 17, RELSZ: 18, RELENT: 19,
  PLTREL: 20, DEBUG: 21, TEXTREL: 22, JMPREL: 23, BIND_NOW: 24, INIT_ARRAY: 25, FINI_ARRAY: 26, INIT_ARRAYSZ: 27,
  FINI_ARRAYSZ: 28, RUNPATH: 29, FLAGS: 30, PREINIT_ARRAY: 32, PREINIT_ARRAYSZ: 33, SYMTAB_SHNDX: 34, RELRSZ: 35,
  RELR: 36, RELRENT: 37, GNU_HASH: 0x6ffffef5, VERSYM: 0x6ffffff0, RELACOUNT: 0x6ffffff9, RELCOUNT: 0x6ffffffa,
  FLAGS_1: 0x6ffffffb, VERDEF: 0x6ffffffc, VERDEFNUM: 0x6ffffffd, VERNEED: 0x6ffffffe, VERNEEDNUM: 0x6fffffff,
  AUXILIARY: 0x7ffffffd, FILTER: 0x7fffffff,
} as const;

const DT_NAMES = table([
  [0, 'NULL'], [1, 'NEEDED'], [2, 'PLTRELSZ'], [3, 'PLTGOT'], [4, 'HASH'], [5, 'STRTAB'], [6, 'SYMTAB'], [7, 'RELA'],
  [8, 'RELASZ'], [9, 'RELAENT'], [10, 'STRSZ'], [11, 'SYMENT'], [12, 'INIT'], [13, 'FINI'], [14, 'SONAME'],
  [15, 'RPATH'], [16, 'SYMBOLIC'], [17, 'REL'], [18, 'RELSZ'], [19, 'RELENT'], [20, 'PLTREL'], [21, 'DEBUG'],
  [22, 'TEXTREL'], [23, 'JMPREL'], [24, 'BIND_NOW'], [25, 'INIT_ARRAY'], [26, 'FINI_ARRAY'], [27, 'INIT_ARRAYSZ'],
  [28, 'FINI_ARRAYSZ'], [29, 'RUNPATH'], [30, 'FLAGS'], [32, 'PREINIT_ARRAY'], [33, 'PREINIT_ARRAYSZ'],
  [34, 'SYMTAB_SHNDX'], [35, 'RELRSZ'], [36, 'RELR'], [37, 'RELRENT'],
  [0x6ffffdf5, 'GNU_PRELINKED'], [0x6ffffdf6, 'GNU_CONFLICTSZ'], [0x6ffffdf7, 'GNU_LIBLISTSZ'],
  [0x6ffffdf8, 'CHECKSUM'], [0x6ffffdf9, 'PLTPADSZ'], [0x6ffffdfa, 'MOVEENT'], [0x6ffffdfb, 'MOVESZ'],
  [0x6ffffdfc, 'FEATURE'], [0x6ffffdfd, 'POSFLAG_1'], [0x6ffffdfe, 'SYMINSZ'], [0x6ffffdff, 'SYMINENT'],
  [0x6ffffef5, 'GNU_HASH'], [0x6ffffef6, 'TLSDESC_PLT'], [0x6ffffef7, 'TLSDESC_GOT'], [0x6ffffef8, 'GNU_CONFLICT'],
  [0x6ffffef9, 'GNU_LIBLIST'], [0x6ffffefa, 'CONFIG'], [0x6ffffefb, 'DEPAUDIT'], [0x6ffffefc, 'AUDIT'],
  [0x6ffffefd, 'PLTPAD'], [0x6ffffefe, 'MOVETAB'], [0x6ffffeff, 'SYMINFO'], [0x6ffffff0, 'VERSYM'],
  [0x6ffffff9, 'RELACOUNT'], [0x6ffffffa, 'RELCOUNT'], [0x6ffffffb, 'FLAGS_1'], [0x6ffffffc, 'VERDEF'],
  [0x6ffffffd, 'VERDEFNUM'], [0x6ffffffe, 'VERNEED'], [0x6fffffff, 'VERNEEDNUM'], [0x7ffffffd, 'AUXILIARY'],
  [0x7ffffffe, 'USED'], [0x7fffffff, 'FILTER'],
]);

const DT_PROC_NAMES: ReadonlyMap<number, ReadonlyMap<number, string>> = new Map([
  [EM.AARCH64, table([[0x70000001, 'AARCH64_BTI_PLT'], [0x70000003, 'AARCH64_PAC_PLT'], [0x70000005, 'AARCH64_VARIANT_PCS']])],
  [EM.PPC, table([[0x70000000, 'PPC_GOT'], [0x70000001, 'PPC_OPT']])],
  [EM.PPC64, table([[0x70000000, 'PPC64_GLINK'], [0x70000001, 'PPC64_OPD'], [0x70000002, 'PPC64_OPDSZ'], [0x70000003, 'PPC64_OPT']])],
  [EM.RISCV, table([[0x70000001, 'RISCV_VARIANT_CC']])],
  [EM.MIPS, table([
    [0x70000001, 'MIPS_RLD_VERSION'], [0x70000002, 'MIPS_TIME_STAMP'], [0x70000003, 'MIPS_ICHECKSUM'],
    [0x70000004, 'MIPS_IVERSION'], [0x70000005, 'MIPS_FLAGS'], [0x70000006, 'MIPS_BASE_ADDRESS'],
    [0x70000007, 'MIPS_MSYM'], [0x70000008, 'MIPS_CONFLICT'], [0x70000009, 'MIPS_LIBLIST'],
    [0x7000000a, 'MIPS_LOCAL_GOTNO'], [0x7000000b, 'MIPS_CONFLICTNO'], [0x70000010, 'MIPS_LIBLISTNO'],
    [0x70000011, 'MIPS_SYMTABNO'], [0x70000012, 'MIPS_UNREFEXTNO'], [0x70000013, 'MIPS_GOTSYM'],
    [0x70000014, 'MIPS_HIPAGENO'], [0x70000016, 'MIPS_RLD_MAP'], [0x70000032, 'MIPS_PLTGOT'],
    [0x70000034, 'MIPS_RWPLT'], [0x70000035, 'MIPS_RLD_MAP_REL'],
  ])],
]);

/** d_tag as `readelf -d` prints it (without the DT_ prefix). */
export function dynamicTagName(tag: number, machine: number): string {
  const name = DT_NAMES.get(tag) ?? DT_PROC_NAMES.get(machine)?.get(tag);
  if (name) return name;
  if (tag >= 0x6000000d && tag <= 0x6ffff000) return `LOOS+0x${(tag - 0x6000000d).toString(16)}`;
  if (tag >= 0x70000000 && tag <= 0x7fffffff) return `LOPROC+0x${(tag - 0x70000000).toString(16)}`;
  return unknownName(tag);
}

/** DT_FLAGS bits (readelf: `FLAGS  BIND_NOW`). */
export const DF_ORIGIN = 0x1;
export const DF_TEXTREL = 0x4;
export const DF_BIND_NOW = 0x8;
export const DF_NAMES: ReadonlyArray<readonly [number, string]> = [
  [DF_ORIGIN, 'ORIGIN'], [0x2, 'SYMBOLIC'], [DF_TEXTREL, 'TEXTREL'], [DF_BIND_NOW, 'BIND_NOW'], [0x10, 'STATIC_TLS'],
];

/** DT_FLAGS_1 bits (readelf: `FLAGS_1  Flags: NOW PIE`). */
export const DF_1_NOW = 0x1;
export const DF_1_NAMES: ReadonlyArray<readonly [number, string]> = [
  [0x1, 'NOW'], [0x2, 'GLOBAL'], [0x4, 'GROUP'], [0x8, 'NODELETE'], [0x10, 'LOADFLTR'], [0x20, 'INITFIRST'],
  [0x40, 'NOOPEN'], [0x80, 'ORIGIN'], [0x100, 'DIRECT'], [0x200, 'TRANS'], [0x400, 'INTERPOSE'],
  [0x800, 'NODEFLIB'], [0x1000, 'NODUMP'], [0x2000, 'CONFALT'], [0x4000, 'ENDFILTEE'], [0x8000, 'DISPRELDNE'],
  [0x10000, 'DISPRELPND'], [0x20000, 'NODIRECT'], [0x40000, 'IGNMULDEF'], [0x80000, 'NOKSYMS'],
  [0x100000, 'NOHDR'], [0x200000, 'EDITED'], [0x400000, 'NORELOC'], [0x800000, 'SYMINTPOSE'],
  [0x1000000, 'GLOBAUDIT'], [0x2000000, 'SINGLETON'], [0x4000000, 'STUB'], [0x8000000, 'PIE'],
  [0x10000000, 'KMOD'], [0x20000000, 'WEAKFILTER'], [0x40000000, 'NOCOMMON'],
];

// ---------------------------------------------------------------- symbols

export const STB_NAMES = table([[0, 'LOCAL'], [1, 'GLOBAL'], [2, 'WEAK'], [10, 'GNU_UNIQUE']]);
export const STT_NAMES = table([
  [0, 'NOTYPE'], [1, 'OBJECT'], [2, 'FUNC'], [3, 'SECTION'], [4, 'FILE'], [5, 'COMMON'], [6, 'TLS'],
  [10, 'GNU_IFUNC'],
]);
export const STV_NAMES = table([[0, 'DEFAULT'], [1, 'INTERNAL'], [2, 'HIDDEN'], [3, 'PROTECTED']]);

export function symbolBindName(bind: number): string {
  return STB_NAMES.get(bind) ?? (bind >= 13 ? `<processor specific>: ${bind}` : bind >= 10 ? `<OS specific>: ${bind}` : `<unknown>: ${bind}`);
}
export function symbolTypeName(type: number): string {
  return STT_NAMES.get(type) ?? (type >= 13 ? `<processor specific>: ${type}` : type >= 10 ? `<OS specific>: ${type}` : `<unknown>: ${type}`);
}
export function symbolVisibilityName(visibility: number): string {
  return STV_NAMES.get(visibility) ?? unknownName(visibility);
}

// ---------------------------------------------------------------- symbol versioning

export const VER_NDX_LOCAL = 0;
export const VER_NDX_GLOBAL = 1;
export const VERSYM_HIDDEN = 0x8000;
export const VER_FLG_BASE = 0x1;
export const VER_FLG_WEAK = 0x2;
export const VER_FLG_INFO = 0x4;
export const VER_FLG_NAMES: ReadonlyArray<readonly [number, string]> = [
  [VER_FLG_BASE, 'BASE'], [VER_FLG_WEAK, 'WEAK'], [VER_FLG_INFO, 'INFO'],
];

// ---------------------------------------------------------------- notes

export const NT_GNU_ABI_TAG = 1;
export const NT_GNU_BUILD_ID = 3;
export const NT_GNU_PROPERTY_TYPE_0 = 5;

const NOTE_NAMES: ReadonlyMap<string, ReadonlyMap<number, string>> = new Map([
  ['GNU', table([
    [1, 'NT_GNU_ABI_TAG'], [2, 'NT_GNU_HWCAP'], [3, 'NT_GNU_BUILD_ID'], [4, 'NT_GNU_GOLD_VERSION'],
    [5, 'NT_GNU_PROPERTY_TYPE_0'],
  ])],
  ['GA', table([[0x100, 'NT_GNU_BUILD_ATTRIBUTE_OPEN'], [0x101, 'NT_GNU_BUILD_ATTRIBUTE_FUNC']])],
  ['FDO', table([[0xcafe1a7e, 'NT_FDO_PACKAGING_METADATA']])],
  ['stapsdt', table([[3, 'NT_STAPSDT']])],
  ['Go', table([[4, 'NT_GO_BUILDID']])],
  ['FreeBSD', table([[1, 'NT_FREEBSD_ABI_TAG'], [2, 'NT_FREEBSD_NOINIT_TAG'], [3, 'NT_FREEBSD_ARCH_TAG'], [4, 'NT_FREEBSD_FEATURE_CTL']])],
  ['NetBSD', table([[1, 'NT_NETBSD_IDENT'], [5, 'NT_NETBSD_MARCH']])],
  ['OpenBSD', table([[1, 'NT_OPENBSD_IDENT']])],
  ['Android', table([[1, 'NT_ANDROID_TYPE_IDENT'], [2, 'NT_ANDROID_TYPE_KUSER'], [3, 'NT_ANDROID_TYPE_MEMTAG']])],
  ['Xen', table([[1, 'XEN_ELFNOTE_INFO'], [2, 'XEN_ELFNOTE_ENTRY']])],
  ['CORE', table([
    [1, 'NT_PRSTATUS'], [2, 'NT_FPREGSET'], [3, 'NT_PRPSINFO'], [4, 'NT_TASKSTRUCT'], [6, 'NT_AUXV'],
    [0x46494c45, 'NT_FILE'], [0x53494749, 'NT_SIGINFO'], [0x202, 'NT_X86_XSTATE'],
  ])],
  ['LINUX', table([[0x202, 'NT_X86_XSTATE'], [0x400, 'NT_ARM_VFP'], [0x401, 'NT_ARM_TLS']])],
]);

/** n_type, which only means something together with the owner name. */
export function noteTypeName(owner: string, type: number): string {
  return NOTE_NAMES.get(owner)?.get(type) ?? `unknown (0x${type.toString(16)})`;
}

/** NT_GNU_ABI_TAG os word. */
export const ABI_TAG_OS = table([
  [0, 'Linux'], [1, 'Hurd'], [2, 'Solaris'], [3, 'FreeBSD'], [4, 'NetBSD'], [5, 'Syllable'], [6, 'NaCl'],
]);

// ---------------------------------------------------------------- GNU properties (NT_GNU_PROPERTY_TYPE_0)

export const GNU_PROPERTY_STACK_SIZE = 1;
export const GNU_PROPERTY_NO_COPY_ON_PROTECTED = 2;
export const GNU_PROPERTY_1_NEEDED = 0xb0008000;
export const GNU_PROPERTY_X86_FEATURE_1_AND = 0xc0000002;
export const GNU_PROPERTY_X86_FEATURE_2_NEEDED = 0xc0008001;
export const GNU_PROPERTY_X86_ISA_1_NEEDED = 0xc0008002;
export const GNU_PROPERTY_X86_FEATURE_2_USED = 0xc0010001;
export const GNU_PROPERTY_X86_ISA_1_USED = 0xc0010002;
export const GNU_PROPERTY_AARCH64_FEATURE_1_AND = 0xc0000000;

/** GNU_PROPERTY_X86_ISA_1_* as readelf prints them ("x86 ISA needed: x86-64-v3"). */
export const X86_ISA_NAMES: ReadonlyArray<readonly [number, string]> = [
  [0x1, 'x86-64-baseline'], [0x2, 'x86-64-v2'], [0x4, 'x86-64-v3'], [0x8, 'x86-64-v4'],
];
export const X86_FEATURE_1_NAMES: ReadonlyArray<readonly [number, string]> = [
  [0x1, 'IBT'], [0x2, 'SHSTK'], [0x4, 'LAM_U48'], [0x8, 'LAM_U57'],
];
export const X86_FEATURE_2_NAMES: ReadonlyArray<readonly [number, string]> = [
  [0x1, 'x86'], [0x2, 'x87'], [0x4, 'MMX'], [0x8, 'XMM'], [0x10, 'YMM'], [0x20, 'ZMM'], [0x40, 'FXSR'],
  [0x80, 'XSAVE'], [0x100, 'XSAVEOPT'], [0x200, 'XSAVEC'], [0x400, 'TMM'], [0x800, 'MASK'],
];
export const AARCH64_FEATURE_1_NAMES: ReadonlyArray<readonly [number, string]> = [[0x1, 'BTI'], [0x2, 'PAC']];
export const GNU_PROPERTY_1_NEEDED_NAMES: ReadonlyArray<readonly [number, string]> = [[0x1, 'indirect external access']];

function isX86(machine: number): boolean {
  return machine === EM.X86_64 || machine === EM.I386 || machine === EM.IAMCU;
}

/** pr_type names as in binutils `elf/common.h`; the processor range depends on e_machine. */
export function gnuPropertyTypeName(type: number, machine: number): string {
  switch (type) {
    case GNU_PROPERTY_STACK_SIZE: return 'GNU_PROPERTY_STACK_SIZE';
    case GNU_PROPERTY_NO_COPY_ON_PROTECTED: return 'GNU_PROPERTY_NO_COPY_ON_PROTECTED';
    case GNU_PROPERTY_1_NEEDED: return 'GNU_PROPERTY_1_NEEDED';
  }
  if (isX86(machine)) {
    switch (type) {
      case 0xc0000000: return 'GNU_PROPERTY_X86_COMPAT_ISA_1_USED';
      case 0xc0000001: return 'GNU_PROPERTY_X86_COMPAT_ISA_1_NEEDED';
      case GNU_PROPERTY_X86_FEATURE_1_AND: return 'GNU_PROPERTY_X86_FEATURE_1_AND';
      case GNU_PROPERTY_X86_FEATURE_2_NEEDED: return 'GNU_PROPERTY_X86_FEATURE_2_NEEDED';
      case GNU_PROPERTY_X86_ISA_1_NEEDED: return 'GNU_PROPERTY_X86_ISA_1_NEEDED';
      case GNU_PROPERTY_X86_FEATURE_2_USED: return 'GNU_PROPERTY_X86_FEATURE_2_USED';
      case GNU_PROPERTY_X86_ISA_1_USED: return 'GNU_PROPERTY_X86_ISA_1_USED';
    }
  }
  if (machine === EM.AARCH64 && type === GNU_PROPERTY_AARCH64_FEATURE_1_AND) return 'GNU_PROPERTY_AARCH64_FEATURE_1_AND';
  return unknownName(type);
}

// ---------------------------------------------------------------- relocations

/** r_type names per machine (generated from glibc `elf.h`). */
export function relocationTypeName(machine: number, type: number): string {
  const names = RELOCATION_NAMES.get(machine);
  return names?.get(type) ?? unknownName(type);
}

/**
 * What a dynamic relocation does, for checks that look for a kind rather than a
 * machine's name for it (copy relocations, IFUNC resolvers, text relocations).
 */
export type RelocationCategory = 'none' | 'relative' | 'copy' | 'irelative' | 'jump-slot' | 'glob-dat' | 'tls' | 'other';

export function relocationCategory(typeName: string): RelocationCategory {
  if (typeName.endsWith('_NONE')) return 'none';
  if (typeName.endsWith('_IRELATIVE') || typeName.endsWith('_JMP_IREL')) return 'irelative';
  if (/_RELATIVE(64)?$/.test(typeName)) return 'relative';
  if (typeName.endsWith('_COPY')) return 'copy';
  if (typeName.endsWith('_JUMP_SLOT') || typeName.endsWith('_JMP_SLOT')) return 'jump-slot';
  if (typeName.endsWith('_GLOB_DAT')) return 'glob-dat';
  if (/_(TLS_)?(DTPMOD|DTPOFF|DTPREL|TPOFF|TPREL)\d*$|_TLS_?DESC$|_TLSDESC$/.test(typeName)) return 'tls';
  return 'other';
}

/** The machine's R_*_RELATIVE, which is what every RELR entry stands for. */
export function relativeRelocationType(machine: number): number | null {
  const names = RELOCATION_NAMES.get(machine);
  if (!names) return null;
  for (const [n, name] of names) if (/_RELATIVE$/.test(name) && !name.includes('_P32_')) return n;
  return null;
}

/** "0 X86_64_NONE 1 X86_64_64 …" → Map(0 → 'R_X86_64_NONE', …). */
function names(spec: string): ReadonlyMap<number, string> {
  const words = spec.trim().split(/\s+/);
  const out = new Map<number, string>();
  for (let i = 0; i + 1 < words.length; i += 2) out.set(Number(words[i]), `R_${words[i + 1]}`);
  return out;
}

const R_X86_64: ReadonlyMap<number, string> = names(`
0 X86_64_NONE 1 X86_64_64 2 X86_64_PC32 3 X86_64_GOT32 4 X86_64_PLT32 5 X86_64_COPY 6 X86_64_GLOB_DAT
7 X86_64_JUMP_SLOT 8 X86_64_RELATIVE 9 X86_64_GOTPCREL 10 X86_64_32 11 X86_64_32S 12 X86_64_16 13 X86_64_PC16
14 X86_64_8 15 X86_64_PC8 16 X86_64_DTPMOD64 17 X86_64_DTPOFF64 18 X86_64_TPOFF64 19 X86_64_TLSGD
20 X86_64_TLSLD 21 X86_64_DTPOFF32 22 X86_64_GOTTPOFF 23 X86_64_TPOFF32 24 X86_64_PC64 25 X86_64_GOTOFF64
26 X86_64_GOTPC32 27 X86_64_GOT64 28 X86_64_GOTPCREL64 29 X86_64_GOTPC64 30 X86_64_GOTPLT64 31 X86_64_PLTOFF64
32 X86_64_SIZE32 33 X86_64_SIZE64 34 X86_64_GOTPC32_TLSDESC 35 X86_64_TLSDESC_CALL 36 X86_64_TLSDESC
37 X86_64_IRELATIVE 38 X86_64_RELATIVE64 41 X86_64_GOTPCRELX 42 X86_64_REX_GOTPCRELX
`);

const R_I386: ReadonlyMap<number, string> = names(`
0 386_NONE 1 386_32 2 386_PC32 3 386_GOT32 4 386_PLT32 5 386_COPY 6 386_GLOB_DAT 7 386_JMP_SLOT 8 386_RELATIVE
9 386_GOTOFF 10 386_GOTPC 11 386_32PLT 14 386_TLS_TPOFF 15 386_TLS_IE 16 386_TLS_GOTIE 17 386_TLS_LE
18 386_TLS_GD 19 386_TLS_LDM 20 386_16 21 386_PC16 22 386_8 23 386_PC8 24 386_TLS_GD_32 25 386_TLS_GD_PUSH
26 386_TLS_GD_CALL 27 386_TLS_GD_POP 28 386_TLS_LDM_32 29 386_TLS_LDM_PUSH 30 386_TLS_LDM_CALL
31 386_TLS_LDM_POP 32 386_TLS_LDO_32 33 386_TLS_IE_32 34 386_TLS_LE_32 35 386_TLS_DTPMOD32 36 386_TLS_DTPOFF32
37 386_TLS_TPOFF32 38 386_SIZE32 39 386_TLS_GOTDESC 40 386_TLS_DESC_CALL 41 386_TLS_DESC 42 386_IRELATIVE
43 386_GOT32X
`);

const R_AARCH64: ReadonlyMap<number, string> = names(`
0 AARCH64_NONE 1 AARCH64_P32_ABS32 180 AARCH64_P32_COPY 181 AARCH64_P32_GLOB_DAT 182 AARCH64_P32_JUMP_SLOT
183 AARCH64_P32_RELATIVE 184 AARCH64_P32_TLS_DTPMOD 185 AARCH64_P32_TLS_DTPREL 186 AARCH64_P32_TLS_TPREL
187 AARCH64_P32_TLSDESC 188 AARCH64_P32_IRELATIVE 257 AARCH64_ABS64 258 AARCH64_ABS32 259 AARCH64_ABS16
260 AARCH64_PREL64 261 AARCH64_PREL32 262 AARCH64_PREL16 263 AARCH64_MOVW_UABS_G0 264 AARCH64_MOVW_UABS_G0_NC
265 AARCH64_MOVW_UABS_G1 266 AARCH64_MOVW_UABS_G1_NC 267 AARCH64_MOVW_UABS_G2 268 AARCH64_MOVW_UABS_G2_NC
269 AARCH64_MOVW_UABS_G3 270 AARCH64_MOVW_SABS_G0 271 AARCH64_MOVW_SABS_G1 272 AARCH64_MOVW_SABS_G2
273 AARCH64_LD_PREL_LO19 274 AARCH64_ADR_PREL_LO21 275 AARCH64_ADR_PREL_PG_HI21
276 AARCH64_ADR_PREL_PG_HI21_NC 277 AARCH64_ADD_ABS_LO12_NC 278 AARCH64_LDST8_ABS_LO12_NC 279 AARCH64_TSTBR14
280 AARCH64_CONDBR19 282 AARCH64_JUMP26 283 AARCH64_CALL26 284 AARCH64_LDST16_ABS_LO12_NC
285 AARCH64_LDST32_ABS_LO12_NC 286 AARCH64_LDST64_ABS_LO12_NC 287 AARCH64_MOVW_PREL_G0
288 AARCH64_MOVW_PREL_G0_NC 289 AARCH64_MOVW_PREL_G1 290 AARCH64_MOVW_PREL_G1_NC 291 AARCH64_MOVW_PREL_G2
292 AARCH64_MOVW_PREL_G2_NC 293 AARCH64_MOVW_PREL_G3 299 AARCH64_LDST128_ABS_LO12_NC
300 AARCH64_MOVW_GOTOFF_G0 301 AARCH64_MOVW_GOTOFF_G0_NC 302 AARCH64_MOVW_GOTOFF_G1
303 AARCH64_MOVW_GOTOFF_G1_NC 304 AARCH64_MOVW_GOTOFF_G2 305 AARCH64_MOVW_GOTOFF_G2_NC
306 AARCH64_MOVW_GOTOFF_G3 307 AARCH64_GOTREL64 308 AARCH64_GOTREL32 309 AARCH64_GOT_LD_PREL19
310 AARCH64_LD64_GOTOFF_LO15 311 AARCH64_ADR_GOT_PAGE 312 AARCH64_LD64_GOT_LO12_NC
313 AARCH64_LD64_GOTPAGE_LO15 512 AARCH64_TLSGD_ADR_PREL21 513 AARCH64_TLSGD_ADR_PAGE21
514 AARCH64_TLSGD_ADD_LO12_NC 515 AARCH64_TLSGD_MOVW_G1 516 AARCH64_TLSGD_MOVW_G0_NC
517 AARCH64_TLSLD_ADR_PREL21 518 AARCH64_TLSLD_ADR_PAGE21 519 AARCH64_TLSLD_ADD_LO12_NC
520 AARCH64_TLSLD_MOVW_G1 521 AARCH64_TLSLD_MOVW_G0_NC 522 AARCH64_TLSLD_LD_PREL19
523 AARCH64_TLSLD_MOVW_DTPREL_G2 524 AARCH64_TLSLD_MOVW_DTPREL_G1 525 AARCH64_TLSLD_MOVW_DTPREL_G1_NC
526 AARCH64_TLSLD_MOVW_DTPREL_G0 527 AARCH64_TLSLD_MOVW_DTPREL_G0_NC 528 AARCH64_TLSLD_ADD_DTPREL_HI12
529 AARCH64_TLSLD_ADD_DTPREL_LO12 530 AARCH64_TLSLD_ADD_DTPREL_LO12_NC 531 AARCH64_TLSLD_LDST8_DTPREL_LO12
532 AARCH64_TLSLD_LDST8_DTPREL_LO12_NC 533 AARCH64_TLSLD_LDST16_DTPREL_LO12
534 AARCH64_TLSLD_LDST16_DTPREL_LO12_NC 535 AARCH64_TLSLD_LDST32_DTPREL_LO12
536 AARCH64_TLSLD_LDST32_DTPREL_LO12_NC 537 AARCH64_TLSLD_LDST64_DTPREL_LO12
538 AARCH64_TLSLD_LDST64_DTPREL_LO12_NC 539 AARCH64_TLSIE_MOVW_GOTTPREL_G1
540 AARCH64_TLSIE_MOVW_GOTTPREL_G0_NC 541 AARCH64_TLSIE_ADR_GOTTPREL_PAGE21
542 AARCH64_TLSIE_LD64_GOTTPREL_LO12_NC 543 AARCH64_TLSIE_LD_GOTTPREL_PREL19 544 AARCH64_TLSLE_MOVW_TPREL_G2
545 AARCH64_TLSLE_MOVW_TPREL_G1 546 AARCH64_TLSLE_MOVW_TPREL_G1_NC 547 AARCH64_TLSLE_MOVW_TPREL_G0
548 AARCH64_TLSLE_MOVW_TPREL_G0_NC 549 AARCH64_TLSLE_ADD_TPREL_HI12 550 AARCH64_TLSLE_ADD_TPREL_LO12
551 AARCH64_TLSLE_ADD_TPREL_LO12_NC 552 AARCH64_TLSLE_LDST8_TPREL_LO12 553 AARCH64_TLSLE_LDST8_TPREL_LO12_NC
554 AARCH64_TLSLE_LDST16_TPREL_LO12 555 AARCH64_TLSLE_LDST16_TPREL_LO12_NC 556 AARCH64_TLSLE_LDST32_TPREL_LO12
557 AARCH64_TLSLE_LDST32_TPREL_LO12_NC 558 AARCH64_TLSLE_LDST64_TPREL_LO12
559 AARCH64_TLSLE_LDST64_TPREL_LO12_NC 560 AARCH64_TLSDESC_LD_PREL19 561 AARCH64_TLSDESC_ADR_PREL21
562 AARCH64_TLSDESC_ADR_PAGE21 563 AARCH64_TLSDESC_LD64_LO12 564 AARCH64_TLSDESC_ADD_LO12
565 AARCH64_TLSDESC_OFF_G1 566 AARCH64_TLSDESC_OFF_G0_NC 567 AARCH64_TLSDESC_LDR 568 AARCH64_TLSDESC_ADD
569 AARCH64_TLSDESC_CALL 570 AARCH64_TLSLE_LDST128_TPREL_LO12 571 AARCH64_TLSLE_LDST128_TPREL_LO12_NC
572 AARCH64_TLSLD_LDST128_DTPREL_LO12 573 AARCH64_TLSLD_LDST128_DTPREL_LO12_NC 1024 AARCH64_COPY
1025 AARCH64_GLOB_DAT 1026 AARCH64_JUMP_SLOT 1027 AARCH64_RELATIVE 1028 AARCH64_TLS_DTPMOD
1029 AARCH64_TLS_DTPREL 1030 AARCH64_TLS_TPREL 1031 AARCH64_TLSDESC 1032 AARCH64_IRELATIVE
`);

const R_ARM: ReadonlyMap<number, string> = names(`
0 ARM_NONE 1 ARM_PC24 2 ARM_ABS32 3 ARM_REL32 4 ARM_PC13 5 ARM_ABS16 6 ARM_ABS12 7 ARM_THM_ABS5 8 ARM_ABS8
9 ARM_SBREL32 10 ARM_THM_PC22 11 ARM_THM_PC8 12 ARM_AMP_VCALL9 13 ARM_SWI24 14 ARM_THM_SWI8 15 ARM_XPC25
16 ARM_THM_XPC22 17 ARM_TLS_DTPMOD32 18 ARM_TLS_DTPOFF32 19 ARM_TLS_TPOFF32 20 ARM_COPY 21 ARM_GLOB_DAT
22 ARM_JUMP_SLOT 23 ARM_RELATIVE 24 ARM_GOTOFF 25 ARM_GOTPC 26 ARM_GOT32 27 ARM_PLT32 28 ARM_CALL
29 ARM_JUMP24 30 ARM_THM_JUMP24 31 ARM_BASE_ABS 32 ARM_ALU_PCREL_7_0 33 ARM_ALU_PCREL_15_8
34 ARM_ALU_PCREL_23_15 35 ARM_LDR_SBREL_11_0 36 ARM_ALU_SBREL_19_12 37 ARM_ALU_SBREL_27_20 38 ARM_TARGET1
39 ARM_SBREL31 40 ARM_V4BX 41 ARM_TARGET2 42 ARM_PREL31 43 ARM_MOVW_ABS_NC 44 ARM_MOVT_ABS 45 ARM_MOVW_PREL_NC
46 ARM_MOVT_PREL 47 ARM_THM_MOVW_ABS_NC 48 ARM_THM_MOVT_ABS 49 ARM_THM_MOVW_PREL_NC 50 ARM_THM_MOVT_PREL
51 ARM_THM_JUMP19 52 ARM_THM_JUMP6 53 ARM_THM_ALU_PREL_11_0 54 ARM_THM_PC12 55 ARM_ABS32_NOI 56 ARM_REL32_NOI
57 ARM_ALU_PC_G0_NC 58 ARM_ALU_PC_G0 59 ARM_ALU_PC_G1_NC 60 ARM_ALU_PC_G1 61 ARM_ALU_PC_G2 62 ARM_LDR_PC_G1
63 ARM_LDR_PC_G2 64 ARM_LDRS_PC_G0 65 ARM_LDRS_PC_G1 66 ARM_LDRS_PC_G2 67 ARM_LDC_PC_G0 68 ARM_LDC_PC_G1
69 ARM_LDC_PC_G2 70 ARM_ALU_SB_G0_NC 71 ARM_ALU_SB_G0 72 ARM_ALU_SB_G1_NC 73 ARM_ALU_SB_G1 74 ARM_ALU_SB_G2
75 ARM_LDR_SB_G0 76 ARM_LDR_SB_G1 77 ARM_LDR_SB_G2 78 ARM_LDRS_SB_G0 79 ARM_LDRS_SB_G1 80 ARM_LDRS_SB_G2
81 ARM_LDC_SB_G0 82 ARM_LDC_SB_G1 83 ARM_LDC_SB_G2 84 ARM_MOVW_BREL_NC 85 ARM_MOVT_BREL 86 ARM_MOVW_BREL
87 ARM_THM_MOVW_BREL_NC 88 ARM_THM_MOVT_BREL 89 ARM_THM_MOVW_BREL 90 ARM_TLS_GOTDESC 91 ARM_TLS_CALL
92 ARM_TLS_DESCSEQ 93 ARM_THM_TLS_CALL 94 ARM_PLT32_ABS 95 ARM_GOT_ABS 96 ARM_GOT_PREL 97 ARM_GOT_BREL12
98 ARM_GOTOFF12 99 ARM_GOTRELAX 100 ARM_GNU_VTENTRY 101 ARM_GNU_VTINHERIT 102 ARM_THM_PC11 103 ARM_THM_PC9
104 ARM_TLS_GD32 105 ARM_TLS_LDM32 106 ARM_TLS_LDO32 107 ARM_TLS_IE32 108 ARM_TLS_LE32 109 ARM_TLS_LDO12
110 ARM_TLS_LE12 111 ARM_TLS_IE12GP 128 ARM_ME_TOO 129 ARM_THM_TLS_DESCSEQ 130 ARM_THM_TLS_DESCSEQ32
131 ARM_THM_GOT_BREL12 160 ARM_IRELATIVE 249 ARM_RXPC25 250 ARM_RSBREL32 251 ARM_THM_RPC22 252 ARM_RREL32
253 ARM_RABS22 254 ARM_RPC24 255 ARM_RBASE
`);

const R_PPC: ReadonlyMap<number, string> = names(`
0 PPC_NONE 1 PPC_ADDR32 2 PPC_ADDR24 3 PPC_ADDR16 4 PPC_ADDR16_LO 5 PPC_ADDR16_HI 6 PPC_ADDR16_HA 7 PPC_ADDR14
8 PPC_ADDR14_BRTAKEN 9 PPC_ADDR14_BRNTAKEN 10 PPC_REL24 11 PPC_REL14 12 PPC_REL14_BRTAKEN
13 PPC_REL14_BRNTAKEN 14 PPC_GOT16 15 PPC_GOT16_LO 16 PPC_GOT16_HI 17 PPC_GOT16_HA 18 PPC_PLTREL24 19 PPC_COPY
20 PPC_GLOB_DAT 21 PPC_JMP_SLOT 22 PPC_RELATIVE 23 PPC_LOCAL24PC 24 PPC_UADDR32 25 PPC_UADDR16 26 PPC_REL32
27 PPC_PLT32 28 PPC_PLTREL32 29 PPC_PLT16_LO 30 PPC_PLT16_HI 31 PPC_PLT16_HA 32 PPC_SDAREL16 33 PPC_SECTOFF
34 PPC_SECTOFF_LO 35 PPC_SECTOFF_HI 36 PPC_SECTOFF_HA 67 PPC_TLS 68 PPC_DTPMOD32 69 PPC_TPREL16
70 PPC_TPREL16_LO 71 PPC_TPREL16_HI 72 PPC_TPREL16_HA 73 PPC_TPREL32 74 PPC_DTPREL16 75 PPC_DTPREL16_LO
76 PPC_DTPREL16_HI 77 PPC_DTPREL16_HA 78 PPC_DTPREL32 79 PPC_GOT_TLSGD16 80 PPC_GOT_TLSGD16_LO
81 PPC_GOT_TLSGD16_HI 82 PPC_GOT_TLSGD16_HA 83 PPC_GOT_TLSLD16 84 PPC_GOT_TLSLD16_LO 85 PPC_GOT_TLSLD16_HI
86 PPC_GOT_TLSLD16_HA 87 PPC_GOT_TPREL16 88 PPC_GOT_TPREL16_LO 89 PPC_GOT_TPREL16_HI 90 PPC_GOT_TPREL16_HA
91 PPC_GOT_DTPREL16 92 PPC_GOT_DTPREL16_LO 93 PPC_GOT_DTPREL16_HI 94 PPC_GOT_DTPREL16_HA 95 PPC_TLSGD
96 PPC_TLSLD 101 PPC_EMB_NADDR32 102 PPC_EMB_NADDR16 103 PPC_EMB_NADDR16_LO 104 PPC_EMB_NADDR16_HI
105 PPC_EMB_NADDR16_HA 106 PPC_EMB_SDAI16 107 PPC_EMB_SDA2I16 108 PPC_EMB_SDA2REL 109 PPC_EMB_SDA21
110 PPC_EMB_MRKREF 111 PPC_EMB_RELSEC16 112 PPC_EMB_RELST_LO 113 PPC_EMB_RELST_HI 114 PPC_EMB_RELST_HA
115 PPC_EMB_BIT_FLD 116 PPC_EMB_RELSDA 180 PPC_DIAB_SDA21_LO 181 PPC_DIAB_SDA21_HI 182 PPC_DIAB_SDA21_HA
183 PPC_DIAB_RELSDA_LO 184 PPC_DIAB_RELSDA_HI 185 PPC_DIAB_RELSDA_HA 248 PPC_IRELATIVE 249 PPC_REL16
250 PPC_REL16_LO 251 PPC_REL16_HI 252 PPC_REL16_HA 255 PPC_TOC16
`);

const R_RISCV: ReadonlyMap<number, string> = names(`
0 RISCV_NONE 1 RISCV_32 2 RISCV_64 3 RISCV_RELATIVE 4 RISCV_COPY 5 RISCV_JUMP_SLOT 6 RISCV_TLS_DTPMOD32
7 RISCV_TLS_DTPMOD64 8 RISCV_TLS_DTPREL32 9 RISCV_TLS_DTPREL64 10 RISCV_TLS_TPREL32 11 RISCV_TLS_TPREL64
16 RISCV_BRANCH 17 RISCV_JAL 18 RISCV_CALL 19 RISCV_CALL_PLT 20 RISCV_GOT_HI20 21 RISCV_TLS_GOT_HI20
22 RISCV_TLS_GD_HI20 23 RISCV_PCREL_HI20 24 RISCV_PCREL_LO12_I 25 RISCV_PCREL_LO12_S 26 RISCV_HI20
27 RISCV_LO12_I 28 RISCV_LO12_S 29 RISCV_TPREL_HI20 30 RISCV_TPREL_LO12_I 31 RISCV_TPREL_LO12_S
32 RISCV_TPREL_ADD 33 RISCV_ADD8 34 RISCV_ADD16 35 RISCV_ADD32 36 RISCV_ADD64 37 RISCV_SUB8 38 RISCV_SUB16
39 RISCV_SUB32 40 RISCV_SUB64 41 RISCV_GNU_VTINHERIT 42 RISCV_GNU_VTENTRY 43 RISCV_ALIGN 44 RISCV_RVC_BRANCH
45 RISCV_RVC_JUMP 46 RISCV_RVC_LUI 47 RISCV_GPREL_I 48 RISCV_GPREL_S 49 RISCV_TPREL_I 50 RISCV_TPREL_S
51 RISCV_RELAX 52 RISCV_SUB6 53 RISCV_SET6 54 RISCV_SET8 55 RISCV_SET16 56 RISCV_SET32 57 RISCV_32_PCREL
58 RISCV_IRELATIVE
`);

const R_S390: ReadonlyMap<number, string> = names(`
0 390_NONE 1 390_8 2 390_12 3 390_16 4 390_32 5 390_PC32 6 390_GOT12 7 390_GOT32 8 390_PLT32 9 390_COPY
10 390_GLOB_DAT 11 390_JMP_SLOT 12 390_RELATIVE 13 390_GOTOFF32 14 390_GOTPC 15 390_GOT16 16 390_PC16
17 390_PC16DBL 18 390_PLT16DBL 19 390_PC32DBL 20 390_PLT32DBL 21 390_GOTPCDBL 22 390_64 23 390_PC64
24 390_GOT64 25 390_PLT64 26 390_GOTENT 27 390_GOTOFF16 28 390_GOTOFF64 29 390_GOTPLT12 30 390_GOTPLT16
31 390_GOTPLT32 32 390_GOTPLT64 33 390_GOTPLTENT 34 390_PLTOFF16 35 390_PLTOFF32 36 390_PLTOFF64
37 390_TLS_LOAD 38 390_TLS_GDCALL 39 390_TLS_LDCALL 40 390_TLS_GD32 41 390_TLS_GD64 42 390_TLS_GOTIE12
43 390_TLS_GOTIE32 44 390_TLS_GOTIE64 45 390_TLS_LDM32 46 390_TLS_LDM64 47 390_TLS_IE32 48 390_TLS_IE64
49 390_TLS_IEENT 50 390_TLS_LE32 51 390_TLS_LE64 52 390_TLS_LDO32 53 390_TLS_LDO64 54 390_TLS_DTPMOD
55 390_TLS_DTPOFF 56 390_TLS_TPOFF 57 390_20 58 390_GOT20 59 390_GOTPLT20 60 390_TLS_GOTIE20 61 390_IRELATIVE
`);

const R_LARCH: ReadonlyMap<number, string> = names(`
0 LARCH_NONE 1 LARCH_32 2 LARCH_64 3 LARCH_RELATIVE 4 LARCH_COPY 5 LARCH_JUMP_SLOT 6 LARCH_TLS_DTPMOD32
7 LARCH_TLS_DTPMOD64 8 LARCH_TLS_DTPREL32 9 LARCH_TLS_DTPREL64 10 LARCH_TLS_TPREL32 11 LARCH_TLS_TPREL64
12 LARCH_IRELATIVE 20 LARCH_MARK_LA 21 LARCH_MARK_PCREL 22 LARCH_SOP_PUSH_PCREL 23 LARCH_SOP_PUSH_ABSOLUTE
24 LARCH_SOP_PUSH_DUP 25 LARCH_SOP_PUSH_GPREL 26 LARCH_SOP_PUSH_TLS_TPREL 27 LARCH_SOP_PUSH_TLS_GOT
28 LARCH_SOP_PUSH_TLS_GD 29 LARCH_SOP_PUSH_PLT_PCREL 30 LARCH_SOP_ASSERT 31 LARCH_SOP_NOT 32 LARCH_SOP_SUB
33 LARCH_SOP_SL 34 LARCH_SOP_SR 35 LARCH_SOP_ADD 36 LARCH_SOP_AND 37 LARCH_SOP_IF_ELSE
38 LARCH_SOP_POP_32_S_10_5 39 LARCH_SOP_POP_32_U_10_12 40 LARCH_SOP_POP_32_S_10_12 41 LARCH_SOP_POP_32_S_10_16
42 LARCH_SOP_POP_32_S_10_16_S2 43 LARCH_SOP_POP_32_S_5_20 44 LARCH_SOP_POP_32_S_0_5_10_16_S2
45 LARCH_SOP_POP_32_S_0_10_10_16_S2 46 LARCH_SOP_POP_32_U 47 LARCH_ADD8 48 LARCH_ADD16 49 LARCH_ADD24
50 LARCH_ADD32 51 LARCH_ADD64 52 LARCH_SUB8 53 LARCH_SUB16 54 LARCH_SUB24 55 LARCH_SUB32 56 LARCH_SUB64
57 LARCH_GNU_VTINHERIT 58 LARCH_GNU_VTENTRY
`);

const R_MIPS: ReadonlyMap<number, string> = names(`
0 MIPS_NONE 1 MIPS_16 2 MIPS_32 3 MIPS_REL32 4 MIPS_26 5 MIPS_HI16 6 MIPS_LO16 7 MIPS_GPREL16 8 MIPS_LITERAL
9 MIPS_GOT16 10 MIPS_PC16 11 MIPS_CALL16 12 MIPS_GPREL32 16 MIPS_SHIFT5 17 MIPS_SHIFT6 18 MIPS_64
19 MIPS_GOT_DISP 20 MIPS_GOT_PAGE 21 MIPS_GOT_OFST 22 MIPS_GOT_HI16 23 MIPS_GOT_LO16 24 MIPS_SUB
25 MIPS_INSERT_A 26 MIPS_INSERT_B 27 MIPS_DELETE 28 MIPS_HIGHER 29 MIPS_HIGHEST 30 MIPS_CALL_HI16
31 MIPS_CALL_LO16 32 MIPS_SCN_DISP 33 MIPS_REL16 34 MIPS_ADD_IMMEDIATE 35 MIPS_PJUMP 36 MIPS_RELGOT
37 MIPS_JALR 38 MIPS_TLS_DTPMOD32 39 MIPS_TLS_DTPREL32 40 MIPS_TLS_DTPMOD64 41 MIPS_TLS_DTPREL64
42 MIPS_TLS_GD 43 MIPS_TLS_LDM 44 MIPS_TLS_DTPREL_HI16 45 MIPS_TLS_DTPREL_LO16 46 MIPS_TLS_GOTTPREL
47 MIPS_TLS_TPREL32 48 MIPS_TLS_TPREL64 49 MIPS_TLS_TPREL_HI16 50 MIPS_TLS_TPREL_LO16 51 MIPS_GLOB_DAT
126 MIPS_COPY 127 MIPS_JUMP_SLOT
`);

const R_PPC64: ReadonlyMap<number, string> = names(`
0 PPC64_NONE 1 PPC64_ADDR32 2 PPC64_ADDR24 3 PPC64_ADDR16 4 PPC64_ADDR16_LO 5 PPC64_ADDR16_HI
6 PPC64_ADDR16_HA 7 PPC64_ADDR14 8 PPC64_ADDR14_BRTAKEN 9 PPC64_ADDR14_BRNTAKEN 10 PPC64_REL24 11 PPC64_REL14
12 PPC64_REL14_BRTAKEN 13 PPC64_REL14_BRNTAKEN 14 PPC64_GOT16 15 PPC64_GOT16_LO 16 PPC64_GOT16_HI
17 PPC64_GOT16_HA 18 PPC64_PLTREL24 19 PPC64_COPY 20 PPC64_GLOB_DAT 21 PPC64_JMP_SLOT 22 PPC64_RELATIVE
23 PPC64_LOCAL24PC 24 PPC64_UADDR32 25 PPC64_UADDR16 26 PPC64_REL32 27 PPC64_PLT32 28 PPC64_PLTREL32
29 PPC64_PLT16_LO 30 PPC64_PLT16_HI 31 PPC64_PLT16_HA 32 PPC64_SDAREL16 33 PPC64_SECTOFF 34 PPC64_SECTOFF_LO
35 PPC64_SECTOFF_HI 36 PPC64_SECTOFF_HA 37 PPC64_ADDR30 38 PPC64_ADDR64 39 PPC64_ADDR16_HIGHER
40 PPC64_ADDR16_HIGHERA 41 PPC64_ADDR16_HIGHEST 42 PPC64_ADDR16_HIGHESTA 43 PPC64_UADDR64 44 PPC64_REL64
45 PPC64_PLT64 46 PPC64_PLTREL64 47 PPC64_TOC16 48 PPC64_TOC16_LO 49 PPC64_TOC16_HI 50 PPC64_TOC16_HA
51 PPC64_TOC 52 PPC64_PLTGOT16 53 PPC64_PLTGOT16_LO 54 PPC64_PLTGOT16_HI 55 PPC64_PLTGOT16_HA
56 PPC64_ADDR16_DS 57 PPC64_ADDR16_LO_DS 58 PPC64_GOT16_DS 59 PPC64_GOT16_LO_DS 60 PPC64_PLT16_LO_DS
61 PPC64_SECTOFF_DS 62 PPC64_SECTOFF_LO_DS 63 PPC64_TOC16_DS 64 PPC64_TOC16_LO_DS 65 PPC64_PLTGOT16_DS
66 PPC64_PLTGOT16_LO_DS 67 PPC64_TLS 68 PPC64_DTPMOD64 69 PPC64_TPREL16 70 PPC64_TPREL16_LO
71 PPC64_TPREL16_HI 72 PPC64_TPREL16_HA 73 PPC64_TPREL64 74 PPC64_DTPREL16 75 PPC64_DTPREL16_LO
76 PPC64_DTPREL16_HI 77 PPC64_DTPREL16_HA 78 PPC64_DTPREL64 79 PPC64_GOT_TLSGD16 80 PPC64_GOT_TLSGD16_LO
81 PPC64_GOT_TLSGD16_HI 82 PPC64_GOT_TLSGD16_HA 83 PPC64_GOT_TLSLD16 84 PPC64_GOT_TLSLD16_LO
85 PPC64_GOT_TLSLD16_HI 86 PPC64_GOT_TLSLD16_HA 87 PPC64_GOT_TPREL16_DS 88 PPC64_GOT_TPREL16_LO_DS
89 PPC64_GOT_TPREL16_HI 90 PPC64_GOT_TPREL16_HA 91 PPC64_GOT_DTPREL16_DS 92 PPC64_GOT_DTPREL16_LO_DS
93 PPC64_GOT_DTPREL16_HI 94 PPC64_GOT_DTPREL16_HA 95 PPC64_TPREL16_DS 96 PPC64_TPREL16_LO_DS
97 PPC64_TPREL16_HIGHER 98 PPC64_TPREL16_HIGHERA 99 PPC64_TPREL16_HIGHEST 100 PPC64_TPREL16_HIGHESTA
101 PPC64_DTPREL16_DS 102 PPC64_DTPREL16_LO_DS 103 PPC64_DTPREL16_HIGHER 104 PPC64_DTPREL16_HIGHERA
105 PPC64_DTPREL16_HIGHEST 106 PPC64_DTPREL16_HIGHESTA 107 PPC64_TLSGD 108 PPC64_TLSLD 109 PPC64_TOCSAVE
110 PPC64_ADDR16_HIGH 111 PPC64_ADDR16_HIGHA 112 PPC64_TPREL16_HIGH 113 PPC64_TPREL16_HIGHA
114 PPC64_DTPREL16_HIGH 115 PPC64_DTPREL16_HIGHA 247 PPC64_JMP_IREL 248 PPC64_IRELATIVE 249 PPC64_REL16
250 PPC64_REL16_LO 251 PPC64_REL16_HI 252 PPC64_REL16_HA
`);

const RELOCATION_NAMES: ReadonlyMap<number, ReadonlyMap<number, string>> = new Map([
  [EM.X86_64, R_X86_64], [EM.I386, R_I386], [EM.IAMCU, R_I386], [EM.AARCH64, R_AARCH64], [EM.ARM, R_ARM],
  [EM.PPC, R_PPC], [EM.PPC64, R_PPC64], [EM.RISCV, R_RISCV], [EM.S390, R_S390], [EM.LOONGARCH, R_LARCH],
  [EM.MIPS, R_MIPS],
]);
