/**
 * The dynamic section (Elf32_Dyn / Elf64_Dyn): what the loader reads to load a
 * file — DT_NEEDED, DT_SONAME, DT_RPATH / DT_RUNPATH, DT_FLAGS / DT_FLAGS_1, and
 * the addresses of every other table (strings, symbols, versions, relocations).
 *
 * Spec: System V gABI ch. 5 "Dynamic Section"
 * (https://refspecs.linuxfoundation.org/elf/gabi4+/ch5.dynamic.html); GNU tags
 * from glibc `elf.h`.
 *
 * Found through PT_DYNAMIC, like the loader (so section-stripped files read the
 * same); the .dynamic section is the fallback for files without segments. The
 * list ends at the first DT_NULL; a table without one is an anomaly, and every
 * entry up to the end of the segment is kept.
 *
 * @example
 *   const table = readDynamicEntries(reader, raw, phdrs, sections, log);
 *   const info = dynamicInfo(table, strtab, log);
 *   info.needed;  // ['libpthread.so.0', 'libc.so.6']
 */
import type { AnomalyLog } from '../errors.ts';
import type { Reader } from '../reader.ts';
import { DF_1_NAMES, DF_1_NOW, DF_BIND_NOW, DF_NAMES, DF_TEXTREL, DT, dynamicTagName, flagNames, PT, SHT } from './constants.ts';
import type { RawHeader } from './header.ts';
import type { ElfSection } from './sections.ts';
import type { ElfProgramHeader } from './segments.ts';
import type { StringTable } from './strings.ts';
import { sword, TOO_LARGE, word } from './words.ts';

export interface ElfDynamicEntry {
  tag: number;
  /** NEEDED, SONAME, FLAGS_1, … as `readelf -d` prints them. */
  name: string;
  value: number;
}

export interface ElfDynamic {
  /** Where the table was found: PT_DYNAMIC, or the SHT_DYNAMIC section when there are no segments. */
  source: 'PT_DYNAMIC' | 'section';
  /** File range of the table as the segment/section states it. */
  offset: number;
  length: number;
  /** Entries up to and including the first DT_NULL. */
  entries: ElfDynamicEntry[];
  /** DT_NEEDED strings, in file order. */
  needed: string[];
  soname: string | null;
  /** Raw DT_RPATH / DT_RUNPATH strings ($ORIGIN not expanded); null when absent. */
  rpath: string | null;
  runpath: string | null;
  /** DT_FLAGS / DT_FLAGS_1 values (null when absent) and their bit names. */
  flags: number | null;
  flagNames: string[];
  flags1: number | null;
  flags1Names: string[];
  /** DT_TEXTREL or DF_TEXTREL: the loader must write to text pages. */
  textrel: boolean;
  /** DT_BIND_NOW, DF_BIND_NOW or DF_1_NOW: all symbols resolved at load. */
  bindNow: boolean;
}

/** The raw table, before strings are resolved. */
export interface DynamicTable {
  source: 'PT_DYNAMIC' | 'section';
  offset: number;
  length: number;
  entries: ElfDynamicEntry[];
  /** The section's sh_link (its string table) when the table came from a section, or a section covers it. */
  sectionLink: number | null;
}

/** Finds and reads the dynamic table; null when the file has none. */
export function readDynamicEntries(
  reader: Reader,
  raw: RawHeader,
  phdrs: readonly ElfProgramHeader[],
  sections: readonly ElfSection[],
  log: AnomalyLog,
): DynamicTable | null {
  const { is64 } = raw;
  const seg = phdrs.find((p) => p.type === PT.DYNAMIC);
  const sec = sections.find((s) => s.type === SHT.DYNAMIC);
  let source: DynamicTable['source'];
  let offset: number;
  let length: number;
  if (seg) {
    source = 'PT_DYNAMIC';
    offset = seg.offset;
    length = seg.filesz;
  } else if (sec && phdrs.length === 0) {
    source = 'section';
    offset = sec.offset;
    length = sec.size;
  } else {
    return null;
  }
  const entsize = is64 ? 16 : 8;
  const view = reader.view(offset, length, 'dynamic table');
  const max = Math.floor(length / entsize);
  reader.spend(max, offset);
  const entries: ElfDynamicEntry[] = [];
  let terminated = false;
  let dropped = 0;
  let firstDropped = 0;
  for (let i = 0; i < max; i++) {
    const o = i * entsize;
    const tag = sword(view, o, is64);
    const value = word(view, o + (is64 ? 8 : 4), is64);
    if (tag === null || value === TOO_LARGE) {
      if (dropped++ === 0) firstDropped = i;
      continue;
    }
    entries.push({ tag, name: dynamicTagName(tag, raw.header.machine), value });
    if (tag === DT.NULL) {
      terminated = true;
      break;
    }
  }
  if (dropped > 0) {
    log.add(view.base + firstDropped * entsize, 'elf.dynamic.range', `${dropped} dynamic entr${dropped === 1 ? 'y has' : 'ies have'} a tag or value beyond 2^53 (first: entry ${firstDropped}); left out`);
  }
  if (!terminated) log.add(offset, 'elf.dynamic.unterminated', `dynamic table of ${max} entries has no DT_NULL`);
  const covering = sec && sec.offset === offset ? sec : sections.find((s) => s.type === SHT.DYNAMIC && s.offset <= offset && offset < s.offset + s.size);
  return { source, offset, length, entries, sectionLink: covering ? covering.link : null };
}

/** First value of a tag, or null. */
export function dynValue(entries: readonly ElfDynamicEntry[], tag: number): number | null {
  for (const e of entries) if (e.tag === tag) return e.value;
  return null;
}

/** Resolves the string-valued entries and flags. `strtab` null: strings are left empty with an anomaly already recorded. */
export function dynamicInfo(table: DynamicTable, strtab: StringTable | null, log: AnomalyLog): ElfDynamic {
  const needed: string[] = [];
  let soname: string | null = null;
  let rpath: string | null = null;
  let runpath: string | null = null;
  let flags: number | null = null;
  let flags1: number | null = null;
  let textrel = false;
  let bindNow = false;
  const str = (e: ElfDynamicEntry): string | null => {
    if (!strtab) return null;
    const s = strtab.get(e.value);
    if (s === null) log.add(strtab.base, 'elf.dynamic.string', `DT_${e.name} string offset ${e.value} is outside the ${strtab.length}-byte string table or unterminated`);
    return s;
  };
  for (const e of table.entries) {
    switch (e.tag) {
      case DT.NEEDED: {
        const s = str(e);
        if (s !== null) needed.push(s);
        break;
      }
      case DT.SONAME:
        soname ??= str(e);
        break;
      case DT.RPATH:
        rpath ??= str(e);
        break;
      case DT.RUNPATH:
        runpath ??= str(e);
        break;
      case DT.FLAGS:
        flags ??= e.value;
        break;
      case DT.FLAGS_1:
        flags1 ??= e.value;
        break;
      case DT.TEXTREL:
        textrel = true;
        break;
      case DT.BIND_NOW:
        bindNow = true;
        break;
    }
  }
  if (flags !== null) {
    if (flags & DF_TEXTREL) textrel = true;
    if (flags & DF_BIND_NOW) bindNow = true;
  }
  if (flags1 !== null && flags1 & DF_1_NOW) bindNow = true;
  return {
    source: table.source,
    offset: table.offset,
    length: table.length,
    entries: table.entries,
    needed,
    soname,
    rpath,
    runpath,
    flags,
    flagNames: flags === null ? [] : flagNames(flags % 2 ** 32, DF_NAMES),
    flags1,
    flags1Names: flags1 === null ? [] : flagNames(flags1 % 2 ** 32, DF_1_NAMES),
    textrel,
    bindNow,
  };
}
