/**
 * A string table (.dynstr, .shstrtab, or DT_STRTAB as mapped) read as one View.
 *
 * Spec: System V gABI ch. 4 "String Table"
 * (https://refspecs.linuxfoundation.org/elf/gabi4+/ch4.strtab.html): NUL-
 * terminated strings addressed by byte offset; offset 0 is the empty string.
 *
 * Lookups never throw on bad offsets: an offset outside the table or a string
 * that runs off its end gives null, and the caller records one anomaly for the
 * table. Each lookup spends work budget in proportion to the bytes it scans, so
 * many names pointing into one long run can neither make the parse quadratic
 * nor blow up the result (the budget then ends the parse with a
 * BinaryParseError).
 *
 * @example
 *   const strtab = new StringTable(reader.view(off, size, '.dynstr'), reader);
 *   strtab.get(1);   // 'libc.so.6'
 */
import { DEFAULT_MAX_STRING, type Reader, type View } from '../reader.ts';

export class StringTable {
  /** Past this index no string can be terminated. */
  private readonly lastNul: number;
  /** The same bytes as a Buffer (exactly the View's range), to decode without a Buffer per string. */
  private readonly text: Buffer;

  constructor(
    readonly view: View,
    private readonly reader: Reader,
  ) {
    const b = view.bytes;
    this.lastNul = b.lastIndexOf(0);
    this.text = Buffer.from(b.buffer, b.byteOffset, b.byteLength);
  }

  get base(): number {
    return this.view.base;
  }

  get length(): number {
    return this.view.length;
  }

  /** The string at `offset`, or null when it is outside the table, unterminated, or longer than 64 KiB. */
  get(offset: number): string | null {
    if (offset < 0 || offset > this.lastNul) return null;
    const end = Math.min(this.lastNul + 1, offset + DEFAULT_MAX_STRING + 1);
    const nul = Uint8Array.prototype.indexOf.call(this.view.bytes, 0, offset);
    // lastNul >= offset, so a NUL is found. Pay for the bytes scanned, at a rate that also bounds what
    // many names pointing at one long string can add to the result (about 4 bytes of names per unit).
    this.reader.spend(1 + ((nul - offset) >> 2), this.view.base + offset);
    if (nul >= end) return null;
    if (nul === offset) return '';
    return this.text.toString('utf8', offset, nul);
  }
}
