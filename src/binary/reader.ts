/**
 * The one bounds-checked reader all parsers use.
 *
 * - `Reader` wraps a ByteSource with the file's endianness, a format name for
 *   errors, and a work budget. It hands out `View`s over ranges it has checked.
 * - `View` reads integers and strings relative to its start and checks every
 *   access against its own length (never clamps, never looks outside), so a
 *   table read as one View cannot leak bytes of its neighbours.
 *
 * Every failure is a BinaryParseError with the absolute offset. 64-bit values
 * are returned as numbers only when exact (below 2^53); larger ones are an
 * error where a number is needed, or read with `u64big`.
 */
import type { ByteSource } from './source.ts';
import { BinaryParseError, WORK_BUDGET_EXCEEDED, type BinaryFormat } from './errors.ts';

const TWO_32 = 2 ** 32;
/** Longest string any parser reads unless it asks for more (mangled C++ names can be long). */
export const DEFAULT_MAX_STRING = 1 << 16;

/**
 * A per-file work budget: loops spend one unit per entry visited. Counts are
 * already capped by what fits in the file; the budget is the backstop that
 * bounds total work when several tables alias the same bytes.
 */
export class Budget {
  private left: number;
  constructor(
    readonly limit: number,
    private readonly format: BinaryFormat,
  ) {
    this.left = limit;
  }
  static forSize(size: number, format: BinaryFormat): Budget {
    return new Budget(200_000 + 4 * size, format);
  }
  spend(units = 1, offset = 0): void {
    this.left -= units;
    if (this.left < 0) throw new BinaryParseError(this.format, offset, WORK_BUDGET_EXCEEDED);
  }
}

export class View {
  private readonly dv: DataView;
  constructor(
    readonly bytes: Uint8Array,
    /** Absolute offset of `bytes[0]` in the source, for error messages. */
    readonly base: number,
    readonly littleEndian: boolean,
    readonly format: BinaryFormat,
  ) {
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get length(): number {
    return this.bytes.byteLength;
  }

  fail(rel: number, reason: string): never {
    throw new BinaryParseError(this.format, this.base + rel, reason);
  }

  has(rel: number, n: number): boolean {
    return Number.isSafeInteger(rel) && rel >= 0 && n >= 0 && rel + n <= this.length;
  }

  private need(rel: number, n: number): void {
    if (!this.has(rel, n)) this.fail(Math.max(0, Number.isFinite(rel) ? rel : 0), `read of ${n} bytes at +${rel} beyond a ${this.length}-byte range`);
  }

  u8(rel: number): number {
    this.need(rel, 1);
    return this.dv.getUint8(rel);
  }
  u16(rel: number): number {
    this.need(rel, 2);
    return this.dv.getUint16(rel, this.littleEndian);
  }
  i16(rel: number): number {
    this.need(rel, 2);
    return this.dv.getInt16(rel, this.littleEndian);
  }
  u32(rel: number): number {
    this.need(rel, 4);
    return this.dv.getUint32(rel, this.littleEndian);
  }
  i32(rel: number): number {
    this.need(rel, 4);
    return this.dv.getInt32(rel, this.littleEndian);
  }
  u64big(rel: number): bigint {
    this.need(rel, 8);
    return this.dv.getBigUint64(rel, this.littleEndian);
  }
  i64big(rel: number): bigint {
    this.need(rel, 8);
    return this.dv.getBigInt64(rel, this.littleEndian);
  }
  /** A 64-bit value as an exact number; values of 2^53 and above are an error. */
  u64(rel: number): number {
    this.need(rel, 8);
    const lo = this.dv.getUint32(rel + (this.littleEndian ? 0 : 4), this.littleEndian);
    const hi = this.dv.getUint32(rel + (this.littleEndian ? 4 : 0), this.littleEndian);
    if (hi >= 0x200000) this.fail(rel, `64-bit value 0x${hi.toString(16)}${lo.toString(16).padStart(8, '0')} exceeds 2^53`);
    return hi * TWO_32 + lo;
  }
  /** A native word: u32 in 32-bit files, u64 in 64-bit ones. */
  word(rel: number, is64: boolean): number {
    return is64 ? this.u64(rel) : this.u32(rel);
  }

  /** `n` bytes at `rel`, as a view into the same memory (not a copy). */
  slice(rel: number, n: number): Uint8Array {
    this.need(rel, n);
    return this.bytes.subarray(rel, rel + n);
  }

  sub(rel: number, n: number): View {
    return new View(this.slice(rel, n), this.base + rel, this.littleEndian, this.format);
  }

  withEndian(littleEndian: boolean): View {
    return littleEndian === this.littleEndian ? this : new View(this.bytes, this.base, littleEndian, this.format);
  }

  /** A NUL-terminated string starting at `rel`, which must end inside the view and within `max` bytes. */
  cstr(rel: number, max = DEFAULT_MAX_STRING): string {
    this.need(rel, 0);
    const end = Math.min(this.length, rel + max + 1);
    const nul = this.bytes.subarray(rel, end).indexOf(0);
    if (nul < 0) this.fail(rel, end - rel > max ? `string longer than ${max} bytes` : 'unterminated string');
    return decodeUtf8(this.bytes.subarray(rel, rel + nul));
  }

  /** A fixed-size field padded with NULs (Mach-O segment names, PE section names). */
  fixedStr(rel: number, n: number): string {
    const raw = this.slice(rel, n);
    const nul = raw.indexOf(0);
    return decodeUtf8(nul < 0 ? raw : raw.subarray(0, nul));
  }
}

export class Reader {
  readonly budget: Budget;
  constructor(
    readonly src: ByteSource,
    readonly format: BinaryFormat,
    public littleEndian = true,
    budget?: Budget,
  ) {
    this.budget = budget ?? Budget.forSize(src.size, format);
  }

  get size(): number {
    return this.src.size;
  }

  fail(offset: number, reason: string): never {
    throw new BinaryParseError(this.format, offset, reason);
  }

  has(offset: number, length: number): boolean {
    return Number.isSafeInteger(offset) && Number.isSafeInteger(length) && offset >= 0 && length >= 0 && offset + length <= this.size;
  }

  /** A checked view of `[offset, offset + length)`; `what` names the structure in errors. */
  view(offset: number, length: number, what: string, littleEndian = this.littleEndian): View {
    if (!this.has(offset, length)) {
      this.fail(Number.isSafeInteger(offset) && offset >= 0 ? offset : 0, `${what}: ${length} bytes at 0x${offset.toString(16)} run past the end of the ${this.size}-byte file`);
    }
    return new View(this.src.read(offset, length), offset, littleEndian, this.format);
  }

  u8(offset: number): number {
    return this.view(offset, 1, 'u8').u8(0);
  }
  u16(offset: number): number {
    return this.view(offset, 2, 'u16').u16(0);
  }
  u32(offset: number): number {
    return this.view(offset, 4, 'u32').u32(0);
  }

  /** A NUL-terminated string anywhere in the file, read in growing chunks up to `max` bytes. */
  cstr(offset: number, max = DEFAULT_MAX_STRING, what = 'string'): string {
    if (!this.has(offset, 1)) this.fail(Math.max(0, offset || 0), `${what}: offset 0x${offset.toString(16)} is outside the file`);
    let chunk = 256;
    for (;;) {
      const n = Math.min(chunk, max + 1, this.size - offset);
      const bytes = this.src.read(offset, n);
      const nul = bytes.indexOf(0);
      if (nul >= 0) return decodeUtf8(bytes.subarray(0, nul));
      if (n >= max + 1) this.fail(offset, `${what}: longer than ${max} bytes`);
      if (offset + n >= this.size) this.fail(offset, `${what}: unterminated at end of file`);
      chunk *= 4;
    }
  }

  spend(units = 1, offset = 0): void {
    this.budget.spend(units, offset);
  }
}

export function decodeUtf8(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
}

/** Hex of bytes, for ids (build id, UUID, hashes). */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}
