/**
 * Shared by the corpus comparison tests of JARs and npm prebuilds
 * (test/corpus-jars.test.ts, test/corpus-npm-prebuilds.test.ts): the tools'
 * vocabulary mapped to distaudit's, the comparison of one native binary's
 * facts with the tools' (scripts/corpus/native-facts.ts), and the ledger that
 * counts agreements and matches disagreements against a listed set.
 */
import assert from 'node:assert/strict';
import { isDeepStrictEqual } from 'node:util';
import type { Finding } from '../../src/audit/types.ts';
import type { BinaryFacts } from '../../src/binary/describe.ts';
import type { Target } from '../../src/target.ts';
import type { ElfLibc, NativeToolFacts } from '../../scripts/corpus/native-facts.ts';

export interface Disagreement {
  /** The artifact: JAR coordinates or npm spec. */
  artifact: string;
  field: string;
  ours: unknown;
  theirs: unknown;
  reason: string;
  /** The reason is a bug in distaudit (the tests show these as a TODO until fixed). */
  bug?: true;
}

/** A native as the corpus files record it. */
export type ToolNative = NativeToolFacts & { path: string; libc: ElfLibc };

/** ELF machine (llvm-readobj's name, or the number it prints for one it has no name for) + class + byte order → distaudit's arch. */
export function elfArch(n: NativeToolFacts): string {
  const e = n.elf!;
  const b64 = e.class === '64-bit';
  const little = e.readelf.endianness === 'little';
  switch (e.machine) {
    case 'EM_X86_64':
      return b64 ? 'x86_64' : 'x32';
    case 'EM_386':
      return 'i386';
    case 'EM_AARCH64':
      return 'arm64';
    case 'EM_ARM':
      return 'arm';
    case 'EM_PPC64':
      return little ? 'ppc64le' : 'ppc64';
    case 'EM_PPC':
      return 'ppc';
    case 'EM_S390':
      return b64 ? 's390x' : 's390';
    case 'EM_RISCV':
      return b64 ? 'riscv64' : 'riscv32';
    case '0x102': // EM_LOONGARCH (258), which LLVM 14 cannot name
      return 'loongarch64';
    case 'EM_MIPS':
      return b64 ? (little ? 'mips64el' : 'mips64') : little ? 'mipsel' : 'mips';
    case 'EM_SPARCV9':
      return 'sparc64';
    case 'EM_SPARC':
    case 'EM_SPARC32PLUS':
      return 'sparc';
    case 'EM_IA_64':
      return 'ia64';
    default:
      return e.machine;
  }
}

export const PE_MACHINE: Record<string, string> = {
  IMAGE_FILE_MACHINE_AMD64: 'x86_64',
  IMAGE_FILE_MACHINE_I386: 'i386',
  IMAGE_FILE_MACHINE_ARM64: 'arm64',
  IMAGE_FILE_MACHINE_ARMNT: 'arm',
};

/** The architectures of a native by the tools (one per Mach-O slice). */
export function toolArches(n: NativeToolFacts): string[] {
  if (n.elf) return [elfArch(n)];
  if (n.macho) return n.macho.slices.map((s) => s.arch);
  return [PE_MACHINE[n.pe!.machine] ?? n.pe!.machine];
}

/** Numeric dotted-version order, independent of src/version.ts. */
export function cmpDotted(a: string, b: string): number {
  const x = a.split('.').map(Number);
  const y = b.split('.').map(Number);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const d = (x[i] ?? 0) - (y[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

const FLOOR_FAMILIES = ['GLIBC', 'GLIBCXX', 'CXXABI', 'GCC'] as const;

/** Highest GLIBC_/GLIBCXX_/CXXABI_/GCC_ version in the version requirements. */
export function toolFloors(versionNeeds: Record<string, string[]>): Record<string, string> {
  const floors: Record<string, string> = {};
  for (const name of Object.values(versionNeeds).flat()) {
    const m = /^([A-Z]+)_(\d+(?:\.\d+)*)$/.exec(name);
    if (!m?.[1] || !m[2] || !(FLOOR_FAMILIES as readonly string[]).includes(m[1])) continue;
    const cur = floors[m[1]];
    if (cur === undefined || cmpDotted(m[2], cur) > 0) floors[m[1]] = m[2];
  }
  return floors;
}

export function ourFloors(f: BinaryFacts): Record<string, string> {
  return Object.fromEntries(FLOOR_FAMILIES.flatMap((k) => (f.versionFloors[k] !== undefined ? [[k, f.versionFloors[k]]] : [])));
}

export function sorted<T>(xs: Iterable<T>): T[] {
  return [...xs].sort((a, b) => (String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0));
}

export class Ledger {
  agreed = 0;
  listed: Disagreement[] = [];
  unlisted: Disagreement[] = [];
  private used = new Set<Disagreement>();
  perTool = new Map<string, { agreed: number; listed: number }>();

  constructor(private readonly known: readonly Disagreement[]) {}

  compare(artifact: string, tool: string, field: string, ours: unknown, theirs: unknown): void {
    const stats = this.perTool.get(tool) ?? { agreed: 0, listed: 0 };
    this.perTool.set(tool, stats);
    if (isDeepStrictEqual(ours, theirs)) {
      this.agreed++;
      stats.agreed++;
      return;
    }
    const known = this.known.find((d) => d.artifact === artifact && d.field === field && isDeepStrictEqual(d.ours, ours) && isDeepStrictEqual(d.theirs, theirs));
    if (known) {
      this.used.add(known);
      this.listed.push(known);
      stats.listed++;
    } else this.unlisted.push({ artifact, field, ours, theirs, reason: '' });
  }

  /** Listed disagreements that did not happen (the list must stay exact). */
  stale(): Disagreement[] {
    return this.known.filter((d) => !this.used.has(d));
  }

  /** Prints the summary, then fails on any unlisted disagreement and on any listed one that no longer happens. */
  assertExact(diagnostic: (line: string) => void): void {
    for (const line of this.summary()) diagnostic(line);
    assert.deepEqual(this.unlisted.map(showDisagreement), [], 'disagreements not in DISAGREEMENTS (fix distaudit, or list them with the reason)');
    assert.deepEqual(this.stale().map(showDisagreement), [], 'DISAGREEMENTS entries that no longer happen (remove them)');
  }

  /** Lines for t.diagnostic: totals per tool, then each listed disagreement with its reason. */
  summary(): string[] {
    return [
      ...[...this.perTool].sort(([a], [b]) => (a < b ? -1 : 1)).map(([tool, s]) => `  ${tool}: ${s.agreed} agree, ${s.listed} listed disagreements`),
      ...this.listed.map((d) => `  listed${d.bug ? ' (distaudit bug)' : ''}: ${d.artifact} ${d.field}: ours ${JSON.stringify(d.ours)} vs theirs ${JSON.stringify(d.theirs)} — ${d.reason}`),
    ];
  }
}

/** How a disagreement prints when it is not listed (ready to paste into the list once the reason is known). */
export function showDisagreement(d: Disagreement): string {
  return `  { artifact: ${JSON.stringify(d.artifact)}, field: ${JSON.stringify(d.field)}, ours: ${JSON.stringify(d.ours)}, theirs: ${JSON.stringify(d.theirs)} }`;
}

/**
 * One native binary: distaudit's facts (report.binaries[].facts) vs the tools'.
 * ELF: readelf / llvm-readobj (machine, class, byte order, NEEDED, SONAME, RPATH,
 * RUNPATH, highest versions, executable stack, libc by the corpus rule);
 * Mach-O: llvm-objdump per slice; PE: llvm-readobj.
 */
export function compareNative(l: Ledger, artifact: string, n: ToolNative, facts: readonly BinaryFacts[]): void {
  const c = (tool: string, what: string, ours: unknown, theirs: unknown) => l.compare(artifact, tool, `${n.path}: ${what}`, ours, theirs);
  if (n.elf) {
    const e = n.elf;
    const f = facts[0]!;
    c('readelf', 'architecture', f.arch, elfArch(n));
    c('readelf', 'class', f.bits, e.class === '64-bit' ? 64 : 32);
    c('readelf', 'byte order', f.endianness, e.readelf.endianness);
    c('llvm-readobj', 'DT_NEEDED', f.needed, e.needed);
    c('llvm-readobj', 'DT_SONAME', f.installName, e.soname);
    c('llvm-readobj', 'DT_RPATH', f.rpath, e.rpath);
    c('llvm-readobj', 'DT_RUNPATH', f.runpath, e.runpath);
    c('readelf', 'highest GLIBC/GLIBCXX/CXXABI/GCC versions', ourFloors(f), toolFloors(e.versionNeeds));
    c('llvm-readobj', 'executable stack', f.executableStack, e.executableStack);
    c('readelf', 'libc', f.libc === 'static' ? null : f.libc, n.libc);
  } else if (n.macho) {
    c('llvm-objdump', 'slices', facts.map((f) => f.arch), n.macho.slices.map((s) => s.arch));
    for (const s of n.macho.slices) {
      const f = facts.find((x) => x.arch === s.arch);
      if (!f) continue;
      const sc = (what: string, ours: unknown, theirs: unknown) => c('llvm-objdump', `${s.arch} ${what}`, ours, theirs);
      sc('minimum macOS', f.minOs ? [f.minOs.platform, f.minOs.version] : null, s.minos ? [s.platform, s.minos] : null);
      sc('dylibs', f.needed, s.dylibs.map((d) => d.name));
      sc('LC_RPATH', f.rpath, s.rpaths);
      sc('LC_ID_DYLIB', f.installName, s.id);
      sc('code signature present', f.signature !== 'none', s.codeSignature);
    }
  } else if (n.pe) {
    const f = facts[0]!;
    c('llvm-readobj', 'machine', f.arch, PE_MACHINE[n.pe.machine] ?? n.pe.machine);
    c('llvm-readobj', 'imported DLLs', f.needed.filter((x) => !f.delayLoaded.includes(x)), n.pe.imports);
    c('llvm-readobj', 'delay-imported DLLs', f.delayLoaded, n.pe.delayImports);
  }
}

/** What the comparison needs of a target distaudit gives a binary (AuditContext.targetsOf). */
export interface TargetFloor {
  id: string;
  os: string;
  arch: string;
  libc: string | null;
  /** The glibc version a glibc target promises; null for other targets. */
  glibcFloor: string | null;
  minOs: string | null;
}

export function targetFloor(t: Target): TargetFloor {
  return { id: t.id, os: t.os, arch: t.arch, libc: t.libc?.kind ?? null, glibcFloor: t.libc?.kind === 'glibc' ? t.libc.minVersion : null, minOs: t.minOs };
}

/**
 * The floors the tools read against the targets distaudit gives the binary:
 * the highest GLIBC version needed above the lowest glibc floor of its
 * targets (vs the GLIBC-family elf.symbol-version-too-new findings on it), and
 * each Mach-O slice's minimum macOS above its target's (vs
 * macos.min-os-too-new).
 */
export function compareFloors(l: Ledger, artifact: string, n: ToolNative, targets: readonly TargetFloor[], findings: readonly Finding[]): void {
  const on = (check: string) => findings.filter((f) => f.file === n.path && f.check === check);
  if (n.elf) {
    const floors = targets.flatMap((t) => (t.glibcFloor ? [t.glibcFloor] : []));
    if (floors.length === 0) return;
    const floor = floors.reduce((a, b) => (cmpDotted(a, b) <= 0 ? a : b));
    const need = n.elf.maxGlibc;
    const theirs = need !== null && cmpDotted(need, floor) > 0 ? need : null;
    const ours = on('elf.symbol-version-too-new')
      .filter((f) => f.evidence.family === 'GLIBC')
      .flatMap((f) => (f.evidence.versions as { version: string }[]).map((v) => v.version.replace(/^GLIBC_/, '')))
      .reduce<string | null>((a, b) => (a === null || cmpDotted(b, a) > 0 ? b : a), null);
    l.compare(artifact, 'readelf', `${n.path}: GLIBC needed above the target floor ${floor}`, ours, theirs);
  } else if (n.macho) {
    for (const s of n.macho.slices) {
      const t = targets.find((x) => x.os === 'macos' && x.arch === s.arch && x.minOs);
      if (!t || !s.minos) continue;
      const theirs = cmpDotted(s.minos, t.minOs!) > 0 ? s.minos : null;
      const f = on('macos.min-os-too-new').find((x) => x.evidence.arch === s.arch);
      l.compare(artifact, 'llvm-objdump', `${n.path}: ${s.arch} minimum macOS above the target's ${t.minOs}`, f ? String(f.evidence.minOs) : null, theirs);
    }
  }
}

/** Every target a binary serves has the binary's architecture (by the tools). */
export function compareTargetArches(l: Ledger, artifact: string, n: ToolNative, targets: readonly TargetFloor[]): void {
  const arches = new Set(toolArches(n));
  const wrong = targets.filter((t) => !arches.has(t.arch) && !(t.arch === 'arm64' && arches.has('arm64e'))).map((t) => t.id);
  l.compare(artifact, 'targets', `${n.path}: targets of another architecture than the binary's`, sorted(wrong), []);
}
