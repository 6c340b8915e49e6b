/**
 * The facts later checks reason with, derived from a parse in one vocabulary
 * for all three formats: which architecture, which libc, which libraries it
 * loads, the highest symbol versions it requires, the minimum OS, and what kind
 * of signature it carries. One entry per slice of a fat Mach-O, else one.
 *
 * Every fact comes from the bytes; file names are never consulted.
 */
import { Type, type Static } from 'typebox';
import { ARCHES } from './arch.ts';
import { Nullable } from '../schema.ts';
import type { ParsedBinary } from './index.ts';
import type { ElfFile } from './elf/parse.ts';
import type { MachOSlice } from './macho/parse.ts';
import type { PeFile } from './pe/parse.ts';
import { compareVersions, splitVersionName } from '../version.ts';

export const BinaryKindSchema = Type.Enum(['executable', 'shared-library', 'bundle', 'object', 'other'] as const);
export type BinaryKind = Static<typeof BinaryKindSchema>;

export const LibcSchema = Type.Enum(['glibc', 'musl', 'bionic', 'static'] as const, {
  description:
    'glibc / musl / bionic (Android) for dynamically linked ELF files; `static` for ELF files without a dynamic section; null when the bytes do not say (a library with no libc dependency, or any non-ELF file).',
});
export type Libc = Static<typeof LibcSchema>;

export const SignatureKindSchema = Type.Enum(['none', 'adhoc (linker-signed)', 'adhoc', 'cms (unverified)', 'authenticode (unverified)'] as const, {
  description:
    'As far as can be told without cryptographic verification. Mach-O: `adhoc (linker-signed)` = CS_ADHOC | CS_LINKER_SIGNED and no CMS (ld64 / lld -adhoc_codesign); `adhoc` = CS_ADHOC from codesign -s - (empty CMS blob); `cms (unverified)` = a non-empty CMS signature (Developer ID...). PE: `authenticode (unverified)` = a WIN_CERT_TYPE_PKCS_SIGNED_DATA certificate.',
});
export type SignatureKind = Static<typeof SignatureKindSchema>;

export const BinaryFactsSchema = Type.Object(
  {
    format: Type.Enum(['elf', 'macho', 'pe'] as const),
    sliceOffset: Type.Number({ description: 'Absolute offset of this slice in a fat Mach-O; 0 otherwise.' }),
    arch: Type.Enum(ARCHES),
    bits: Type.Union([Type.Literal(32), Type.Literal(64)]),
    endianness: Type.Enum(['little', 'big'] as const),
    kind: BinaryKindSchema,
    libc: Nullable(LibcSchema),
    libcEvidence: Nullable(Type.String({ description: 'Why `libc` was decided (the interpreter, a NEEDED entry, a note), for messages.' })),
    needed: Type.Array(Type.String(), { description: 'Libraries loaded at start: DT_NEEDED; every Mach-O dylib load command; PE imported and delay-imported DLLs.' }),
    delayLoaded: Type.Array(Type.String(), { description: 'PE DLLs loaded only on first call (delay imports), also listed in `needed`.' }),
    installName: Nullable(Type.String({ description: "DT_SONAME, LC_ID_DYLIB, or the PE export directory's DLL name." })),
    rpath: Type.Array(Type.String(), { description: 'ELF DT_RPATH entries, or Mach-O LC_RPATH paths.' }),
    runpath: Type.Array(Type.String(), { description: 'ELF DT_RUNPATH entries.' }),
    interpreter: Nullable(Type.String({ description: 'PT_INTERP / LC_LOAD_DYLINKER.' })),
    versionFloors: Type.Record(Type.String(), Type.String(), { description: "Highest version required per versioned family: { GLIBC: '2.34', GLIBCXX: '3.4.29', ... }." }),
    minOs: Nullable(Type.Object({ platform: Type.String(), version: Type.String() }, { description: 'Mach-O minimum OS: from LC_BUILD_VERSION, else LC_VERSION_MIN_*.' })),
    signature: SignatureKindSchema,
    teamId: Nullable(Type.String({ description: 'Mach-O CodeDirectory team id, when a CMS-signed slice carries one.' })),
    executableStack: Nullable(Type.Boolean({ description: "ELF: a PT_GNU_STACK segment marked executable (true), or no PT_GNU_STACK at all (null: the loader's default)." })),
    anomalies: Type.Number({ description: 'How many anomalies the parser reported for the file.' }),
  },
  { description: 'What a binary (or one slice of a fat Mach-O) is, in one vocabulary for ELF, Mach-O and PE.' },
);
export type BinaryFacts = Static<typeof BinaryFactsSchema>;

export function describe(bin: ParsedBinary): BinaryFacts[] {
  switch (bin.format) {
    case 'elf':
      return [describeElf(bin)];
    case 'macho':
      return bin.slices.map((s) => describeMachOSlice(s, bin.anomalies.length));
    case 'pe':
      return [describePe(bin)];
  }
}

function splitPath(list: string | null | undefined): string[] {
  return list ? list.split(':').filter((p) => p.length > 0) : [];
}

/** Highest numeric version per family among the version names a binary needs. */
export function versionFloors(names: Iterable<string>): Record<string, string> {
  const floors: Record<string, string> = {};
  for (const name of names) {
    const v = splitVersionName(name);
    if (!v) continue;
    const cur = floors[v.family];
    if (cur === undefined || compareVersions(v.version, cur) > 0) floors[v.family] = v.version;
  }
  return floors;
}

const MUSL_NEEDED = /^(libc\.so|libc\.musl-[a-z0-9_]+\.so\.1|ld-musl-[a-z0-9_]+\.so\.1)$/;
/** glibc's own libraries: GLIBC_* versions needed from these (and only these) say glibc. libgcc_s defines GLIBC_2.0 even in musl builds. */
const GLIBC_LIBS = /^(libc\.so\.6|libm\.so\.6|libpthread\.so\.0|libdl\.so\.2|librt\.so\.1|libutil\.so\.1|libresolv\.so\.2|libanl\.so\.1|libnsl\.so\.1|libmvec\.so\.1|libcrypt\.so\.1|ld-linux[^/]*\.so\.\d+|ld64\.so\.[12])$/;

/** Which C library an ELF file was linked against, and the evidence, strongest first. */
export function elfLibc(elf: ElfFile): { libc: Libc | null; evidence: string | null } {
  const interp = elf.interpreter;
  if (interp?.includes('ld-musl')) return { libc: 'musl', evidence: `interpreter ${interp}` };
  if (interp?.includes('/system/bin/linker')) return { libc: 'bionic', evidence: `interpreter ${interp}` };
  if (elf.notes.some((n) => n.name === 'Android')) return { libc: 'bionic', evidence: 'Android note (.note.android.ident)' };
  if (interp && /\/ld-linux|\/ld\.so|\/ld64\.so/.test(interp)) return { libc: 'glibc', evidence: `interpreter ${interp}` };
  const needed = elf.dynamic?.needed ?? [];
  const musl = needed.find((n) => MUSL_NEEDED.test(n));
  if (musl) return { libc: 'musl', evidence: `NEEDED ${musl}` };
  if (needed.includes('libc.so.6')) return { libc: 'glibc', evidence: 'NEEDED libc.so.6' };
  const versions = elf.versionNeeds.find((n) => GLIBC_LIBS.test(n.file) && n.versions.some((v) => v.name.startsWith('GLIBC_')));
  if (versions) return { libc: 'glibc', evidence: `GLIBC_* versions needed from ${versions.file}` };
  const glibc = needed.find((n) => GLIBC_LIBS.test(n) && !n.startsWith('ld64'));
  if (glibc) return { libc: 'glibc', evidence: `NEEDED ${glibc}` };
  if (!elf.dynamic && elf.header.typeName !== 'REL') return { libc: 'static', evidence: 'no dynamic section' };
  return { libc: null, evidence: null };
}

function elfKind(elf: ElfFile): BinaryKind {
  switch (elf.header.typeName) {
    case 'EXEC':
      return 'executable';
    case 'DYN':
      // A PIE executable is ET_DYN with an interpreter (or DF_1_PIE for static-pie);
      // a library that can also be run (libc.so.6) keeps its SONAME.
      if (elf.dynamic?.soname) return 'shared-library';
      return elf.interpreter || elf.dynamic?.flags1Names.includes('PIE') ? 'executable' : 'shared-library';
    case 'REL':
      return 'object';
    default:
      return 'other';
  }
}

function describeElf(elf: ElfFile): BinaryFacts {
  const { libc, evidence } = elfLibc(elf);
  return {
    format: 'elf',
    sliceOffset: 0,
    arch: elf.header.arch,
    bits: elf.header.class,
    endianness: elf.header.endianness,
    kind: elfKind(elf),
    libc,
    libcEvidence: evidence,
    needed: elf.dynamic?.needed ?? [],
    delayLoaded: [],
    installName: elf.dynamic?.soname ?? null,
    rpath: splitPath(elf.dynamic?.rpath),
    runpath: splitPath(elf.dynamic?.runpath),
    interpreter: elf.interpreter,
    versionFloors: versionFloors(elf.versionNeeds.flatMap((n) => n.versions.map((v) => v.name))),
    minOs: null,
    signature: 'none',
    teamId: null,
    executableStack: elf.gnuStack ? elf.gnuStack.executable : null,
    anomalies: elf.anomalies.length,
  };
}

/** '11.0.0' → '11.0', '10.7.0' → '10.7', '10.15.4' stays. */
function shortVersion(v: string): string {
  const parts = v.split('.');
  while (parts.length > 2 && parts[parts.length - 1] === '0') parts.pop();
  return parts.join('.');
}

const MACHO_KINDS: Record<string, BinaryKind> = {
  MH_EXECUTE: 'executable',
  MH_DYLIB: 'shared-library',
  MH_BUNDLE: 'bundle',
  MH_OBJECT: 'object',
};

function machoSignature(slice: MachOSlice): { kind: SignatureKind; teamId: string | null } {
  const cs = slice.codeSignature;
  if (!cs) return { kind: 'none', teamId: null };
  const cd = cs.codeDirectories[0];
  const teamId = cd?.teamId ?? null;
  if (cs.cms && !cs.cms.empty) return { kind: 'cms (unverified)', teamId };
  const flags = cd?.flagNames ?? [];
  if (flags.includes('LINKER_SIGNED')) return { kind: 'adhoc (linker-signed)', teamId };
  return { kind: 'adhoc', teamId };
}

function describeMachOSlice(slice: MachOSlice, fileAnomalies: number): BinaryFacts {
  const build = slice.buildVersions[0];
  const min = slice.versionMins[0];
  const minOs = build ? { platform: build.platformName, version: shortVersion(build.minos) } : min ? { platform: min.kind, version: shortVersion(min.version) } : null;
  const sig = machoSignature(slice);
  return {
    format: 'macho',
    sliceOffset: slice.offset,
    arch: slice.arch,
    bits: slice.bits,
    endianness: slice.endianness,
    kind: MACHO_KINDS[slice.filetypeName] ?? 'other',
    libc: null,
    libcEvidence: null,
    needed: slice.dylibs.map((d) => d.name),
    delayLoaded: [],
    installName: slice.id?.name ?? null,
    rpath: slice.rpaths,
    runpath: [],
    interpreter: slice.dylinker,
    versionFloors: {},
    minOs,
    signature: sig.kind,
    teamId: sig.teamId,
    executableStack: null,
    anomalies: fileAnomalies,
  };
}

function describePe(pe: PeFile): BinaryFacts {
  const delayLoaded = pe.delayImports.map((d) => d.dll);
  return {
    format: 'pe',
    sliceOffset: 0,
    arch: pe.coff.arch,
    bits: pe.optional.magic === 'PE32+' ? 64 : 32,
    endianness: 'little',
    kind: pe.isDll ? 'shared-library' : 'executable',
    libc: null,
    libcEvidence: null,
    needed: [...pe.imports.map((i) => i.dll), ...delayLoaded],
    delayLoaded,
    installName: pe.exports?.dllName ?? null,
    rpath: [],
    runpath: [],
    interpreter: null,
    versionFloors: {},
    minOs: null,
    signature: pe.certificates.some((c) => c.typeName === 'WIN_CERT_TYPE_PKCS_SIGNED_DATA') ? 'authenticode (unverified)' : 'none',
    teamId: null,
    executableStack: null,
    anomalies: pe.anomalies.length,
  };
}
