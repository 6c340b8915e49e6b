/**
 * ELF parser: what a release gate needs to know about a Linux (or other ELF)
 * shared object, executable or object file, read defensively from untrusted
 * bytes.
 *
 * Spec: System V gABI (https://refspecs.linuxfoundation.org/elf/gabi4+/contents.html),
 * LSB Core "Symbol Versioning", glibc `elf.h`, "Linux Extensions to gABI"
 * (https://github.com/hjl-tools/linux-abi) for GNU properties.
 *
 * How the parts are found:
 * - the header, then section 0 when extended numbering is in use, the program
 *   headers and the section headers (each one View);
 * - the dynamic section through PT_DYNAMIC and every table it points to through
 *   the PT_LOAD vaddr → offset map, as the loader sees the file, so a
 *   section-stripped file reads the same; sections are the fallback;
 * - the dynamic symbol count from SHT_DYNSYM, else DT_HASH, else DT_GNU_HASH;
 * - notes from PT_NOTE (SHT_NOTE without segments).
 *
 * Only an unreadable header throws (BinaryParseError). Every other part is read
 * inside `AnomalyLog.attempt`, so a bad table becomes an anomaly beside a
 * partial result. All offsets in the result are absolute file offsets.
 *
 * @example
 *   import { parseElf } from './binary/elf/parse.ts';
 *   import { withFile } from './binary/source.ts';
 *   const elf = withFile('libfoo.so', (src) => parseElf(src));
 *   elf.header.arch;                          // 'x86_64'
 *   elf.dynamic?.needed;                      // ['libc.so.6']
 *   elf.versionNeeds[0]?.versions.map((v) => v.name);  // ['GLIBC_2.34', 'GLIBC_2.2.5']
 */
import { AnomalyLog, type Anomaly } from '../errors.ts';
import { Reader, type View } from '../reader.ts';
import type { ByteSource } from '../source.ts';
import { DT, PN_XNUM, PT, SHT } from './constants.ts';
import { dynamicInfo, dynValue, readDynamicEntries, type DynamicTable, type ElfDynamic, type ElfDynamicEntry } from './dynamic.ts';
import { readElfHeader, type ElfHeader, type RawHeader } from './header.ts';
import { abiTag, buildId, gnuProperties, readNotes, type ElfAbiTag, type ElfGnuProperties, type ElfNote } from './notes.ts';
import { readRelocations, type ElfRelocationTable } from './relocations.ts';
import { readSections, readSectionZero, type ElfCounts, type ElfSection } from './sections.ts';
import { AddressMap, gnuStack, readInterpreter, readProgramHeaders, type ElfProgramHeader } from './segments.ts';
import { StringTable } from './strings.ts';
import { countFromGnuHash, countFromHash, readSymbols, symbolEntrySize, type ElfSymbol, type Extent } from './symbols.ts';
import { applyVersions, readVersionDefs, readVersionNeeds, type ElfVersionDef, type ElfVersionNeed } from './versions.ts';

export type { ElfHeader } from './header.ts';
export type { ElfProgramHeader } from './segments.ts';
export type { ElfSection } from './sections.ts';
export type { ElfDynamic, ElfDynamicEntry } from './dynamic.ts';
export type { ElfSymbol, ElfSymbolVersion } from './symbols.ts';
export type { ElfVersionNeed, ElfVersionNeedAux, ElfVersionDef } from './versions.ts';
export type { ElfNote, ElfAbiTag, ElfGnuProperties, ElfGnuProperty } from './notes.ts';
export type { ElfRelocation, ElfRelocationTable } from './relocations.ts';

export interface ElfParseOptions {
  /** Also list each dynamic relocation (the summary of each table is always there). */
  relocations?: boolean;
  /**
   * Which defined dynamic symbols to list (undefined ones always are); the
   * rest are counted in `omittedDefinedSymbols`. Default: all.
   */
  keepDefinedSymbol?: (name: string) => boolean;
}

export type SymbolCountSource = 'section' | 'DT_HASH' | 'DT_GNU_HASH';

export interface ElfFile {
  format: 'elf';
  header: ElfHeader;
  programHeaders: ElfProgramHeader[];
  /** Empty when the file has no section headers (stripped with --strip-sections) or they are unreadable. */
  sections: ElfSection[];
  /** PT_INTERP, e.g. '/lib64/ld-linux-x86-64.so.2' or '/lib/ld-musl-x86_64.so.1'. */
  interpreter: string | null;
  /** null when there is no PT_GNU_STACK segment. */
  gnuStack: { executable: boolean } | null;
  /** From PT_GNU_PROPERTY, else a NT_GNU_PROPERTY_TYPE_0 note. */
  gnuProperties: ElfGnuProperties | null;
  /** null for files without a dynamic section (static executables, objects). */
  dynamic: ElfDynamic | null;
  /** Every undefined dynamic symbol, and the defined ones `options.keepDefinedSymbol` kept (all by default). */
  dynamicSymbols: ElfSymbol[];
  /** Defined dynamic symbols left out by `options.keepDefinedSymbol`. */
  omittedDefinedSymbols: number;
  /** Where the dynamic symbol count came from; null when there is no dynamic symbol table. */
  symbolCountSource: SymbolCountSource | null;
  /** Each way of counting the dynamic symbols the file allows (they agree in a well-formed file). */
  symbolCounts: { section: number | null; hash: number | null; gnuHash: number | null };
  versionNeeds: ElfVersionNeed[];
  versionDefs: ElfVersionDef[];
  notes: ElfNote[];
  /** NT_GNU_BUILD_ID as hex. */
  buildId: string | null;
  abiTag: ElfAbiTag | null;
  /** One summary per dynamic relocation table; entries only with `options.relocations`. */
  relocations: ElfRelocationTable[];
  anomalies: Anomaly[];
}

/** Bound for a table whose size the file does not state (verneed/verdef/strings without a section). */
const UNSTATED_TABLE_MAX = 16 << 20;

export function parseElf(src: ByteSource, options: ElfParseOptions = {}): ElfFile {
  const reader = new Reader(src, 'elf');
  const raw = readElfHeader(reader);
  const { header, is64 } = raw;
  const log = new AnomalyLog();
  if (header.entry === null) log.add(24, 'elf.header.entry', 'e_entry is 2^53 or more');

  const counts: ElfCounts = log.attempt('elf.shdr0', () => readSectionZero(reader, raw, log)) ?? {
    phnum: header.phnum === PN_XNUM ? 0 : header.phnum,
    shnum: header.shnum,
    shstrndx: header.shstrndx,
  };
  const programHeaders = log.attempt('elf.phdr', () => readProgramHeaders(reader, raw, counts.phnum, log)) ?? [];
  const sections = log.attempt('elf.shdr', () => readSections(reader, raw, counts, log)) ?? [];
  let map = AddressMap.fromSegments(programHeaders);
  if (map.empty) map = AddressMap.fromSections(sections);
  const ctx: Ctx = { reader, raw, log, map, sections };

  const interpreter = log.attempt('elf.interp', () => readInterpreter(reader, programHeaders)) ?? null;

  const table = log.attempt('elf.dynamic', () => readDynamicEntries(reader, raw, programHeaders, sections, log)) ?? null;
  const entries = table?.entries ?? [];
  const dynstr = table ? dynamicStrings(ctx, table) : null;
  const dynamic = table ? dynamicInfo(table, dynstr, log) : null;

  const syms = readDynamicSymbolTable(ctx, entries, dynstr, options.keepDefinedSymbol);

  const { needs, defs } = readVersionTables(ctx, entries, dynstr);
  if (syms.symbols.length > 0 && (needs.length > 0 || defs.length > 0)) {
    const versym = log.attempt('elf.versym', () => versymView(ctx, entries, syms.count));
    if (versym) applyVersions(versym, syms.symbols, needs, defs, log);
  }

  const notes = readAllNotes(ctx, programHeaders);
  const propertyNotes = programHeaders.some((p) => p.type === PT.GNU_PROPERTY) ? readNotesIn(ctx, programHeaders.filter((p) => p.type === PT.GNU_PROPERTY)) : notes;

  const bySymbolIndex = (i: number): string | null => {
    const list = syms.symbols;
    const s = list[i];
    if (s && s.index === i) return s.name;
    // Entries left out shift positions; the list is still sorted by index.
    let lo = 0;
    let hi = list.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const x = list[mid]!;
      if (x.index === i) return x.name;
      if (x.index < i) lo = mid + 1;
      else hi = mid - 1;
    }
    return null;
  };
  const relocations = table
    ? readRelocations(
        reader,
        { entries, map, machine: header.machine, is64, symbolName: bySymbolIndex, maxRelr: loadedWords(programHeaders, is64, reader.size) },
        { entries: options.relocations === true },
        log,
      )
    : [];

  return {
    format: 'elf',
    header,
    programHeaders,
    sections,
    interpreter,
    gnuStack: gnuStack(programHeaders),
    gnuProperties: log.attempt('elf.gnu-property', () => gnuProperties(reader, propertyNotes, header.machine, is64, log)) ?? null,
    dynamic,
    dynamicSymbols: syms.symbols,
    omittedDefinedSymbols: syms.omitted,
    symbolCountSource: syms.source,
    symbolCounts: syms.counts,
    versionNeeds: needs,
    versionDefs: defs,
    notes,
    buildId: log.attempt('elf.build-id', () => buildId(reader, notes)) ?? null,
    abiTag: log.attempt('elf.abi-tag', () => abiTag(reader, notes)) ?? null,
    relocations,
    anomalies: log.list(),
  };
}

/** Words in the file images of the PT_LOAD segments (at most the file): no more relocations than that can be distinct. */
function loadedWords(phdrs: readonly ElfProgramHeader[], is64: boolean, fileSize: number): number {
  let bytes = 0;
  for (const p of phdrs) if (p.type === PT.LOAD) bytes += p.filesz;
  return Math.floor(Math.min(bytes, fileSize) / (is64 ? 8 : 4));
}

interface Ctx {
  reader: Reader;
  raw: RawHeader;
  log: AnomalyLog;
  map: AddressMap;
  sections: readonly ElfSection[];
}

function sectionAt(ctx: Ctx, index: number): ElfSection | undefined {
  const s = ctx.sections[index];
  return s && s.index === index ? s : ctx.sections.find((x) => x.index === index);
}

/** A section's bytes as one View (NOBITS sections have none). */
function sectionView(ctx: Ctx, s: ElfSection, what: string): View {
  if (s.type === SHT.NOBITS) ctx.reader.fail(0, `${what} section ${s.index} is NOBITS`);
  return ctx.reader.view(s.offset, s.size, `${what} section`);
}

/** The bytes from a DT_* address to the end of its PT_LOAD file image (capped), for tables of unstated size. */
function extentOf(ctx: Ctx, addr: number, what: string): Extent {
  const e = ctx.map.extent(addr);
  if (!e) ctx.reader.fail(0, `${what} address 0x${addr.toString(16)} is not inside any PT_LOAD file image`);
  return e;
}

function cappedView(ctx: Ctx, e: Extent, what: string): View {
  return ctx.reader.view(e.offset, Math.min(e.length, UNSTATED_TABLE_MAX), what);
}

/** DT_STRTAB (+ DT_STRSZ) through the address map; the .dynamic section's linked string table as the fallback. */
function dynamicStrings(ctx: Ctx, table: DynamicTable): StringTable | null {
  const { reader, log } = ctx;
  const addr = dynValue(table.entries, DT.STRTAB);
  if (addr !== null) {
    const view = log.attempt('elf.dynstr', () => {
      const size = dynValue(table.entries, DT.STRSZ);
      if (size === null) return cappedView(ctx, extentOf(ctx, addr, 'DT_STRTAB'), 'DT_STRTAB');
      const off = ctx.map.offsetOf(addr, size);
      if (off === null) ctx.reader.fail(0, `DT_STRTAB 0x${addr.toString(16)} with DT_STRSZ ${size} is not inside any PT_LOAD file image`);
      return reader.view(off, size, 'DT_STRTAB');
    });
    if (view) return new StringTable(view, reader);
  }
  const link = table.sectionLink;
  const s = link !== null ? sectionAt(ctx, link) : undefined;
  if (s && s.type === SHT.STRTAB) {
    const view = log.attempt('elf.dynstr', () => sectionView(ctx, s, 'dynamic string table'));
    if (view) return new StringTable(view, reader);
  }
  if (addr === null) log.add(table.offset, 'elf.dynstr', 'no DT_STRTAB and no linked string table: dynamic strings unreadable');
  return null;
}

interface SymbolTableResult {
  symbols: ElfSymbol[];
  omitted: number;
  count: number;
  source: SymbolCountSource | null;
  counts: { section: number | null; hash: number | null; gnuHash: number | null };
}

function readDynamicSymbolTable(ctx: Ctx, entries: readonly ElfDynamicEntry[], dynstr: StringTable | null, keepDefined?: (name: string) => boolean): SymbolTableResult {
  const { reader, log, raw } = ctx;
  const entsize = symbolEntrySize(raw.is64);
  const section = ctx.sections.find((s) => s.type === SHT.DYNSYM);
  const counts: SymbolTableResult['counts'] = { section: null, hash: null, gnuHash: null };
  const empty: SymbolTableResult = { symbols: [], omitted: 0, count: 0, source: null, counts };

  if (section) {
    if (section.entsize !== entsize && section.entsize !== 0) log.add(0, 'elf.dynsym.entsize', `SHT_DYNSYM sh_entsize is ${section.entsize}, not ${entsize}`);
    counts.section = Math.floor(section.size / entsize);
  }
  const hashAddr = dynValue(entries, DT.HASH);
  if (hashAddr !== null) counts.hash = log.attempt('elf.hash', () => countFromHash(reader, extentOf(ctx, hashAddr, 'DT_HASH'))) ?? null;
  const gnuAddr = dynValue(entries, DT.GNU_HASH);
  if (gnuAddr !== null) counts.gnuHash = log.attempt('elf.gnu-hash', () => countFromGnuHash(reader, extentOf(ctx, gnuAddr, 'DT_GNU_HASH'), raw.is64)) ?? null;

  let count: number;
  let source: SymbolCountSource;
  if (counts.section !== null) [count, source] = [counts.section, 'section'];
  else if (counts.hash !== null) [count, source] = [counts.hash, 'DT_HASH'];
  else if (counts.gnuHash !== null) [count, source] = [counts.gnuHash, 'DT_GNU_HASH'];
  else {
    if (dynValue(entries, DT.SYMTAB) !== null) {
      log.add(0, 'elf.dynsym.count', 'DT_SYMTAB without a section, DT_HASH or a DT_GNU_HASH with a non-empty bucket to count its symbols');
    }
    return empty;
  }
  if (counts.hash !== null && counts.hash !== count) log.add(0, 'elf.dynsym.count-mismatch', `DT_HASH counts ${counts.hash} symbols, the ${source} ${count}`);
  if (counts.gnuHash !== null && counts.gnuHash !== count && counts.hash === null) {
    log.add(0, 'elf.dynsym.count-mismatch', `DT_GNU_HASH counts ${counts.gnuHash} symbols, the ${source} ${count}`);
  }

  const symAddr = dynValue(entries, DT.SYMTAB);
  const result = log.attempt('elf.dynsym', () => {
    let where: Extent;
    if (symAddr !== null) where = extentOf(ctx, symAddr, 'DT_SYMTAB');
    else if (section && section.type !== SHT.NOBITS) where = { offset: section.offset, length: section.size };
    else return null;
    let n = count;
    if (n * entsize > where.length) {
      log.add(where.offset, 'elf.dynsym.count', `${n} symbols of ${entsize} bytes do not fit in the ${where.length} bytes available; reading ${Math.floor(where.length / entsize)}`);
      n = Math.floor(where.length / entsize);
    }
    const view = reader.view(where.offset, n * entsize, 'dynamic symbol table');
    let strtab = dynstr;
    if (!strtab && section) {
      const s = sectionAt(ctx, section.link);
      if (s && s.type === SHT.STRTAB) {
        const v = log.attempt('elf.dynstr', () => sectionView(ctx, s, 'dynamic string table'));
        if (v) strtab = new StringTable(v, reader);
      }
    }
    return { ...readSymbols(reader, view, n, raw.is64, strtab, log, keepDefined), n };
  });
  if (!result) return { ...empty, source };
  return { symbols: result.symbols, omitted: result.omitted, count: result.n, source, counts };
}

/** The versym array for `count` symbols: DT_VERSYM, else the SHT_GNU_versym section. */
function versymView(ctx: Ctx, entries: readonly ElfDynamicEntry[], count: number): View | null {
  const addr = dynValue(entries, DT.VERSYM);
  if (addr !== null) {
    const off = ctx.map.offsetOf(addr, 2 * count);
    if (off === null) ctx.reader.fail(0, `DT_VERSYM 0x${addr.toString(16)} for ${count} symbols is not inside any PT_LOAD file image`);
    return ctx.reader.view(off, 2 * count, 'DT_VERSYM');
  }
  const s = ctx.sections.find((x) => x.type === SHT.GNU_versym);
  return s ? sectionView(ctx, s, 'versym') : null;
}

/** Where a version table is: its bytes, its entry count (null: walk to vn_next/vd_next 0), its strings. */
interface VersionTableAt {
  view: View;
  count: number | null;
  strtab: StringTable | null;
}

/**
 * verneed / verdef through DT_VERNEED / DT_VERDEF (counts DT_VERNEEDNUM /
 * DT_VERDEFNUM), bounded by the matching section when it starts at the same
 * place, else by the segment; the section (count sh_info, strings sh_link)
 * when there is no dynamic tag.
 */
function locateVersionTable(
  ctx: Ctx,
  entries: readonly ElfDynamicEntry[],
  dynstr: StringTable | null,
  tags: { addr: number; num: number; sectionType: number; what: 'verneed' | 'verdef' },
): VersionTableAt | null {
  const section = ctx.sections.find((s) => s.type === tags.sectionType);
  const addr = dynValue(entries, tags.addr);
  const what = `DT_${tags.what.toUpperCase()}`;
  if (addr !== null) {
    const e = extentOf(ctx, addr, what);
    const bounded = section && section.offset === e.offset && section.size <= e.length ? { offset: e.offset, length: section.size } : e;
    return { view: cappedView(ctx, bounded, what), count: dynValue(entries, tags.num), strtab: dynstr };
  }
  if (!section) return null;
  let strtab = dynstr;
  const s = sectionAt(ctx, section.link);
  if (s && s.type === SHT.STRTAB) {
    const v = ctx.log.attempt('elf.dynstr', () => sectionView(ctx, s, `${tags.what} string table`));
    if (v) strtab = new StringTable(v, ctx.reader);
  }
  return { view: sectionView(ctx, section, tags.what), count: section.info, strtab };
}

function readVersionTables(ctx: Ctx, entries: readonly ElfDynamicEntry[], dynstr: StringTable | null): { needs: ElfVersionNeed[]; defs: ElfVersionDef[] } {
  const { reader, log } = ctx;
  const needs = log.attempt('elf.verneed', () => {
    const at = locateVersionTable(ctx, entries, dynstr, { addr: DT.VERNEED, num: DT.VERNEEDNUM, sectionType: SHT.GNU_verneed, what: 'verneed' });
    return at ? readVersionNeeds(reader, at.view, at.count, at.strtab, log) : [];
  });
  const defs = log.attempt('elf.verdef', () => {
    const at = locateVersionTable(ctx, entries, dynstr, { addr: DT.VERDEF, num: DT.VERDEFNUM, sectionType: SHT.GNU_verdef, what: 'verdef' });
    return at ? readVersionDefs(reader, at.view, at.count, at.strtab, log) : [];
  });
  return { needs: needs ?? [], defs: defs ?? [] };
}

/** Notes from every PT_NOTE segment, or every SHT_NOTE section when there are no segments. */
function readAllNotes(ctx: Ctx, phdrs: readonly ElfProgramHeader[]): ElfNote[] {
  if (phdrs.length > 0) return readNotesIn(ctx, phdrs.filter((p) => p.type === PT.NOTE));
  const out: ElfNote[] = [];
  for (const s of ctx.sections) {
    if (s.type !== SHT.NOTE) continue;
    const notes = ctx.log.attempt('elf.note', () => readNotes(ctx.reader, sectionView(ctx, s, 'note'), s.addralign === 8 ? 8 : 4, ctx.log));
    if (notes) out.push(...notes);
  }
  return out;
}

function readNotesIn(ctx: Ctx, segments: readonly ElfProgramHeader[]): ElfNote[] {
  const out: ElfNote[] = [];
  for (const p of segments) {
    const notes = ctx.log.attempt('elf.note', () => readNotes(ctx.reader, ctx.reader.view(p.offset, p.filesz, 'note segment'), p.align === 8 ? 8 : 4, ctx.log));
    if (notes) out.push(...notes);
  }
  return out;
}
