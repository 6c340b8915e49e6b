/**
 * Limits shared by the archive readers (zip, tar): filling in defaults, and
 * the byte counts and ratios their problem messages quote.
 */
import { DEFAULT_ARCHIVE_LIMITS, type ArchiveLimits } from './types.ts';

/** The caller's limits over the defaults; a missing, non-finite or negative value keeps the default. */
export function resolveLimits(partial: Partial<ArchiveLimits> | undefined): ArchiveLimits {
  const out: ArchiveLimits = { ...DEFAULT_ARCHIVE_LIMITS };
  if (!partial) return out;
  for (const key of Object.keys(out) as (keyof ArchiveLimits)[]) {
    const v = partial[key];
    if (typeof v === 'number' && Number.isFinite(v) && v >= 0) out[key] = v;
  }
  return out;
}

const UNITS = ['KiB', 'MiB', 'GiB', 'TiB'];

/** `512 bytes`, `1.5 MiB`, `8.0 GiB`: a size as a reader of a message wants it. */
export function formatBytes(n: number): string {
  if (n < 1024) return `${n} ${n === 1 ? 'byte' : 'bytes'}`;
  let v = n / 1024;
  let i = 0;
  while (v >= 1024 && i < UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  return `${v.toFixed(1)} ${UNITS[i]}`;
}

/** Kept in-memory content of one scan together may use this many times `maxInMemory`; later kept entries are spooled. */
export const IN_MEMORY_BUDGET_FACTOR = 4;
