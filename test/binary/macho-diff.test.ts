/**
 * Differential test: parseMachO against LLVM 14's own Mach-O dumpers on every
 * fixture, field by field, with exact equality.
 *
 * - `llvm-objdump --macho --private-headers --arch=all`: the mach header (run
 *   once more with `--non-verbose` for the raw numbers) and every load command
 *   (name, cmdsize and the fields of the ones we decode);
 * - `llvm-objdump --macho --universal-headers`: the fat header and arches;
 * - `llvm-nm -m -p --arch=all`: every non-STAB symbol in table order (name,
 *   value, section, external / private / weak, the library it binds to);
 * - `llvm-readobj --needed-libs`: the dylib names.
 *
 * Tool quirks handled here (each is LLVM's output format, not ours):
 * - on a fat file llvm-objdump and llvm-nm dump only the host's slice unless
 *   given `--arch=all`; each slice then starts with "<file> (architecture X):";
 * - versions in LC_BUILD_VERSION / LC_VERSION_MIN_* drop a zero patch ("11.0")
 *   and print an SDK of 0 as "n/a"; dylib versions always have three parts;
 * - flag, filetype, attribute and cputype names are printed without their
 *   MH_ / S_ATTR_ / CPU_TYPE_ prefixes in --private-headers (except
 *   MH_HAS_TLV_DESCRIPTORS and MH_NO_HEAP_EXECUTION, as otool prints them) (but with them in
 *   --universal-headers); an unknown load command prints as "?(0x000000nn)";
 * - llvm-nm names a library by its "short name" (libSystem for
 *   /usr/lib/libSystem.B.dylib: the basename without .dylib and without a
 *   version suffix after the first dot; Foo for Foo.framework/Versions/A/Foo);
 * - the verbose header prints capabilities 0x80 as "LIB64" whatever the CPU
 *   (on arm64e the same bit means PTRAUTH_ABI);
 * - llvm-objdump 14 does not know SG_READ_ONLY and prints "0x00000010 (unknown flags)";
 * - `llvm-readobj --needed-libs` lists LC_ID_DYLIB too, sorted, with duplicates.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { withFile } from '../../src/binary/source.ts';
import { parseMachO, type MachOFile, type MachOSlice, type MachOSymbol } from '../../src/binary/macho/parse.ts';
import { machoFixtures } from '../fixtures/macho.ts';
import { toolPath } from '../support/fixture-builder.ts';

const LLVM = '/usr/lib/llvm-14/bin';

function run(tool: string, args: string[]): string {
  return execFileSync(toolPath(`${LLVM}/${tool}`), args, { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' }, maxBuffer: 64 << 20 });
}

// ---------------------------------------------------------------------------
// llvm-objdump --private-headers

interface DumpCommand {
  fields: [string, string][];
  sections: [string, string][][];
}
interface DumpSlice {
  arch: string | null;
  header: string[];
  commands: DumpCommand[];
}

const MULTI_WORD_KEYS = ['time stamp', 'current version', 'compatibility version'];

function splitLine(line: string): [string, string] {
  const t = line.trim();
  for (const k of MULTI_WORD_KEYS) if (t.startsWith(`${k} `)) return [k, t.slice(k.length + 1)];
  const sp = t.indexOf(' ');
  return sp < 0 ? [t, ''] : [t.slice(0, sp), t.slice(sp + 1).trim()];
}

function parsePrivateHeaders(text: string): DumpSlice[] {
  const slices: DumpSlice[] = [];
  const lines = text.split('\n');
  let cur: DumpSlice | null = null;
  let cmd: DumpCommand | null = null;
  let section: [string, string][] | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (line === '') continue;
    const archHead = /^\S.* \(architecture (\S+)\):$/.exec(line);
    if (archHead || (/^\S.*:$/.test(line) && lines[i + 1] === 'Mach header')) {
      cur = { arch: archHead ? archHead[1]! : null, header: [], commands: [] };
      slices.push(cur);
      cmd = null;
      continue;
    }
    if (!cur) continue;
    if (line === 'Mach header') {
      cur.header = lines[i + 2]!.trim().split(/\s+/);
      i += 2;
      continue;
    }
    if (/^Load command \d+$/.test(line)) {
      cmd = { fields: [], sections: [] };
      cur.commands.push(cmd);
      section = null;
      continue;
    }
    if (!cmd) continue;
    if (line === 'Section') {
      section = [];
      cmd.sections.push(section);
      continue;
    }
    (section ?? cmd.fields).push(splitLine(line));
  }
  return slices;
}

function field(fields: [string, string][], key: string, nth = 0): string {
  const all = fields.filter(([k]) => k === key);
  const f = all[nth];
  assert.ok(f, `llvm-objdump output has no field '${key}' (#${nth}) in ${JSON.stringify(fields)}`);
  return f[1];
}

/** What llvm-objdump prints for an x.y.z version in LC_BUILD_VERSION / LC_VERSION_MIN_*. */
function llvmShortVersion(v: string, isSdk: boolean): string {
  if (isSdk && v === '0.0.0') return 'n/a';
  const [a, b, c] = v.split('.');
  return c === '0' ? `${a}.${b}` : v;
}

const stripPrefix = (names: string[], prefix: string) => names.map((n) => (n.startsWith(prefix) ? n.slice(prefix.length) : n));
const namesOrNone = (names: string[]) => (names.length === 0 ? '(none)' : names.join(' '));
const hex = (s: string) => Number(BigInt(s));
/** Header flags llvm-objdump (like otool) prints with their MH_ prefix. */
const KEEPS_MH_PREFIX = new Set(['MH_HAS_TLV_DESCRIPTORS', 'MH_NO_HEAP_EXECUTION']);

/** llvm-objdump 14 knows four segment flags; the rest (SG_READ_ONLY, from macOS 12 SDKs) it prints as hex. */
function llvmSegmentFlags(flags: number): string {
  const known: [number, string][] = [[1, 'HIGHVM'], [2, 'FVMLIB'], [4, 'NORELOC'], [8, 'PROTECTED_VERSION_1']];
  const names = known.filter(([b]) => flags & b).map(([, n]) => n);
  const rest = flags & ~0xf;
  if (rest !== 0) names.push(`0x${rest.toString(16).padStart(8, '0')} (unknown flags)`);
  return namesOrNone(names);
}

/** Our own names must account for every bit. */
function segmentFlagNamesFrom(flags: number): string[] {
  const all: [number, string][] = [[1, 'SG_HIGHVM'], [2, 'SG_FVMLIB'], [4, 'SG_NORELOC'], [8, 'SG_PROTECTED_VERSION_1'], [0x10, 'SG_READ_ONLY']];
  const names = all.filter(([b]) => flags & b).map(([, n]) => n);
  if (flags & ~0x1f) names.push(`0x${(flags & ~0x1f).toString(16)}`);
  return names;
}
const strOffset = (s: string) => s.replace(/ \(offset \d+\)$/, '');

function compareSlice(where: string, mine: MachOSlice, verbose: DumpSlice, raw: DumpSlice): number {
  let n = 0;
  const eq = (actual: unknown, expected: unknown, what: string) => {
    assert.deepEqual(actual, expected, `${where}: ${what}`);
    n++;
  };
  // Header. Verbose: magic cputype cpusubtype caps filetype ncmds sizeofcmds flags...
  const [vmagic, vcpu, , vcaps, vfiletype, vncmds, vsizeofcmds, ...vflags] = verbose.header;
  const [, rcpu, rsub, rcaps, rfiletype, , , rflags] = raw.header;
  eq(mine.magic, vmagic, 'magic');
  eq(mine.cputype, Number(rcpu), 'cputype');
  eq(stripPrefix([mine.cputypeName], 'CPU_TYPE_')[0], vcpu === 'I386' ? 'I386' : vcpu, 'cputype name');
  eq(mine.cpusubtype, Number(rsub), 'cpusubtype (masked)');
  eq(mine.capabilities, hex(rcaps!), 'capabilities');
  eq(mine.capabilities === 0x80 ? 'LIB64' : `0x${mine.capabilities.toString(16).padStart(2, '0')}`, vcaps, 'capabilities (verbose)');
  eq(mine.filetype, Number(rfiletype), 'filetype');
  eq(stripPrefix([mine.filetypeName], 'MH_')[0], vfiletype, 'filetype name');
  eq(mine.ncmds, Number(vncmds), 'ncmds');
  eq(mine.sizeofcmds, Number(vsizeofcmds), 'sizeofcmds');
  eq(mine.flags, hex(rflags!), 'flags');
  eq(mine.flagNames.map((f) => (KEEPS_MH_PREFIX.has(f) ? f : f.replace(/^MH_/, ''))), vflags, 'flag names');

  // Load commands, one by one.
  eq(mine.loadCommands.length, verbose.commands.length, 'number of load commands');
  const dylibs = [...mine.dylibs];
  const rpaths = [...mine.rpaths];
  const builds = [...mine.buildVersions];
  const mins = [...mine.versionMins];
  const segments = [...mine.segments];
  const linkedit = [...mine.linkeditData];
  mine.loadCommands.forEach((lc, i) => {
    const d = verbose.commands[i]!;
    const f = d.fields;
    const w = `load command ${i} (${lc.name})`;
    const llvmName = lc.name.startsWith('LC_UNKNOWN') ? `?(0x${lc.cmd.toString(16).padStart(8, '0')})` : lc.name;
    eq(llvmName, field(f, 'cmd'), `${w} name`);
    eq(lc.size, Number(field(f, 'cmdsize')), `${w} cmdsize`);
    switch (lc.name) {
      case 'LC_LOAD_DYLIB':
      case 'LC_LOAD_WEAK_DYLIB':
      case 'LC_REEXPORT_DYLIB':
      case 'LC_LAZY_LOAD_DYLIB':
      case 'LC_LOAD_UPWARD_DYLIB':
      case 'LC_ID_DYLIB': {
        const dl = lc.name === 'LC_ID_DYLIB' ? mine.id : dylibs.shift();
        assert.ok(dl, `${w}: parser has no dylib for it`);
        const kinds: Record<string, string> = { LC_LOAD_DYLIB: 'load', LC_LOAD_WEAK_DYLIB: 'weak', LC_REEXPORT_DYLIB: 'reexport', LC_LAZY_LOAD_DYLIB: 'lazy', LC_LOAD_UPWARD_DYLIB: 'upward' };
        if ('kind' in dl) eq(dl.kind, kinds[lc.name], `${w} kind`);
        eq(dl.name, strOffset(field(f, 'name')), `${w} name`);
        eq(dl.timestamp, Number(field(f, 'time stamp').split(' ')[0]), `${w} timestamp`);
        eq(dl.currentVersion, field(f, 'current version'), `${w} current version`);
        eq(dl.compatibilityVersion, field(f, 'compatibility version'), `${w} compatibility version`);
        break;
      }
      case 'LC_RPATH':
        eq(rpaths.shift(), strOffset(field(f, 'path')), `${w} path`);
        break;
      case 'LC_LOAD_DYLINKER':
        eq(mine.dylinker, strOffset(field(f, 'name')), `${w} name`);
        break;
      case 'LC_SOURCE_VERSION': {
        // llvm-objdump prints a.b and then only up to the last non-zero component.
        const parts = mine.sourceVersion!.split('.');
        while (parts.length > 2 && parts[parts.length - 1] === '0') parts.pop();
        eq(parts.join('.'), field(f, 'version'), `${w} version`);
        break;
      }
      case 'LC_UUID':
        eq(mine.uuid, field(f, 'uuid'), `${w} uuid`);
        break;
      case 'LC_BUILD_VERSION': {
        const b = builds.shift()!;
        eq(b.platformName, field(f, 'platform'), `${w} platform`);
        eq(llvmShortVersion(b.minos, false), field(f, 'minos'), `${w} minos`);
        eq(llvmShortVersion(b.sdk, true), field(f, 'sdk'), `${w} sdk`);
        eq(b.tools.length, Number(field(f, 'ntools')), `${w} ntools`);
        b.tools.forEach((t, k) => {
          eq(t.toolName, field(f, 'tool', k), `${w} tool ${k}`);
          eq(llvmShortVersion(t.version, false), field(f, 'version', k), `${w} tool ${k} version`);
        });
        break;
      }
      case 'LC_VERSION_MIN_MACOSX':
      case 'LC_VERSION_MIN_IPHONEOS':
      case 'LC_VERSION_MIN_TVOS':
      case 'LC_VERSION_MIN_WATCHOS': {
        const m = mins.shift()!;
        eq(`LC_VERSION_MIN_${{ macos: 'MACOSX', ios: 'IPHONEOS', tvos: 'TVOS', watchos: 'WATCHOS' }[m.kind]}`, lc.name, `${w} kind`);
        eq(llvmShortVersion(m.version, false), field(f, 'version'), `${w} version`);
        eq(llvmShortVersion(m.sdk, true), field(f, 'sdk'), `${w} sdk`);
        break;
      }
      case 'LC_CODE_SIGNATURE':
      case 'LC_FUNCTION_STARTS':
      case 'LC_DATA_IN_CODE':
      case 'LC_SEGMENT_SPLIT_INFO':
      case 'LC_DYLIB_CODE_SIGN_DRS':
      case 'LC_LINKER_OPTIMIZATION_HINT':
      case 'LC_DYLD_EXPORTS_TRIE':
      case 'LC_DYLD_CHAINED_FIXUPS': {
        const l = linkedit.shift()!;
        eq(l.name, lc.name, `${w} linkedit kind`);
        eq(l.range.offset, Number(field(f, 'dataoff')), `${w} dataoff`);
        eq(l.range.length, Number(field(f, 'datasize')), `${w} datasize`);
        if (lc.name === 'LC_CODE_SIGNATURE') eq(mine.codeSignature?.range, l.range, `${w} code signature range`);
        break;
      }
      case 'LC_SYMTAB':
        eq(mine.symtab, { symoff: Number(field(f, 'symoff')), nsyms: Number(field(f, 'nsyms')), stroff: Number(field(f, 'stroff')), strsize: Number(field(f, 'strsize')) }, `${w} fields`);
        break;
      case 'LC_DYSYMTAB': {
        const keys = ['ilocalsym', 'nlocalsym', 'iextdefsym', 'nextdefsym', 'iundefsym', 'nundefsym', 'indirectsymoff', 'nindirectsyms'] as const;
        eq(mine.dysymtab, Object.fromEntries(keys.map((k) => [k, Number(field(f, k))])), `${w} fields`);
        break;
      }
      case 'LC_MAIN':
        eq(mine.entry, { entryoff: Number(field(f, 'entryoff')), stacksize: Number(field(f, 'stacksize')) }, `${w} fields`);
        break;
      case 'LC_ENCRYPTION_INFO':
      case 'LC_ENCRYPTION_INFO_64':
        eq(mine.encryption?.cryptoff, Number(field(f, 'cryptoff')), `${w} cryptoff`);
        eq(mine.encryption?.cryptsize, Number(field(f, 'cryptsize')), `${w} cryptsize`);
        eq(mine.encryption?.cryptid, Number(field(f, 'cryptid')), `${w} cryptid`);
        break;
      case 'LC_DYLD_INFO':
      case 'LC_DYLD_INFO_ONLY': {
        const di = mine.dyldInfo!;
        const pairs = [['rebase', di.rebase], ['bind', di.bind], ['weak_bind', di.weakBind], ['lazy_bind', di.lazyBind], ['export', di.export]] as const;
        for (const [k, r] of pairs) {
          eq(r.offset, Number(field(f, `${k}_off`)), `${w} ${k}_off`);
          eq(r.length, Number(field(f, `${k}_size`)), `${w} ${k}_size`);
        }
        break;
      }
      case 'LC_SEGMENT':
      case 'LC_SEGMENT_64': {
        const s = segments.shift()!;
        eq(s.segname, field(f, 'segname'), `${w} segname`);
        eq(s.vmaddr, hex(field(f, 'vmaddr')), `${w} vmaddr`);
        eq(s.vmsize, hex(field(f, 'vmsize')), `${w} vmsize`);
        eq(s.fileoff, Number(field(f, 'fileoff')), `${w} fileoff`);
        eq(s.filesize, Number(field(f, 'filesize')), `${w} filesize`);
        eq(s.maxprotName, field(f, 'maxprot'), `${w} maxprot`);
        eq(s.initprotName, field(f, 'initprot'), `${w} initprot`);
        eq(s.nsects, Number(field(f, 'nsects')), `${w} nsects`);
        eq(llvmSegmentFlags(s.flags), field(f, 'flags'), `${w} flags`);
        eq(s.flagNames.length > 0 ? s.flagNames : [], segmentFlagNamesFrom(s.flags), `${w} flag names`);
        eq(s.sections.length, d.sections.length, `${w} sections`);
        s.sections.forEach((sec, k) => {
          const sf = d.sections[k]!;
          const sw = `${w} section ${k} (${sec.sectname})`;
          eq(sec.sectname, field(sf, 'sectname'), `${sw} sectname`);
          eq(sec.segname, field(sf, 'segname'), `${sw} segname`);
          eq(sec.addr, hex(field(sf, 'addr')), `${sw} addr`);
          eq(sec.size, hex(field(sf, 'size')), `${sw} size`);
          eq(sec.offset, Number(field(sf, 'offset')), `${sw} offset`);
          eq(`2^${sec.align}`, field(sf, 'align').split(' ')[0], `${sw} align`);
          eq(sec.reloff, Number(field(sf, 'reloff')), `${sw} reloff`);
          eq(sec.nreloc, Number(field(sf, 'nreloc')), `${sw} nreloc`);
          eq(sec.typeName, field(sf, 'type'), `${sw} type`);
          eq(namesOrNone(stripPrefix(sec.attributeNames, 'S_ATTR_')), field(sf, 'attributes'), `${sw} attributes`);
          eq(sec.reserved1, Number(field(sf, 'reserved1').split(' ')[0]), `${sw} reserved1`);
          eq(sec.reserved2, Number(field(sf, 'reserved2').split(' ')[0]), `${sw} reserved2`);
        });
        break;
      }
      default:
        break;
    }
  });
  eq(dylibs.length + rpaths.length + builds.length + mins.length + segments.length + linkedit.length, 0, 'every decoded command matched one of llvm-objdump');
  return n;
}

// ---------------------------------------------------------------------------
// llvm-objdump --universal-headers

function compareFat(where: string, m: MachOFile, text: string): number {
  const fat = m.fat!;
  const lines = text.split('\n').map((l) => l.trim());
  assert.equal(`fat_magic ${fat.magic}`, lines.find((l) => l.startsWith('fat_magic')), `${where}: fat_magic`);
  assert.equal(`nfat_arch ${fat.nfatArch}`, lines.find((l) => l.startsWith('nfat_arch')), `${where}: nfat_arch`);
  const blocks: [string, string][][] = [];
  for (const l of lines) {
    if (l.startsWith('architecture ')) blocks.push([['architecture', l.slice(13)]]);
    else if (blocks.length > 0 && l !== '') blocks[blocks.length - 1]!.push(splitLine(l));
  }
  assert.equal(fat.arches.length, blocks.length, `${where}: number of arches`);
  let n = 2;
  fat.arches.forEach((a, i) => {
    const b = blocks[i]!;
    const w = `${where}: fat arch ${i}`;
    assert.deepEqual(
      { arch: a.arch, cputype: a.cputypeName, cpusubtype: a.cpusubtypeName, capabilities: `0x${a.capabilities.toString(16)}`, offset: a.offset, size: a.size, align: `2^${a.align}` },
      {
        arch: field(b, 'architecture'),
        cputype: field(b, 'cputype'),
        cpusubtype: field(b, 'cpusubtype'),
        capabilities: field(b, 'capabilities'),
        offset: Number(field(b, 'offset')),
        size: Number(field(b, 'size')),
        align: field(b, 'align').split(' ')[0],
      },
      w,
    );
    n += 7;
  });
  return n;
}

// ---------------------------------------------------------------------------
// llvm-nm -m -p

/** llvm-nm's short library name (MachOObjectFile::guessLibraryShortName, simplified to what fixtures use). */
function shortLibraryName(installName: string): string {
  const fw = /([^/]+)\.framework\/(?:Versions\/[^/]+\/)?([^/]+)$/.exec(installName);
  if (fw && fw[1] === fw[2]) return fw[2]!;
  const base = installName.slice(installName.lastIndexOf('/') + 1).replace(/\.dylib$/, '');
  return base.replace(/\..*$/, '').replace(/_(debug|profile)$/, '');
}

function parseNmSlices(text: string): Map<string | null, string[]> {
  const out = new Map<string | null, string[]>();
  let cur: string[] = [];
  out.set(null, cur);
  for (const line of text.split('\n')) {
    const head = /\(for architecture (\S+)\):$/.exec(line);
    if (head) {
      cur = [];
      out.set(head[1]!, cur);
    } else if (line !== '') cur.push(line);
  }
  return out;
}

const NM_LINE =
  /^(?<value>[0-9a-f]+|\s+) \((?<where>[^)]*)\) (?:\(alignment 2\^\d+\) )?(?<tags>(?:\[[^\]]+\] )*)(?<weak>weak )?(?<priv>private )?(?<ext>external|non-external)(?<was> \(was a private external\))? (?<name>\S+)(?: \((?<lib>from [^)]+|dynamically looked up)\))?$/;

function compareSymbols(where: string, s: MachOSlice, lines: string[]): number {
  assert.equal(s.symbols.length, lines.length, `${where}: number of non-STAB symbols`);
  const sections = s.segments.flatMap((g) => g.sections);
  const twoLevel = s.flagNames.includes('MH_TWOLEVEL');
  s.symbols.forEach((sym: MachOSymbol, i) => {
    const line = lines[i]!;
    const m = NM_LINE.exec(line);
    assert.ok(m?.groups, `${where}: cannot read llvm-nm line '${line}'`);
    const g = m.groups;
    const w = `${where}: symbol ${i} (${sym.name})`;
    let expectWhere: string;
    if (sym.common) expectWhere = 'common';
    else if (sym.type === 'UNDF') expectWhere = 'undefined';
    else if (sym.type === 'PBUD') expectWhere = 'prebound undefined';
    else if (sym.type === 'ABS') expectWhere = 'absolute';
    else if (sym.type === 'INDR') expectWhere = 'indirect';
    else {
      const sec = sections[sym.sectionIndex - 1];
      expectWhere = sec ? `${sec.segname},${sec.sectname}` : '?,?';
    }
    const weak = sym.defined ? sym.weakDef : sym.weakRef;
    let lib: string | undefined;
    if (twoLevel && sym.libraryOrdinal !== null) {
      if (sym.libraryOrdinal === 0xfe) lib = 'dynamically looked up';
      else if (sym.libraryOrdinal === 0xff) lib = 'from executable';
      else if (sym.library !== null) lib = `from ${shortLibraryName(sym.library)}`;
    }
    const value = sym.defined || sym.common ? Number(BigInt(`0x${g.value}`)) : null;
    assert.deepEqual(
      { name: sym.name, where: expectWhere, value: sym.defined || sym.common ? sym.value : null, external: sym.external, private: sym.external && sym.privateExternal, was: !sym.external && sym.privateExternal, weak, lib },
      { name: g.name, where: g.where, value, external: g.ext === 'external', private: g.priv !== undefined, was: g.was !== undefined, weak: g.weak !== undefined, lib: g.lib },
      w,
    );
  });
  return s.symbols.length * 9;
}

// ---------------------------------------------------------------------------

test('parseMachO agrees with llvm-objdump, llvm-nm and llvm-readobj on every fixture', (t) => {
  const fixtures = machoFixtures();
  let files = 0;
  let slices = 0;
  let fields = 0;
  let symbols = 0;
  for (const [name, path] of Object.entries(fixtures)) {
    const m = withFile(path, parseMachO);
    assert.deepEqual(m.anomalies, [], `${name}: a fixture has no anomalies`);
    const verbose = parsePrivateHeaders(run('llvm-objdump', ['--macho', '--private-headers', '--arch=all', path]));
    const raw = parsePrivateHeaders(run('llvm-objdump', ['--macho', '--private-headers', '--non-verbose', '--arch=all', path]));
    const nm = parseNmSlices(run('llvm-nm', ['-m', '-p', '--arch=all', path]));
    const readobj = run('llvm-readobj', ['--needed-libs', path])
      .split(/^File: /m)
      .slice(1)
      .map((block) => (/NeededLibraries \[\n([\s\S]*?)\]/.exec(block)?.[1] ?? '').split('\n').map((l) => l.trim()).filter(Boolean));
    assert.equal(verbose.length, m.slices.length, `${name}: llvm-objdump dumps as many slices as we parse`);
    assert.equal(raw.length, m.slices.length, `${name}: non-verbose slices`);
    assert.equal(readobj.length, m.slices.length, `${name}: llvm-readobj slices`);
    if (m.fat) {
      fields += compareFat(name, m, run('llvm-objdump', ['--macho', '--universal-headers', path]));
    } else {
      assert.equal(run('llvm-objdump', ['--macho', '--universal-headers', path]).includes('fat_magic'), false, `${name}: llvm sees no fat header`);
    }
    m.slices.forEach((s, i) => {
      const where = m.fat ? `${name} [${s.arch}]` : name;
      if (m.fat) assert.equal(verbose[i]!.arch, m.fat.arches.filter((a) => a.valid)[i]!.arch, `${where}: slice order`);
      fields += compareSlice(where, s, verbose[i]!, raw[i]!);
      const symLines = m.fat ? nm.get(verbose[i]!.arch) : nm.get(null);
      assert.ok(symLines, `${where}: llvm-nm printed this slice`);
      fields += compareSymbols(where, s, symLines);
      symbols += s.symbols.length;
      const needed = [...s.dylibs.map((d) => d.name), ...(s.id ? [s.id.name] : [])].sort();
      assert.deepEqual(needed, readobj[i], `${where}: llvm-readobj --needed-libs (which includes LC_ID_DYLIB)`);
      fields++;
      slices++;
    });
    files++;
  }
  const msg = `compared ${files} Mach-O files (${slices} slices, ${symbols} symbols, ${fields} fields) with llvm-objdump / llvm-nm / llvm-readobj 14`;
  t.diagnostic(msg);
  assert.equal(files, Object.keys(fixtures).length);
});
