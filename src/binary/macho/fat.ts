/**
 * The fat (universal) header: `fat_header` + `fat_arch[]` / `fat_arch_64[]`,
 * always big-endian. Spec: `<mach-o/fat.h>`.
 *
 * 0xCAFEBABE also opens every Java class file, where the next word is
 * minor|major version with major >= 45; a count that high is reported as a
 * class file, never parsed as slices. The arch count is capped by what fits in
 * the file and at 44 (as src/binary/sniff.ts decides; only FAT_MAGIC_64 can get
 * past 44 here); each slice must be non-empty, lie inside the file after the arch
 * table and not overlap another, or it is reported and skipped.
 */
import type { AnomalyLog } from '../errors.ts';
import type { Reader } from '../reader.ts';
import {
  FAT_ARCH_64_SIZE,
  FAT_ARCH_SIZE,
  FAT_HEADER_SIZE,
  FAT_MAGIC,
  FAT_MAGIC_64,
  JAVA_CLASS_MIN_MAJOR,
  MAX_FAT_ARCHS,
  cpuType,
} from './constants.ts';
import type { FatArch, FatHeader } from './types.ts';

export function isFatMagic(magic: number): boolean {
  return magic === FAT_MAGIC || magic === FAT_MAGIC_64;
}

/**
 * Reads the fat header and arch table. Throws BinaryParseError for a Java class
 * file, a header that does not fit, or when no arch describes a usable slice.
 */
export function parseFatHeader(reader: Reader, log: AnomalyLog): FatHeader {
  const head = reader.view(0, FAT_HEADER_SIZE, 'fat_header', false);
  const magic = head.u32(0);
  const nfat = head.u32(4);
  const is64 = magic === FAT_MAGIC_64;
  if (!isFatMagic(magic)) reader.fail(0, `not a fat Mach-O magic: 0x${magic.toString(16)}`);
  if (magic === FAT_MAGIC && nfat >= JAVA_CLASS_MIN_MAJOR) {
    reader.fail(0, `0xCAFEBABE followed by ${nfat} (>= ${JAVA_CLASS_MIN_MAJOR}): a Java class file (major version ${nfat & 0xffff}), not a fat Mach-O`);
  }
  if (nfat === 0) reader.fail(4, 'fat header lists no architectures');
  const entSize = is64 ? FAT_ARCH_64_SIZE : FAT_ARCH_SIZE;
  const fits = Math.floor((reader.size - FAT_HEADER_SIZE) / entSize);
  let count = nfat;
  if (count > MAX_FAT_ARCHS) {
    log.add(4, 'macho.fat.nfat', `nfat_arch ${nfat} is more than a fat file plausibly holds; reading the first ${MAX_FAT_ARCHS}`);
    count = MAX_FAT_ARCHS;
  }
  if (count > fits) {
    log.add(4, 'macho.fat.truncated', `nfat_arch ${nfat} but only ${fits} fat_arch entries fit in the ${reader.size}-byte file`);
    count = fits;
  }
  if (count === 0) reader.fail(FAT_HEADER_SIZE, `no fat_arch entry fits in the ${reader.size}-byte file (nfat_arch ${nfat})`);
  const tableEnd = FAT_HEADER_SIZE + count * entSize;
  const table = reader.view(FAT_HEADER_SIZE, count * entSize, 'fat_arch table', false);

  const arches: FatArch[] = [];
  for (let i = 0; i < count; i++) {
    reader.spend(1, FAT_HEADER_SIZE + i * entSize);
    const e = i * entSize;
    // A 64-bit offset/size beyond 2^53 cannot lie inside any file: keep it as MAX_SAFE_INTEGER, which fails the bounds check.
    const offset = is64 ? safeU64(table.u64big(e + 8)) : table.u32(e + 8);
    const size = is64 ? safeU64(table.u64big(e + 16)) : table.u32(e + 12);
    const align = is64 ? table.u32(e + 24) : table.u32(e + 16);
    arches.push({
      ...cpuType(table.i32(e), table.u32(e + 4)),
      offset,
      size,
      align,
      valid: true,
    });
  }

  // Validate the slices: inside the file, after the table, non-empty, no overlap.
  const at = (i: number) => FAT_HEADER_SIZE + i * entSize;
  arches.forEach((a, i) => {
    if (a.size === 0) {
      a.valid = false;
      log.add(at(i), 'macho.fat.slice-empty', `fat_arch ${i} (${a.arch}) has size 0`);
    } else if (!reader.has(a.offset, a.size)) {
      a.valid = false;
      log.add(at(i), 'macho.fat.slice-outside', `fat_arch ${i} (${a.arch}): ${a.size} bytes at 0x${a.offset.toString(16)} run past the end of the ${reader.size}-byte file`);
    } else if (a.offset < tableEnd) {
      a.valid = false;
      log.add(at(i), 'macho.fat.slice-overlaps-header', `fat_arch ${i} (${a.arch}) starts at 0x${a.offset.toString(16)}, inside the fat header (ends at 0x${tableEnd.toString(16)})`);
    }
  });
  // Overlaps: sort the valid slices by offset; a slice that starts before the previous one ends loses.
  const order = arches
    .map((a, i) => ({ a, i }))
    .filter((x) => x.a.valid)
    .sort((x, y) => x.a.offset - y.a.offset || x.i - y.i);
  let prevEnd = -1;
  let prevIndex = -1;
  for (const { a, i } of order) {
    reader.spend(1);
    if (a.offset < prevEnd) {
      a.valid = false;
      log.add(at(i), 'macho.fat.slice-overlap', `fat_arch ${i} (${a.arch}) at 0x${a.offset.toString(16)} overlaps fat_arch ${prevIndex}, which ends at 0x${prevEnd.toString(16)}`);
      continue;
    }
    prevEnd = a.offset + a.size;
    prevIndex = i;
  }
  arches.forEach((a, i) => {
    if (a.valid && (a.align > 31 || a.offset % 2 ** a.align !== 0)) {
      log.add(at(i), 'macho.fat.misaligned', `fat_arch ${i} (${a.arch}) offset 0x${a.offset.toString(16)} is not aligned to 2^${a.align}`);
    }
  });
  // Two slices for the same cputype/cpusubtype: dyld picks the first; report it.
  const seen = new Map<string, number>();
  arches.forEach((a, i) => {
    if (!a.valid) return;
    const key = `${a.cputype}/${a.cpusubtype}`;
    const first = seen.get(key);
    if (first !== undefined) log.add(at(i), 'macho.fat.duplicate-arch', `fat_arch ${i} repeats the architecture of fat_arch ${first} (${a.arch})`);
    else seen.set(key, i);
  });
  if (!arches.some((a) => a.valid)) reader.fail(FAT_HEADER_SIZE, 'no fat_arch entry describes a valid slice');
  return { magic: is64 ? 'FAT_MAGIC_64' : 'FAT_MAGIC', nfatArch: nfat, arches };
}

function safeU64(v: bigint): number {
  return v > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(v);
}
