/**
 * Parsing of binutils `readelf` text output for the ELF differential tests
 * (binutils 2.40, always run with -W so nothing is truncated).
 *
 * Quirks handled here:
 * - `-V` reads the version sections, so a section-stripped file shows "No
 *   version information"; `-D` makes `-s` use the dynamic tags instead (and
 *   count symbols from DT_HASH / DT_GNU_HASH), but `-D --dyn-syms` prints nothing.
 * - A needed version prints as `name@VER (n)`, a defined default one as
 *   `name@@VER`, a hidden defined one as `name@VER`.
 * - vna_flags print as `none`, or `BASE`, `WEAK`, `INFO` joined by ` | `, plus
 *   `<unknown>` for other bits (readelf.c get_ver_flags).
 * - Symbol sizes above 99999 print in hex; visibility may be followed by a
 *   bracketed st_other note (`[VARIANT_PCS]`, `[<localentry>: 8]`).
 */

export interface ReadelfVerneed {
  file: string;
  versions: { name: string; flags: string; index: number }[];
}

export interface ReadelfVerdef {
  index: number;
  flags: string;
  /** The version, then its parents. */
  names: string[];
}

export interface ReadelfDynamic {
  needed: string[];
  soname: string | null;
  rpath: string | null;
  runpath: string | null;
  interpreter: string | null;
  verneed: ReadelfVerneed[];
  verdef: ReadelfVerdef[];
}

/** Output of `readelf -W -d -V -l` (verdef names print in full only with -W). */
export function parseReadelfDynamic(out: string): ReadelfDynamic {
  const result: ReadelfDynamic = { needed: [], soname: null, rpath: null, runpath: null, interpreter: null, verneed: [], verdef: [] };
  let inVerneed = false;
  let inVerdef = false;
  for (const line of out.split('\n')) {
    let m: RegExpExecArray | null;
    if ((m = /\(NEEDED\)\s+Shared library: \[(.*)\]$/.exec(line))) result.needed.push(m[1]!);
    else if ((m = /\(SONAME\)\s+Library soname: \[(.*)\]$/.exec(line))) result.soname ??= m[1]!;
    else if ((m = /\(RPATH\)\s+Library rpath: \[(.*)\]$/.exec(line))) result.rpath ??= m[1]!;
    else if ((m = /\(RUNPATH\)\s+Library runpath: \[(.*)\]$/.exec(line))) result.runpath ??= m[1]!;
    else if ((m = /\[Requesting program interpreter: (.*)\]$/.exec(line))) result.interpreter = m[1]!;
    else if (line.startsWith('Version needs section')) inVerneed = true;
    else if (line.startsWith('Version definition section')) inVerdef = true;
    else if (line.trim() === '') inVerneed = inVerdef = false;
    else if (inVerdef && (m = /^\s+(?:0x)?[0-9a-f]+: Rev: \d+\s+Flags: (.*?)\s+Index: (\d+)\s+Cnt: \d+\s+Name: (.*)$/.exec(line))) {
      result.verdef.push({ index: Number(m[2]), flags: m[1]!, names: [m[3]!] });
    } else if (inVerdef && (m = /^\s+0x[0-9a-f]+: Parent \d+: (.*)$/.exec(line))) {
      result.verdef.at(-1)?.names.push(m[1]!);
    }
    else if (inVerneed && (m = /^\s+(?:0x)?[0-9a-f]+: Version: \d+\s+File: (.*?)\s+Cnt: \d+$/.exec(line))) {
      result.verneed.push({ file: m[1]!, versions: [] });
    } else if (inVerneed && (m = /^\s+0x[0-9a-f]+:\s+Name: (.*?)\s+Flags: (.*?)\s+Version: (\d+)$/.exec(line))) {
      result.verneed.at(-1)?.versions.push({ name: m[1]!, flags: m[2]!, index: Number(m[3]) });
    }
  }
  return result;
}

export interface ReadelfSymbols {
  /** From "… contains N entries"; null when readelf printed no table. */
  count: number | null;
  /** `name`, `name@VER`, `name@@VER` per row (the `(n)` of needed versions dropped). */
  names: string[];
}

/** Output of `readelf -W --dyn-syms` (or `readelf -W -D -s`). */
export function parseReadelfSymbols(out: string): ReadelfSymbols {
  let count: number | null = null;
  const names: string[] = [];
  let started = false;
  for (const line of out.split('\n')) {
    const head = /^Symbol table (?:'\.dynsym'|for image) contains (\d+) entr/.exec(line);
    if (head) {
      if (started) break; // only the first table
      count = Number(head[1]);
      started = true;
      continue;
    }
    if (!started) continue;
    const m = /^\s*\d+: [0-9a-f]+\s+\S+\s+\S+\s+\S+\s+\S+(?:\s+\[[^\]]*\])?\s+\S+(?: (.*))?$/.exec(line);
    if (!m) continue;
    names.push((m[1] ?? '').replace(/ \(\d+\)$/, ''));
  }
  return { count, names };
}

/** vna_flags as readelf prints them. */
export function readelfVerFlags(flags: number): string {
  if (flags === 0) return 'none';
  const parts: string[] = [];
  if (flags & 1) parts.push('BASE');
  if (flags & 2) parts.push('WEAK');
  if (flags & 4) parts.push('INFO');
  if (flags & ~7) parts.push('<unknown>');
  return parts.join(' | ');
}

export interface ReadelfRelocSection {
  /** File offset of the section ("at offset 0x…"). */
  offset: number;
  relr: boolean;
  /** r_offset (hex, no leading zeros), symbol index and type from the Info column; RELR rows have sym 0, type -1. */
  entries: { offset: string; sym: number; type: number }[];
}

/**
 * Output of `readelf -W -r`. The Info column is split as the gABI says:
 * ELF64 sym = info >> 32, type = info & 0xffffffff; ELF32 sym = info >> 8,
 * type = info & 0xff (so no name tables are compared: binutils and glibc name
 * some types differently, e.g. R_386_JUMP_SLOT vs R_386_JMP_SLOT).
 */
export function parseReadelfRelocs(out: string, is64: boolean): ReadelfRelocSection[] {
  const sections: ReadelfRelocSection[] = [];
  let cur: ReadelfRelocSection | null = null;
  for (const line of out.split('\n')) {
    const head = /^Relocation section '([^']*)' at offset (0x[0-9a-f]+) contains/.exec(line);
    if (head) {
      cur = { offset: Number(head[2]), relr: /relr/.test(head[1]!), entries: [] };
      sections.push(cur);
      continue;
    }
    if (!cur) continue;
    if (cur.relr) {
      const m = /^([0-9a-f]{8,16})$/.exec(line.trim());
      if (m) cur.entries.push({ offset: BigInt(`0x${m[1]}`).toString(16), sym: 0, type: -1 });
      continue;
    }
    const m = /^([0-9a-f]{8,16})\s+([0-9a-f]{8,16})\s+\S/.exec(line);
    if (!m) continue;
    const info = BigInt(`0x${m[2]}`);
    const sym = is64 ? Number(info >> 32n) : Number(info >> 8n);
    const type = is64 ? Number(info & 0xffffffffn) : Number(info & 0xffn);
    cur.entries.push({ offset: BigInt(`0x${m[1]}`).toString(16), sym, type });
  }
  return sections;
}
