/**
 * GNU symbol versioning: version needs (Elf_Verneed / Elf_Vernaux), version
 * definitions (Elf_Verdef / Elf_Verdaux) and the versym array that ties each
 * dynamic symbol to one of them.
 *
 * Spec: LSB Core "Symbol Versioning"
 * (https://refspecs.linuxfoundation.org/LSB_5.0.0/LSB-Core-generic/LSB-Core-generic/symversion.html);
 * constants from glibc `elf.h`.
 *
 * Both tables are linked lists of relative offsets (vn_next / vna_next,
 * vd_next / vda_next). A list is read only while it moves strictly forward
 * inside the bytes the table can occupy and within its stated count; a zero
 * link before the count is reached, a link out of range, or a count the bytes
 * cannot hold is an anomaly and the entries read so far are kept.
 *
 * @example
 *   const needs = readVersionNeeds(reader, view, count, strtab, log);
 *   needs[0];  // { file: 'libc.so.6', versions: [{ name: 'GLIBC_2.34', index: 3, weak: false, … }] }
 */
import type { AnomalyLog } from '../errors.ts';
import type { Reader, View } from '../reader.ts';
import { flagNames, VER_FLG_BASE, VER_FLG_NAMES, VER_FLG_WEAK, VER_NDX_GLOBAL, VERSYM_HIDDEN } from './constants.ts';
import type { ElfSymbol } from './symbols.ts';
import type { StringTable } from './strings.ts';

export interface ElfVersionNeedAux {
  /** e.g. 'GLIBC_2.34'. */
  name: string;
  hash: number;
  flags: number;
  /** BASE, WEAK, INFO. */
  flagNames: string[];
  /** VER_FLG_WEAK: the loader only warns when this version is missing. */
  weak: boolean;
  /** vna_other: the versym value that refers to this version. */
  index: number;
}

export interface ElfVersionNeed {
  /** vn_version (1). */
  version: number;
  /** The library the versions are needed from, e.g. 'libc.so.6'. */
  file: string;
  versions: ElfVersionNeedAux[];
}

export interface ElfVersionDef {
  /** vd_version (1). */
  version: number;
  /** vd_ndx: the versym value that refers to this version. */
  index: number;
  flags: number;
  flagNames: string[];
  /** VER_FLG_BASE: the entry naming the file itself (its soname), not a version. */
  base: boolean;
  hash: number;
  /** First the version's name, then its parents (`DEP_2.0 { … } DEP_1.0;` gives ['DEP_2.0', 'DEP_1.0']). */
  names: string[];
}

const VERNEED_SIZE = 16;
const VERNAUX_SIZE = 16;
const VERDEF_SIZE = 20;
const VERDAUX_SIZE = 8;

function name(strtab: StringTable | null, off: number, view: View, at: number, what: string, log: AnomalyLog): string {
  const s = strtab ? strtab.get(off) : null;
  if (s === null) log.add(view.base + at, `elf.${what}.name`, `${what} name offset ${off} is outside the string table or unterminated`);
  return s ?? '';
}

/**
 * Walks the verneed list from the view's start. `count` is DT_VERNEEDNUM (or
 * the section's sh_info); null reads until vn_next is 0.
 */
export function readVersionNeeds(reader: Reader, view: View, count: number | null, strtab: StringTable | null, log: AnomalyLog): ElfVersionNeed[] {
  const out: ElfVersionNeed[] = [];
  const maxEntries = Math.floor(view.length / VERNEED_SIZE);
  if (count !== null && count > maxEntries) {
    log.add(view.base, 'elf.verneed.count', `verneed count ${count} cannot fit in the ${view.length} bytes available`);
  }
  const limit = Math.min(count ?? maxEntries, maxEntries);
  // Each vernaux entry occupies its own 16 bytes in a well-formed table; chains that share entries
  // cannot make us read (and allocate) more entries than the table holds.
  let auxLeft = Math.floor(view.length / VERNAUX_SIZE);
  let at = 0;
  for (let i = 0; i < limit; i++) {
    reader.spend(1, view.base + at);
    if (!view.has(at, VERNEED_SIZE)) {
      log.add(view.base + at, 'elf.verneed.range', `verneed entry ${i} at +${at} runs past the table`);
      break;
    }
    const vnVersion = view.u16(at);
    const vnCnt = view.u16(at + 2);
    const file = name(strtab, view.u32(at + 4), view, at + 4, 'verneed', log);
    const vnAux = view.u32(at + 8);
    const vnNext = view.u32(at + 12);
    const versions: ElfVersionNeedAux[] = [];
    let a = at + vnAux;
    const auxLimit = Math.min(vnCnt, Math.floor(view.length / VERNAUX_SIZE));
    if (vnCnt > auxLimit) log.add(view.base + at + 2, 'elf.verneed.count', `vn_cnt ${vnCnt} cannot fit in the ${view.length} bytes available`);
    for (let j = 0; j < auxLimit; j++) {
      reader.spend(1, view.base + a);
      if (!view.has(a, VERNAUX_SIZE)) {
        log.add(view.base + at + 8, 'elf.verneed.aux-range', `vernaux ${j} of verneed ${i} at +${a} runs past the table`);
        break;
      }
      if (auxLeft-- === 0) {
        log.add(view.base + a, 'elf.verneed.aux-alias', `more vernaux entries than the ${view.length}-byte table can hold: chains overlap`);
        break;
      }
      const flags = view.u16(a + 4);
      versions.push({
        name: name(strtab, view.u32(a + 8), view, a + 8, 'vernaux', log),
        hash: view.u32(a),
        flags,
        flagNames: flagNames(flags, VER_FLG_NAMES),
        weak: (flags & VER_FLG_WEAK) !== 0,
        index: view.u16(a + 6),
      });
      const next = view.u32(a + 12);
      if (next === 0) {
        if (j < vnCnt - 1) log.add(view.base + a + 12, 'elf.verneed.aux-loop', `vna_next is 0 after ${j + 1} of ${vnCnt} vernaux entries of verneed ${i}`);
        break;
      }
      a += next;
    }
    out.push({ version: vnVersion, file, versions });
    if (vnNext === 0) {
      if (count !== null && i < count - 1) log.add(view.base + at + 12, 'elf.verneed.loop', `vn_next is 0 after ${i + 1} of ${count} verneed entries`);
      break;
    }
    at += vnNext;
  }
  return out;
}

/** Walks the verdef list from the view's start; `count` is DT_VERDEFNUM (or sh_info), null reads until vd_next is 0. */
export function readVersionDefs(reader: Reader, view: View, count: number | null, strtab: StringTable | null, log: AnomalyLog): ElfVersionDef[] {
  const out: ElfVersionDef[] = [];
  const maxEntries = Math.floor(view.length / VERDEF_SIZE);
  if (count !== null && count > maxEntries) {
    log.add(view.base, 'elf.verdef.count', `verdef count ${count} cannot fit in the ${view.length} bytes available`);
  }
  const limit = Math.min(count ?? maxEntries, maxEntries);
  let auxLeft = Math.floor(view.length / VERDAUX_SIZE);
  let at = 0;
  for (let i = 0; i < limit; i++) {
    reader.spend(1, view.base + at);
    if (!view.has(at, VERDEF_SIZE)) {
      log.add(view.base + at, 'elf.verdef.range', `verdef entry ${i} at +${at} runs past the table`);
      break;
    }
    const flags = view.u16(at + 2);
    const vdCnt = view.u16(at + 6);
    const vdAux = view.u32(at + 12);
    const vdNext = view.u32(at + 16);
    const names: string[] = [];
    let a = at + vdAux;
    const auxLimit = Math.min(vdCnt, Math.floor(view.length / VERDAUX_SIZE));
    if (vdCnt > auxLimit) log.add(view.base + at + 6, 'elf.verdef.count', `vd_cnt ${vdCnt} cannot fit in the ${view.length} bytes available`);
    for (let j = 0; j < auxLimit; j++) {
      reader.spend(1, view.base + a);
      if (!view.has(a, VERDAUX_SIZE)) {
        log.add(view.base + at + 12, 'elf.verdef.aux-range', `verdaux ${j} of verdef ${i} at +${a} runs past the table`);
        break;
      }
      if (auxLeft-- === 0) {
        log.add(view.base + a, 'elf.verdef.aux-alias', `more verdaux entries than the ${view.length}-byte table can hold: chains overlap`);
        break;
      }
      names.push(name(strtab, view.u32(a), view, a, 'verdaux', log));
      const next = view.u32(a + 4);
      if (next === 0) {
        if (j < vdCnt - 1) log.add(view.base + a + 4, 'elf.verdef.aux-loop', `vda_next is 0 after ${j + 1} of ${vdCnt} verdaux entries of verdef ${i}`);
        break;
      }
      a += next;
    }
    out.push({
      version: view.u16(at),
      index: view.u16(at + 4),
      flags,
      flagNames: flagNames(flags, VER_FLG_NAMES),
      base: (flags & VER_FLG_BASE) !== 0,
      hash: view.u32(at + 8),
      names,
    });
    if (vdNext === 0) {
      if (count !== null && i < count - 1) log.add(view.base + at + 16, 'elf.verdef.loop', `vd_next is 0 after ${i + 1} of ${count} verdef entries`);
      break;
    }
    at += vdNext;
  }
  return out;
}

/**
 * Sets `version` on each symbol from the versym array (one u16 per symbol; the
 * caller checked that the view holds `count` of them). An undefined symbol
 * looks in the needs first and a defined one in the definitions first, as
 * glibc and readelf do; an index found in neither is an anomaly.
 */
export function applyVersions(view: View, symbols: ElfSymbol[], needs: readonly ElfVersionNeed[], defs: readonly ElfVersionDef[], log: AnomalyLog): void {
  const needed = new Map<number, ElfSymbolVersionRef>();
  for (const n of needs) for (const v of n.versions) if (!needed.has(v.index)) needed.set(v.index, { name: v.name, source: 'needed', file: n.file });
  const defined = new Map<number, ElfSymbolVersionRef>();
  for (const d of defs) if (!defined.has(d.index) && d.names.length > 0) defined.set(d.index, { name: d.names[0]!, source: 'defined' });
  let unknown = 0;
  let firstUnknown = 0;
  // One u16 per symbol, read through a DataView over exactly the View's bytes (indexes checked against its length).
  const b = view.bytes;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const n = b.byteLength >> 1;
  const le = view.littleEndian;
  for (const sym of symbols) {
    if (sym.index >= n) continue;
    const raw = dv.getUint16(sym.index * 2, le);
    const index = raw & ~VERSYM_HIDDEN;
    if (index <= VER_NDX_GLOBAL) continue;
    const ref = sym.defined ? (defined.get(index) ?? needed.get(index)) : (needed.get(index) ?? defined.get(index));
    if (!ref) {
      if (unknown++ === 0) firstUnknown = index;
      continue;
    }
    const hidden = (raw & VERSYM_HIDDEN) !== 0;
    sym.version = ref.file === undefined ? { name: ref.name, hidden, source: ref.source } : { name: ref.name, hidden, source: ref.source, file: ref.file };
  }
  if (unknown > 0) log.add(view.base, 'elf.versym.index', `${unknown} symbol(s) have a versym index found in no verneed/verdef (first ${firstUnknown})`);
}

interface ElfSymbolVersionRef {
  name: string;
  source: 'needed' | 'defined';
  file?: string;
}
