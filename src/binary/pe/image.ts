/**
 * RVA → file offset, and bounded reads at RVAs, for the tables the data
 * directories point to.
 *
 * PE Format, "Section Table": a section maps `[VirtualAddress, VirtualAddress +
 * max(VirtualSize, SizeOfRawData))`, and the part of it below SizeOfRawData is
 * backed by file bytes at `PointerToRawData + (rva - VirtualAddress)`; the rest
 * is zero-filled memory that no table can usefully live in. RVAs below
 * SizeOfHeaders that no section claims map 1:1 to file offsets (the headers are
 * mapped at the image base). Every read is bounded by what the section (or the
 * header region) holds in the file, so a table can never run into the next
 * section's bytes or past EOF.
 *
 * ```ts
 * const img = new PeImage(reader, sections, sizeOfHeaders);
 * img.cstr(nameRva, 'import DLL name');   // 'KERNEL32.dll'
 * ```
 */
import { DEFAULT_MAX_STRING, decodeUtf8, type Reader, type View } from '../reader.ts';
import type { SectionHeader } from './types.ts';

export interface Located {
  /** File offset of the RVA. */
  offset: number;
  /** Bytes from `offset` that belong to the same section (or header region) and lie in the file. */
  avail: number;
}

/** First chunk of a table scan, in entries; each further chunk is 4× larger. */
const FIRST_CHUNK_ENTRIES = 64;

function span(s: SectionHeader): number {
  return Math.max(s.virtualSize, s.sizeOfRawData);
}

export class PeImage {
  private readonly headerEnd: number;
  /** Sections sorted by VirtualAddress, when their virtual ranges are disjoint (the normal case): binary search. */
  private readonly ordered: SectionHeader[] | null;

  constructor(
    readonly reader: Reader,
    readonly sections: readonly SectionHeader[],
    sizeOfHeaders: number,
  ) {
    this.headerEnd = Math.min(sizeOfHeaders, reader.size);
    const sorted = sections.filter((s) => span(s) > 0).sort((a, b) => a.virtualAddress - b.virtualAddress);
    let disjoint = true;
    for (let i = 1; i < sorted.length; i++) {
      const prev = sorted[i - 1]!;
      if (sorted[i]!.virtualAddress < prev.virtualAddress + span(prev)) disjoint = false;
    }
    this.ordered = disjoint ? sorted : null;
  }

  /**
   * The section whose virtual range holds `rva`: the first in table order when
   * ranges overlap (a linear walk that spends work budget per section), else a
   * binary search.
   */
  sectionOf(rva: number): SectionHeader | undefined {
    if (this.ordered) {
      let lo = 0;
      let hi = this.ordered.length - 1;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        const s = this.ordered[mid]!;
        if (rva < s.virtualAddress) hi = mid - 1;
        else if (rva - s.virtualAddress >= span(s)) lo = mid + 1;
        else return s;
      }
      return undefined;
    }
    this.reader.spend(this.sections.length);
    return this.sections.find((s) => rva >= s.virtualAddress && rva - s.virtualAddress < span(s));
  }

  /** Where an RVA's bytes are in the file; throws a BinaryParseError naming `what` when no file bytes back it. */
  locate(rva: number, what: string): Located {
    if (!Number.isSafeInteger(rva) || rva < 0) this.reader.fail(0, `${what}: invalid RVA ${rva}`);
    const s = this.sectionOf(rva);
    if (s) {
      const delta = rva - s.virtualAddress;
      if (delta >= s.sizeOfRawData) {
        this.reader.fail(s.pointerToRawData, `${what}: RVA 0x${rva.toString(16)} lies in the zero-filled tail of section ${s.name}, not in the file`);
      }
      const offset = s.pointerToRawData + delta;
      const avail = Math.min(s.sizeOfRawData - delta, this.reader.size - offset);
      if (avail <= 0) this.reader.fail(offset, `${what}: RVA 0x${rva.toString(16)} maps to offset 0x${offset.toString(16)}, past the end of the ${this.reader.size}-byte file`);
      return { offset, avail };
    }
    if (rva < this.headerEnd) return { offset: rva, avail: this.headerEnd - rva };
    this.reader.fail(0, `${what}: RVA 0x${rva.toString(16)} is mapped by no section`);
  }

  /** Exactly `length` bytes at `rva`, all inside one section's file data. */
  view(rva: number, length: number, what: string): View {
    const at = this.locate(rva, what);
    if (length > at.avail) {
      this.reader.fail(at.offset, `${what}: ${length} bytes at RVA 0x${rva.toString(16)} run past the ${at.avail} bytes its section holds in the file`);
    }
    return this.reader.view(at.offset, length, what);
  }

  /** Up to `maxLength` bytes at `rva`: fewer when the section's file data ends first. */
  viewUpTo(rva: number, maxLength: number, what: string): View {
    const at = this.locate(rva, what);
    return this.reader.view(at.offset, Math.min(maxLength, at.avail), what);
  }

  /**
   * A NUL-terminated string at `rva`, which must end inside its section's file
   * data and within `max` bytes. Reads in growing chunks and spends one unit of
   * work budget per byte of the string, so entries that alias one long string
   * run out of budget instead of filling memory with copies.
   */
  cstr(rva: number, what: string, max = DEFAULT_MAX_STRING): string {
    return this.cstrAt(this.locate(rva, what), what, max);
  }

  /** `cstr` at an already located position. */
  cstrAt(at: Located, what: string, max = DEFAULT_MAX_STRING): string {
    const limit = Math.min(at.avail, max + 1);
    let chunk = 64;
    for (;;) {
      const n = Math.min(chunk, limit);
      const bytes = this.reader.view(at.offset, n, what).bytes;
      const nul = bytes.indexOf(0);
      if (nul >= 0) {
        this.reader.spend(1 + nul, at.offset);
        return decodeUtf8(bytes.subarray(0, nul));
      }
      this.reader.spend(n, at.offset);
      if (n >= limit) {
        this.reader.fail(at.offset, n > max ? `${what}: longer than ${max} bytes` : `${what}: unterminated at the end of its section's data`);
      }
      chunk *= 4;
    }
  }

  /**
   * Visits the fixed-size entries of a table at `rva` in order until `visit`
   * returns true (the terminator) or the section's file data runs out; `visit`
   * gets a view of a chunk of the table and the entry's offset in it. The
   * table is read in growing chunks, never more than the section holds; each
   * entry spends one unit of work budget. Returns whether `visit` ended it.
   */
  scan(rva: number, entrySize: number, what: string, visit: (table: View, rel: number, index: number) => boolean): boolean {
    const at = this.locate(rva, what);
    const total = Math.floor(at.avail / entrySize);
    let index = 0;
    let chunk = FIRST_CHUNK_ENTRIES;
    while (index < total) {
      const n = Math.min(chunk, total - index);
      const v = this.reader.view(at.offset + index * entrySize, n * entrySize, what);
      for (let i = 0; i < n; i++, index++) {
        this.reader.spend(1, v.base + i * entrySize);
        if (visit(v, i * entrySize, index)) return true;
      }
      chunk *= 4;
    }
    return false;
  }
}
