/**
 * Load commands: the list after the mach header, and the commands we decode.
 * Spec: `<mach-o/loader.h>` (struct load_command and each *_command).
 *
 * The list is read as ONE view of `sizeofcmds` bytes (cut to the file, with an
 * anomaly). `ncmds` is capped by `sizeofcmds / 8` — the smallest command — so a
 * forged count cannot drive the loop; a `cmdsize` below 8 or beyond the list
 * stops the walk (the next command's position is unknowable). Every command
 * read is listed; each decoder runs on a view of exactly `cmdsize` bytes inside
 * `log.attempt`, so one bad command is an anomaly beside the rest.
 */
import type { AnomalyLog } from '../errors.ts';
import { toHex, type Reader, type View } from '../reader.ts';
import {
  DYLIB_LOAD_KINDS,
  LC_BUILD_VERSION,
  LC_CODE_SIGNATURE,
  LC_DYLD_INFO,
  LC_DYLD_INFO_ONLY,
  LC_DYSYMTAB,
  LC_ENCRYPTION_INFO,
  LC_ENCRYPTION_INFO_64,
  LC_ID_DYLIB,
  LC_LOAD_DYLINKER,
  LC_MAIN,
  LC_REQ_DYLD,
  LC_RPATH,
  LC_SEGMENT,
  LC_SEGMENT_64,
  LC_SOURCE_VERSION,
  LC_SYMTAB,
  LC_UUID,
  LINKEDIT_DATA_COMMANDS,
  VERSION_MIN_KINDS,
  formatSourceVersion,
  formatVersion,
  isKnownLoadCommand,
  loadCommandName,
  platformName,
  sectionAttributeNames,
  sectionTypeName,
  SECTION_TYPE_MASK,
  segmentFlagNames,
  toolName,
  vmProtName,
} from './constants.ts';
import type { MachHeader } from './header.ts';
import type {
  BuildVersion,
  DylibId,
  MachOSlice,
  Section,
  Segment,
} from './types.ts';

/** Everything the load commands say, before the tables they point to are read. */
/** What the load commands say, as the slice reports it, plus the install name of each library ordinal. */
export type LoadCommandInfo = Pick<
  MachOSlice,
  | 'loadCommands' | 'dylibs' | 'id' | 'rpaths' | 'dylinker' | 'buildVersions' | 'versionMins' | 'uuid' | 'sourceVersion'
  | 'segments' | 'entry' | 'encryption' | 'dyldInfo' | 'linkeditData' | 'symtab' | 'dysymtab'
> & {
  /** Install name per library ordinal (index 0 = ordinal 1); null where the command was unreadable. */
  ordinalNames: (string | null)[];
};

const LOAD_COMMAND_HEADER = 8;
/**
 * Load commands of real images take kilobytes (a few hundred KB for the largest
 * frameworks); a larger sizeofcmds is only read this far, so a forged value
 * never pulls a whole multi-gigabyte file into memory.
 */
export const MAX_SIZEOFCMDS = 16 << 20;
/** Real images have tens to a few hundred load commands; more are not read (each may cost an anomaly). */
export const MAX_LOAD_COMMANDS = 16384;

/** Minimum sizes of the fixed part of each decoded command. */
const SIZES = {
  dylib: 24,
  dylinker: 12,
  rpath: 12,
  uuid: 24,
  versionMin: 16,
  buildVersion: 24,
  buildTool: 8,
  segment: 56,
  segment64: 72,
  section: 68,
  section64: 80,
  symtab: 24,
  dysymtab: 80,
  entry: 24,
  encryption: 20,
  encryption64: 24,
  dyldInfo: 48,
  linkeditData: 16,
  sourceVersion: 16,
} as const;

export function parseLoadCommands(reader: Reader, header: MachHeader, log: AnomalyLog): LoadCommandInfo {
  const info: LoadCommandInfo = {
    loadCommands: [],
    dylibs: [],
    ordinalNames: [],
    id: null,
    rpaths: [],
    dylinker: null,
    buildVersions: [],
    versionMins: [],
    uuid: null,
    sourceVersion: null,
    segments: [],
    entry: null,
    encryption: null,
    dyldInfo: null,
    linkeditData: [],
    symtab: null,
    dysymtab: null,
  };
  const start = header.headerSize;
  let sizeofcmds = header.sizeofcmds;
  const avail = reader.size - start;
  if (sizeofcmds > avail) {
    log.add(20, 'macho.header.sizeofcmds', `sizeofcmds ${sizeofcmds} runs past the end of the ${reader.size}-byte slice; reading the ${avail} bytes present`);
    sizeofcmds = avail;
  }
  if (sizeofcmds > MAX_SIZEOFCMDS) {
    log.add(20, 'macho.header.sizeofcmds', `sizeofcmds ${sizeofcmds} is larger than any real image's load commands; reading the first ${MAX_SIZEOFCMDS} bytes`);
    sizeofcmds = MAX_SIZEOFCMDS;
  }
  const region = reader.view(start, sizeofcmds, 'load commands');
  const maxCmds = Math.floor(sizeofcmds / LOAD_COMMAND_HEADER);
  let ncmds = header.ncmds;
  if (ncmds > maxCmds) {
    log.add(16, 'macho.header.ncmds', `ncmds ${ncmds} cannot fit in ${sizeofcmds} bytes of load commands (at most ${maxCmds})`);
    ncmds = maxCmds;
  }
  if (ncmds > MAX_LOAD_COMMANDS) {
    log.add(16, 'macho.header.ncmds', `ncmds ${ncmds} is more than any real image has; reading the first ${MAX_LOAD_COMMANDS} load commands`);
    ncmds = MAX_LOAD_COMMANDS;
  }
  const align = header.bits === 64 ? 8 : 4;
  const seen = new Set<number>();
  const duplicates = new Map<number, { offset: number; count: number }>();
  let off = 0;
  for (let i = 0; i < ncmds; i++) {
    reader.spend(1, start + off);
    if (off + LOAD_COMMAND_HEADER > region.length) {
      log.add(start + off, 'macho.lc.truncated', `load command ${i} of ${ncmds} does not fit in sizeofcmds`);
      break;
    }
    const cmd = region.u32(off);
    const cmdsize = region.u32(off + 4);
    const name = loadCommandName(cmd);
    if (cmdsize < LOAD_COMMAND_HEADER) {
      log.add(start + off + 4, 'macho.lc.cmdsize', `load command ${i} (${name}) has cmdsize ${cmdsize} < 8; the walk stops here`);
      break;
    }
    if (cmdsize > region.length - off) {
      log.add(start + off + 4, 'macho.lc.cmdsize', `load command ${i} (${name}) cmdsize ${cmdsize} runs past sizeofcmds (${region.length - off} bytes left)`);
      break;
    }
    if (cmdsize % align !== 0) {
      log.add(start + off + 4, 'macho.lc.misaligned', `load command ${i} (${name}) cmdsize ${cmdsize} is not a multiple of ${align}`);
    }
    info.loadCommands.push({ cmd, name, offset: start + off, size: cmdsize });
    if (!isKnownLoadCommand(cmd) && (cmd & LC_REQ_DYLD) !== 0) {
      log.add(start + off, 'macho.lc.unknown-required', `unknown load command 0x${cmd.toString(16)} has LC_REQ_DYLD set: dyld refuses to load this image`);
    }
    const v = region.sub(off, cmdsize);
    const single = SINGLETONS.has(cmd);
    if (single && seen.has(cmd)) {
      const d = duplicates.get(cmd);
      if (d) d.count++;
      else duplicates.set(cmd, { offset: start + off, count: 1 });
    } else {
      if (single) seen.add(cmd);
      decodeCommand(cmd, name, v, header, info, reader, log);
    }
    off += cmdsize;
  }
  for (const [cmd, d] of duplicates) {
    log.add(d.offset, 'macho.lc.duplicate', `${d.count} more ${loadCommandName(cmd)} after the first: ignored (dyld rejects images with more than one)`);
  }
  return info;
}

/** Commands an image may carry at most once (dyld's checks); later copies are reported and ignored. */
const SINGLETONS = new Set([
  LC_ID_DYLIB,
  LC_UUID,
  LC_SYMTAB,
  LC_DYSYMTAB,
  LC_MAIN,
  LC_CODE_SIGNATURE,
  LC_LOAD_DYLINKER,
  LC_SOURCE_VERSION,
  LC_ENCRYPTION_INFO,
  LC_ENCRYPTION_INFO_64,
]);

function decodeCommand(cmd: number, name: string, v: View, header: MachHeader, info: LoadCommandInfo, reader: Reader, log: AnomalyLog): void {
  const code = `macho.lc.${name}`;
  const kind = DYLIB_LOAD_KINDS[cmd];
  if (kind !== undefined) {
    // The ordinal slot exists even when the command is unreadable, so later ordinals keep their meaning.
    const slot = info.ordinalNames.push(null) - 1;
    log.attempt(code, () => {
      const d = dylibCommand(v, name);
      info.dylibs.push({ kind, ...d });
      info.ordinalNames[slot] = d.name;
    });
    return;
  }
  if (VERSION_MIN_KINDS[cmd] !== undefined) {
    const vk = VERSION_MIN_KINDS[cmd];
    log.attempt(code, () => {
      need(v, SIZES.versionMin, name);
      info.versionMins.push({ kind: vk, version: formatVersion(v.u32(8)), sdk: formatVersion(v.u32(12)) });
    });
    return;
  }
  if (LINKEDIT_DATA_COMMANDS.has(cmd)) {
    log.attempt(code, () => {
      need(v, SIZES.linkeditData, name);
      info.linkeditData.push({ cmd, name, range: { offset: v.u32(8), length: v.u32(12) } });
    });
    return;
  }
  switch (cmd) {
    case LC_ID_DYLIB:
      log.attempt(code, () => {
        info.id = dylibCommand(v, name);
      });
      return;
    case LC_RPATH:
      log.attempt(code, () => {
        need(v, SIZES.rpath, name);
        info.rpaths.push(lcStr(v, 8, SIZES.rpath));
      });
      return;
    case LC_LOAD_DYLINKER:
      log.attempt(code, () => {
        need(v, SIZES.dylinker, name);
        info.dylinker = lcStr(v, 8, SIZES.dylinker);
      });
      return;
    case LC_UUID:
      log.attempt(code, () => {
        need(v, SIZES.uuid, name);
        const h = toHex(v.slice(8, 16)).toUpperCase();
        info.uuid = `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
      });
      return;
    case LC_SOURCE_VERSION:
      log.attempt(code, () => {
        need(v, SIZES.sourceVersion, name);
        const lo = v.u32(header.endianness === 'little' ? 8 : 12);
        const hi = v.u32(header.endianness === 'little' ? 12 : 8);
        info.sourceVersion = formatSourceVersion(hi, lo);
      });
      return;
    case LC_BUILD_VERSION:
      log.attempt(code, () => {
        info.buildVersions.push(buildVersion(v, name, reader, log));
      });
      return;
    case LC_SEGMENT:
    case LC_SEGMENT_64:
      log.attempt(code, () => {
        info.segments.push(segment(v, cmd === LC_SEGMENT_64, name, reader, log));
      });
      return;
    case LC_SYMTAB:
      log.attempt(code, () => {
        need(v, SIZES.symtab, name);
        info.symtab = { symoff: v.u32(8), nsyms: v.u32(12), stroff: v.u32(16), strsize: v.u32(20) };
      });
      return;
    case LC_DYSYMTAB:
      log.attempt(code, () => {
        need(v, SIZES.dysymtab, name);
        info.dysymtab = {
          ilocalsym: v.u32(8),
          nlocalsym: v.u32(12),
          iextdefsym: v.u32(16),
          nextdefsym: v.u32(20),
          iundefsym: v.u32(24),
          nundefsym: v.u32(28),
          indirectsymoff: v.u32(56),
          nindirectsyms: v.u32(60),
        };
      });
      return;
    case LC_MAIN:
      log.attempt(code, () => {
        need(v, SIZES.entry, name);
        info.entry = { entryoff: v.u64(8), stacksize: v.u64(16) };
      });
      return;
    case LC_ENCRYPTION_INFO:
    case LC_ENCRYPTION_INFO_64:
      log.attempt(code, () => {
        need(v, cmd === LC_ENCRYPTION_INFO_64 ? SIZES.encryption64 : SIZES.encryption, name);
        if (info.encryption !== null) v.fail(0, `second encryption info command (${name}): ignored`);
        const cryptid = v.u32(16);
        info.encryption = { cmd, cryptoff: v.u32(8), cryptsize: v.u32(12), cryptid, encrypted: cryptid !== 0 };
      });
      return;
    case LC_DYLD_INFO:
    case LC_DYLD_INFO_ONLY:
      log.attempt(code, () => {
        need(v, SIZES.dyldInfo, name);
        if (info.dyldInfo !== null) v.fail(0, `second dyld info command (${name}): ignored`);
        const r = (o: number) => ({ offset: v.u32(o), length: v.u32(o + 4) });
        info.dyldInfo = { cmd, rebase: r(8), bind: r(16), weakBind: r(24), lazyBind: r(32), export: r(40) };
      });
      return;
    default:
      return;
  }
}

function need(v: View, size: number, name: string): void {
  if (v.length < size) v.fail(4, `${name}: cmdsize ${v.length} is smaller than the ${size}-byte command`);
}

/**
 * An `lc_str`: a u32 offset from the start of the command, which must point
 * past the command's fixed fields and inside cmdsize; the string must end
 * (NUL) inside the command.
 */
function lcStr(v: View, field: number, fixedSize: number): string {
  const off = v.u32(field);
  if (off < fixedSize || off >= v.length) v.fail(field, `lc_str offset ${off} is outside [${fixedSize}, ${v.length}) of its command`);
  return v.cstr(off, v.length - off);
}

function dylibCommand(v: View, name: string): DylibId {
  need(v, SIZES.dylib, name);
  return {
    name: lcStr(v, 8, SIZES.dylib),
    timestamp: v.u32(12),
    currentVersion: formatVersion(v.u32(16)),
    compatibilityVersion: formatVersion(v.u32(20)),
  };
}

function buildVersion(v: View, name: string, reader: Reader, log: AnomalyLog): BuildVersion {
  need(v, SIZES.buildVersion, name);
  const platform = v.u32(8);
  let ntools = v.u32(20);
  const fits = Math.floor((v.length - SIZES.buildVersion) / SIZES.buildTool);
  if (ntools > fits) {
    log.add(v.base + 20, 'macho.lc.LC_BUILD_VERSION', `ntools ${ntools} but only ${fits} fit in cmdsize ${v.length}`);
    ntools = fits;
  }
  const tools = [];
  for (let i = 0; i < ntools; i++) {
    reader.spend(1, v.base);
    const o = SIZES.buildVersion + i * SIZES.buildTool;
    const tool = v.u32(o);
    tools.push({ tool, toolName: toolName(tool), version: formatVersion(v.u32(o + 4)) });
  }
  return { platform, platformName: platformName(platform), minos: formatVersion(v.u32(12)), sdk: formatVersion(v.u32(16)), tools };
}

function segment(v: View, is64: boolean, name: string, reader: Reader, log: AnomalyLog): Segment {
  const segSize = is64 ? SIZES.segment64 : SIZES.segment;
  const sectSize = is64 ? SIZES.section64 : SIZES.section;
  need(v, segSize, name);
  const w = (o32: number, o64: number) => (is64 ? v.u64(o64) : v.u32(o32));
  const maxprot = v.u32(is64 ? 56 : 40);
  const initprot = v.u32(is64 ? 60 : 44);
  const nsectsRaw = v.u32(is64 ? 64 : 48);
  const flags = v.u32(is64 ? 68 : 52);
  const seg: Segment = {
    segname: v.fixedStr(8, 16),
    vmaddr: w(24, 24),
    vmsize: w(28, 32),
    fileoff: w(32, 40),
    filesize: w(36, 48),
    maxprot,
    maxprotName: vmProtName(maxprot),
    initprot,
    initprotName: vmProtName(initprot),
    nsects: nsectsRaw,
    flags,
    flagNames: segmentFlagNames(flags),
    sections: [],
  };
  const fits = Math.floor((v.length - segSize) / sectSize);
  let nsects = nsectsRaw;
  if (nsects > fits) {
    log.add(v.base + (is64 ? 64 : 48), `macho.lc.${name}`, `segment ${seg.segname}: nsects ${nsects} but only ${fits} sections fit in cmdsize ${v.length}`);
    nsects = fits;
  }
  for (let i = 0; i < nsects; i++) {
    reader.spend(1, v.base);
    const s = v.sub(segSize + i * sectSize, sectSize);
    const sw = (o32: number, o64: number) => (is64 ? s.u64(o64) : s.u32(o32));
    const o = is64 ? 48 : 40;
    const sflags = s.u32(o + 16);
    const type = sflags & SECTION_TYPE_MASK;
    const section: Section = {
      sectname: s.fixedStr(0, 16),
      segname: s.fixedStr(16, 16),
      addr: sw(32, 32),
      size: sw(36, 40),
      offset: s.u32(o),
      align: s.u32(o + 4),
      reloff: s.u32(o + 8),
      nreloc: s.u32(o + 12),
      flags: sflags,
      type,
      typeName: sectionTypeName(type),
      attributeNames: sectionAttributeNames(sflags),
      reserved1: s.u32(o + 20),
      reserved2: s.u32(o + 24),
    };
    seg.sections.push(section);
  }
  return seg;
}
