/**
 * Mach-O, thin and fat (universal), bounds-checked for untrusted input.
 *
 * Specs: Apple `<mach-o/loader.h>`, `<mach-o/fat.h>`, `<mach-o/nlist.h>`,
 * `<mach/machine.h>` (apple-oss-distributions/xnu EXTERNAL_HEADERS/mach-o and
 * osfmk/mach/machine.h), code signing in xnu `osfmk/kern/cs_blobs.h` and
 * TN2206 (https://developer.apple.com/library/archive/technotes/tn2206/).
 * Structure offsets: ../../../../shared/reference/notes/binary-formats.md.
 *
 * ```ts
 * import { withFile } from '../source.ts';
 * import { parseMachO } from './parse.ts';
 * const m = withFile('fsevents.node', parseMachO);
 * for (const s of m.slices) console.log(s.arch, s.dylibs.map((d) => d.name), s.codeSignature?.codeDirectories[0]?.flagNames);
 * // x86_64 [ '/System/Library/Frameworks/CoreFoundation.framework/...', ... ] undefined
 * // arm64  [ ... ] [ 'ADHOC', 'LINKER_SIGNED' ]
 * ```
 *
 * Offsets: each slice is parsed through `windowSource(src, offset, size)`, so it
 * can never read its neighbour, and every offset/range inside a `MachOSlice`
 * is relative to the slice start (as Mach-O fields are); `slice.offset` is its
 * absolute position. Anomaly offsets are absolute in the source.
 *
 * Errors: a file whose (fat or thin) header is not Mach-O, a Java class file
 * (0xCAFEBABE with a count >= 45), or a fat file with no usable slice throws
 * BinaryParseError. Everything else — a load command, the symbol table, the
 * code signature, one fat slice — is an anomaly beside a partial result.
 */
import { AnomalyLog, BinaryParseError, WORK_BUDGET_EXCEEDED } from '../errors.ts';
import { Budget, Reader } from '../reader.ts';
import { windowSource, type ByteSource } from '../source.ts';
import { LC_CODE_SIGNATURE } from './constants.ts';
import { isFatMagic, parseFatHeader } from './fat.ts';
import { isThinMagic, parseMachHeader } from './header.ts';
import { parseLoadCommands } from './load-commands.ts';
import { parseSymbols } from './symbols.ts';
import { parseCodeSignature } from './code-signature.ts';
import type { MachOFile, MachOSlice, ByteRange } from './types.ts';

export type * from './types.ts';

export interface MachOParseOptions {
  /**
   * Which defined symbols to list (undefined ones always are), by the name as
   * stored (C symbols carry a leading '_'); the rest are counted in each
   * slice's `omittedDefinedSymbols`. Default: all.
   */
  keepDefinedSymbol?: (name: string) => boolean;
}

export function parseMachO(src: ByteSource, options: MachOParseOptions = {}): MachOFile {
  const budget = Budget.forSize(src.size, 'macho');
  const top = new Reader(src, 'macho', false, budget);
  const log = new AnomalyLog();
  const magic = top.view(0, 4, 'magic', false).u32(0);

  if (isFatMagic(magic)) {
    const fat = parseFatHeader(top, log);
    const slices: MachOSlice[] = [];
    let lastError: BinaryParseError | null = null;
    fat.arches.forEach((a, i) => {
      if (!a.valid) return;
      const sliceLog = new AnomalyLog();
      try {
        const slice = parseSlice(windowSource(src, a.offset, a.size), a.offset, budget, sliceLog, options);
        if (slice.cputype !== a.cputype || slice.cpusubtype !== a.cpusubtype) {
          sliceLog.add(0, 'macho.fat.arch-mismatch', `fat_arch ${i} says ${a.cputypeName}/${a.cpusubtype} but the slice header says ${slice.cputypeName}/${slice.cpusubtype}`);
        }
        slices.push(slice);
      } catch (e) {
        if (!(e instanceof BinaryParseError) || e.reason === WORK_BUDGET_EXCEEDED) throw e;
        lastError = e;
        a.valid = false;
        sliceLog.add(e.offset, 'macho.fat.slice', `fat_arch ${i} (${a.arch}) skipped: ${e.reason}`);
      }
      for (const an of sliceLog.list()) log.add(an.offset + a.offset, an.code, an.message);
    });
    if (slices.length === 0) {
      const e = lastError as BinaryParseError | null;
      top.fail(e ? e.offset : 0, `no fat slice could be parsed${e ? ` (last: ${e.reason})` : ''}`);
    }
    return { format: 'macho', fat, slices, anomalies: log.list() };
  }
  if (!isThinMagic(magic)) top.fail(0, `not a Mach-O file: magic 0x${magic.toString(16).padStart(8, '0')}`);
  const slice = parseSlice(src, 0, budget, log, options);
  return { format: 'macho', fat: null, slices: [slice], anomalies: log.list() };
}

/**
 * One thin Mach-O image. `src` starts at the slice; `base` is its absolute
 * offset (recorded, not used for reading). Anomalies go to `log` with
 * slice-relative offsets.
 */
function parseSlice(src: ByteSource, base: number, budget: Budget, log: AnomalyLog, options: MachOParseOptions): MachOSlice {
  const reader = new Reader(src, 'macho', true, budget);
  const header = parseMachHeader(reader);
  const lc = parseLoadCommands(reader, header, log);
  const size = reader.size;

  const inSlice = (r: ByteRange) => r.offset + r.length <= size;
  const check = (r: ByteRange, code: string, what: string, at: number) => {
    if (!inSlice(r)) log.add(at, code, `${what}: ${r.length} bytes at 0x${r.offset.toString(16)} run past the end of the ${size}-byte slice`);
  };
  lc.segments.forEach((s) => {
    check({ offset: s.fileoff, length: s.filesize }, 'macho.segment.outside', `segment ${s.segname}`, s.fileoff);
  });
  for (const d of lc.linkeditData) {
    check(d.range, 'macho.linkedit.outside', d.name, d.range.offset);
  }
  if (lc.dyldInfo) {
    for (const [k, r] of Object.entries(lc.dyldInfo)) if (typeof r === 'object') check(r, 'macho.dyldinfo.outside', `dyld info ${k}`, r.offset);
  }
  if (lc.encryption) {
    check({ offset: lc.encryption.cryptoff, length: lc.encryption.cryptsize }, 'macho.encryption.outside', 'encrypted range', lc.encryption.cryptoff);
  }

  let symbols: MachOSlice['symbols'] = [];
  let stabCount = 0;
  let omittedDefinedSymbols = 0;
  if (lc.symtab) {
    const st = lc.symtab;
    const table = log.attempt('macho.symtab', () => parseSymbols(reader, header, st, lc.ordinalNames, log, options.keepDefinedSymbol));
    if (table) ({ symbols, stabCount, omitted: omittedDefinedSymbols } = table);
  }

  let codeSignature: MachOSlice['codeSignature'] = null;
  const sigCmd = lc.linkeditData.find((d) => d.cmd === LC_CODE_SIGNATURE);
  if (sigCmd) {
    codeSignature = log.attempt('macho.codesig', () => parseCodeSignature(reader, sigCmd.range, log)) ?? null;
    const linkedit = lc.segments.find((s) => s.segname === '__LINKEDIT');
    const end = sigCmd.range.offset + sigCmd.range.length;
    if (linkedit && end !== linkedit.fileoff + linkedit.filesize) {
      log.add(sigCmd.range.offset, 'macho.codesig.not-at-end', `the code signature ends at 0x${end.toString(16)}, not at the end of __LINKEDIT (0x${(linkedit.fileoff + linkedit.filesize).toString(16)})`);
    }
  }

  return {
    offset: base,
    size,
    magic: header.magic,
    bits: header.bits,
    endianness: header.endianness,
    cputype: header.cputype,
    cputypeName: header.cputypeName,
    cpusubtype: header.cpusubtype,
    cpusubtypeName: header.cpusubtypeName,
    capabilities: header.capabilities,
    arch: header.arch,
    filetype: header.filetype,
    filetypeName: header.filetypeName,
    ncmds: header.ncmds,
    sizeofcmds: header.sizeofcmds,
    flags: header.flags,
    flagNames: header.flagNames,
    loadCommands: lc.loadCommands,
    dylibs: lc.dylibs,
    id: lc.id,
    rpaths: lc.rpaths,
    dylinker: lc.dylinker,
    buildVersions: lc.buildVersions,
    versionMins: lc.versionMins,
    uuid: lc.uuid,
    sourceVersion: lc.sourceVersion,
    segments: lc.segments,
    entry: lc.entry,
    encryption: lc.encryption,
    dyldInfo: lc.dyldInfo,
    linkeditData: lc.linkeditData,
    symtab: lc.symtab,
    dysymtab: lc.dysymtab,
    symbols,
    stabCount,
    omittedDefinedSymbols,
    codeSignature,
  };
}
