/**
 * Magic bytes → format, reading as little as possible: the first 8 bytes, plus
 * 4 bytes at e_lfanew for an MZ file. Names and extensions are never consulted
 * (lz4-java ships a Windows DLL named `.so`).
 *
 * 0xCAFEBABE opens both fat Mach-O files and Java class files. The word after it
 * is nfat_arch for Mach-O and minor|major version for a class file, where the
 * major version is at least 45 (JDK 1.0.2); so a count of 1–44 can only be a fat
 * Mach-O (Apple's tools never emit more than a handful of slices).
 */
import type { ByteSource } from './source.ts';
import { JAVA_CLASS_MIN_MAJOR, MAX_FAT_ARCHS } from './macho/constants.ts';

export type SniffedFormat = 'elf' | 'macho' | 'macho-fat' | 'pe' | 'java-class' | 'unknown';

const MACHO_MAGICS = new Set([0xfeedface, 0xfeedfacf, 0xcefaedfe, 0xcffaedfe]);
const FAT_MAGIC = 0xcafebabe;
const FAT_MAGIC_64 = 0xcafebabf;

export function sniff(src: ByteSource): SniffedFormat {
  if (src.size < 4) return 'unknown';
  const head = src.read(0, Math.min(8, src.size));
  const dv = new DataView(head.buffer, head.byteOffset, head.byteLength);
  const be = dv.getUint32(0, false);
  if (be === 0x7f454c46) return 'elf';
  if (MACHO_MAGICS.has(be)) return 'macho';
  if (be === FAT_MAGIC || be === FAT_MAGIC_64) {
    if (head.byteLength < 8) return 'unknown';
    const count = dv.getUint32(4, false);
    if (count >= 1 && count <= MAX_FAT_ARCHS) return 'macho-fat';
    return be === FAT_MAGIC && count >= JAVA_CLASS_MIN_MAJOR ? 'java-class' : 'unknown';
  }
  if (head[0] === 0x4d && head[1] === 0x5a && src.size >= 0x40) {
    const at = src.read(0x3c, 4);
    const peOffset = new DataView(at.buffer, at.byteOffset, 4).getUint32(0, true);
    if (peOffset + 4 <= src.size) {
      const sig = src.read(peOffset, 4);
      if (sig[0] === 0x50 && sig[1] === 0x45 && sig[2] === 0 && sig[3] === 0) return 'pe';
    }
  }
  return 'unknown';
}

/**
 * Whether the first bytes of a file could open a native binary: the test an
 * archive reader applies to decide what to keep before the whole entry is
 * read. It errs on the side of keeping (an `MZ` file is kept even though its
 * PE signature lies beyond the head); `sniff` on the full content decides.
 */
export function mightBeNative(head: Uint8Array): boolean {
  if (head.length >= 2 && head[0] === 0x4d && head[1] === 0x5a) return true;
  if (head.length < 8) return false;
  const kind = sniff({ size: head.length, read: (o, n) => head.subarray(o, o + n) });
  return kind === 'elf' || kind === 'macho' || kind === 'macho-fat';
}
