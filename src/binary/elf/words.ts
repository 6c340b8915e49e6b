/**
 * Native-word reads for ELF tables that must not throw on one odd value.
 *
 * Elf64 addresses and sizes are 64-bit; results hold numbers, which are exact
 * only below 2^53. `View.u64` throws above that, which would cost a whole table
 * for one bad entry, so table loops use these and drop (with an anomaly) just the
 * entry that holds such a value. Real files never get near 2^53 outside kernel
 * images.
 *
 * @example
 *   const size = word(view, 32, true);   // -1 if ≥ 2^53
 *   if (size < 0) log.add(view.base + 32, 'elf.value.range', '…');
 */
import type { View } from '../reader.ts';

const TWO_32 = 2 ** 32;
/** Returned for an unsigned value of 2^53 or more. */
export const TOO_LARGE = -1;

/** u32 in 32-bit files, u64 in 64-bit ones; TOO_LARGE (-1) when ≥ 2^53. */
export function word(v: View, rel: number, is64: boolean): number {
  if (!is64) return v.u32(rel);
  const lo = v.u32(rel + (v.littleEndian ? 0 : 4));
  const hi = v.u32(rel + (v.littleEndian ? 4 : 0));
  if (hi >= 0x200000) return TOO_LARGE;
  return hi * TWO_32 + lo;
}

/**
 * Signed i32 / i64 (d_tag, r_addend) as an exact number, or null when the
 * 64-bit value is outside ±(2^53 − 1).
 */
export function sword(v: View, rel: number, is64: boolean): number | null {
  if (!is64) return v.i32(rel);
  const lo = v.u32(rel + (v.littleEndian ? 0 : 4));
  const hi = v.i32(rel + (v.littleEndian ? 4 : 0));
  if (hi >= 0x200000 || hi < -0x200000) return null;
  const n = hi * TWO_32 + lo;
  return Number.isSafeInteger(n) ? n : null;
}
