/**
 * Small facts about one ELF file that several Linux checks and the
 * deserved-tag computation share: which symbol versions it needs from which
 * library and which of its symbols need them (the culprits auditwheel never
 * names), its undefined non-weak symbols, the x86-64 ISA level it needs, and
 * whether it is a Python extension module.
 *
 * @example
 *   neededVersions(elf);   // [{ file: 'libc.so.6', version: 'GLIBC_2.34', weak: false, symbols: ['pthread_create', 'pthread_join'] }, …]
 *   x86IsaLevel(elf);      // 'x86-64-v3' | null
 */
import type { ElfFile } from '../../binary/elf/parse.ts';
import { GNU_PROPERTY_X86_ISA_1_NEEDED } from '../../binary/elf/constants.ts';

export interface NeededVersion {
  /** The library the version is needed from (vn_file), e.g. 'libc.so.6'. */
  file: string;
  /** e.g. 'GLIBC_2.34'. */
  version: string;
  /** VER_FLG_WEAK: the loader only warns when it is missing. */
  weak: boolean;
  /** Undefined dynamic symbols bound to this version of this library, sorted. */
  symbols: string[];
}

/** Every version the file needs (its .gnu.version_r), with the symbols that use each one. */
export function neededVersions(elf: ElfFile): NeededVersion[] {
  const culprits = new Map<string, Set<string>>();
  for (const s of elf.dynamicSymbols) {
    const v = s.version;
    if (s.defined || !v || v.source !== 'needed') continue;
    const key = `${v.file ?? ''}\0${v.name}`;
    let set = culprits.get(key);
    if (!set) culprits.set(key, (set = new Set()));
    set.add(s.name);
  }
  const out: NeededVersion[] = [];
  for (const need of elf.versionNeeds) {
    for (const aux of need.versions) {
      const symbols = [...(culprits.get(`${need.file}\0${aux.name}`) ?? [])].sort();
      out.push({ file: need.file, version: aux.name, weak: aux.weak, symbols });
    }
  }
  return out;
}

/** Undefined, non-weak dynamic symbol names (auditwheel's `get_undefined_symbols`). */
export function undefinedNonWeak(elf: ElfFile): Set<string> {
  const out = new Set<string>();
  for (const s of elf.dynamicSymbols) {
    if (!s.defined && s.index !== 0 && s.bindName !== 'WEAK' && s.name !== '') out.add(s.name);
  }
  return out;
}

export type X86IsaLevel = 'x86-64-v2' | 'x86-64-v3' | 'x86-64-v4';

/**
 * The x86-64 micro-architecture level the file declares it needs
 * (GNU_PROPERTY_X86_ISA_1_NEEDED, written by `-march=x86-64-v3` builds with
 * `-z x86-64-v3` or `-mneeded`): glibc ≥ 2.33 refuses to load it on an older
 * CPU. Null for the baseline or when nothing is declared.
 */
export function x86IsaLevel(elf: ElfFile): X86IsaLevel | null {
  const prop = elf.gnuProperties?.properties.find((p) => p.type === GNU_PROPERTY_X86_ISA_1_NEEDED && p.value !== null && p.data.length === 4);
  if (!prop) return null;
  const bits = prop.value! & ~1;
  if (bits & 8) return 'x86-64-v4';
  if (bits & 4) return 'x86-64-v3';
  if (bits & 2) return 'x86-64-v2';
  return null;
}

/** glibc's own libraries: GLIBC_* versions needed from these (and only these) say the file was linked against glibc. */
