/**
 * One architecture vocabulary across ELF, Mach-O and PE, so a claim from any
 * artifact kind (wheel tag `aarch64`, Mach-O `arm64`, npm `cpu: "arm64"`,
 * PE `ARM64`) can be compared with the bytes. Each parser maps its own machine
 * field here and keeps the raw value beside it.
 */
export const ARCHES = [
  'x86_64',
  'x32', // x86-64 instructions with 32-bit pointers (ELFCLASS32 + EM_X86_64)
  'i386',
  'arm64',
  'arm64e',
  'arm64_32',
  'arm',
  'ppc64le',
  'ppc64',
  'ppc',
  's390x',
  's390',
  'riscv64',
  'riscv32',
  'loongarch64',
  'mips64el',
  'mips64',
  'mipsel',
  'mips',
  'sparc64',
  'sparc',
  'ia64',
  'unknown',
] as const;

export type Arch = (typeof ARCHES)[number];
