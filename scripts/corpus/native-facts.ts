/**
 * Facts about one native binary from command-line tools that are not
 * distaudit (GNU binutils readelf / nm, LLVM 14 llvm-readobj / llvm-objdump /
 * llvm-nm, file), shared by the JAR and npm prebuild corpus scripts
 * (jar-facts.ts, npm-prebuild-facts.ts). Binaries are found by the archive
 * inventory (inspect_archive.py, magic bytes only) and read here from the
 * files it extracted.
 *
 * Cross-checks between the tools are made where two of them read the same
 * thing (the ELF version requirements: readelf -V and llvm-readobj
 * --version-info); a difference stops the script, naming the file.
 */
import { parseObjdumpMachO, parseReadobjCoff, parseReadobjElf } from './tool-output.ts';
import { run } from '../../test/support/python-tools.ts';
import { cmpDotted } from '../../test/support/native-compare.ts';
import type { ElfToolFacts, MachOToolFacts, PeToolFacts } from '../../test/support/pypi.ts';

export type NativeFormat = 'elf' | 'macho' | 'macho-fat' | 'pe';

/** What inspect_archive.py lists per native. */
export interface InventoryNative {
  path: string;
  sha256: string;
  size: number;
  format: NativeFormat;
  /** The extracted copy (a temporary path). */
  file: string;
}

/** `readelf -h` (GNU binutils) as printed: a second opinion on the header, with the byte order and OS/ABI. */
export interface ReadelfHeader {
  /** `ELF32` / `ELF64`. */
  class: string;
  endianness: 'little' | 'big';
  /** `UNIX - System V`, `UNIX - FreeBSD`, `UNIX - Solaris`... */
  osabi: string;
  /** `Advanced Micro Devices X86-64`, `AArch64`, `Intel 80386`, `MIPS R3000`... */
  machine: string;
}

export interface ElfNativeFacts extends ElfToolFacts {
  readelf: ReadelfHeader;
  /** Highest GLIBC_x.y in the version requirements (readelf -V); null when none. */
  maxGlibc: string | null;
  /** Highest GLIBCXX_x.y.z; null when none. */
  maxGlibcxx: string | null;
  /** Owners of the ELF notes (`readelf -n`: GNU, Android, FreeBSD...), sorted, unique. */
  noteOwners: string[];
}

export type ElfLibc = 'glibc' | 'musl' | 'bionic' | null;

export interface NativeToolFacts {
  /** `file -b`, first 160 characters (a human-readable summary; not compared). */
  file: string;
  elf?: ElfNativeFacts;
  macho?: MachOToolFacts;
  pe?: PeToolFacts;
}

export function firstLine(s: string): string {
  return s.trim().split('\n')[0]?.trim() ?? '';
}

export function toolVersions(): Record<string, string> {
  const llvm = (tool: string) => /LLVM version \S+/.exec(run(tool, ['--version']).stdout)?.[0] ?? 'unknown';
  return {
    readelf: firstLine(run('readelf', ['--version']).stdout),
    nm: firstLine(run('nm', ['--version']).stdout),
    'llvm-readobj': llvm('llvm-readobj'),
    'llvm-objdump': llvm('llvm-objdump'),
    'llvm-nm': llvm('llvm-nm'),
    file: firstLine(run('file', ['--version']).stdout),
    python: firstLine(run('python3', ['--version']).stdout),
  };
}

function maxVersion(names: readonly string[], family: string): string | null {
  let best: string | null = null;
  for (const n of names) {
    const m = new RegExp(`^${family}_(\\d+(?:\\.\\d+)*)$`).exec(n);
    if (m?.[1] && (best === null || cmpDotted(m[1], best) > 0)) best = m[1];
  }
  return best;
}

export function parseReadelfHeader(text: string, file: string): ReadelfHeader {
  const get = (key: string) => {
    const m = new RegExp(`^\\s+${key}:\\s+(.*?)\\s*$`, 'm').exec(text);
    if (!m?.[1]) throw new Error(`${file}: readelf -h printed no ${key}`);
    return m[1];
  };
  const data = get('Data');
  return {
    class: get('Class'),
    endianness: /little endian/.test(data) ? 'little' : /big endian/.test(data) ? 'big' : (() => { throw new Error(`${file}: readelf -h Data: ${data}`); })(),
    osabi: get('OS/ABI'),
    machine: get('Machine'),
  };
}

/** `readelf -V -W`: the version requirements (file → version names, sorted), from the '.gnu.version_r' section only. */
export function parseReadelfVersionNeeds(text: string): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  let inNeeds = false;
  let current: string[] | null = null;
  for (const l of text.split('\n')) {
    if (/^Version needs section /.test(l)) {
      inNeeds = true;
      continue;
    }
    if (/^Version (symbols|definition) section /.test(l)) {
      inNeeds = false;
      continue;
    }
    if (!inNeeds) continue;
    const f = /\bFile: (\S+)\s+Cnt:/.exec(l);
    if (f?.[1]) {
      current = out[f[1]] ??= [];
      continue;
    }
    const n = /^\s+0x[0-9a-f]+:\s+Name: (\S+)\s+Flags:/.exec(l);
    if (n?.[1] && current) current.push(n[1]);
  }
  for (const k of Object.keys(out)) out[k]!.sort();
  return out;
}

export function elfFacts(file: string, label: string): ElfNativeFacts {
  // LLVM 14 prints an e_machine it has no name for (LoongArch's 258) as a bare `Machine: 0x102`: kept as that number.
  const text = run('llvm-readobj', ['--file-headers', '--dynamic-table', '--version-info', '--program-headers', file]).stdout.replace(/^(\s+Machine: )(0x[0-9A-Fa-f]+)$/m, '$1$2 ($2)');
  const readobj = parseReadobjElf(text, label);
  const readelf = parseReadelfHeader(run('readelf', ['-h', '-W', file]).stdout, label);
  const needs = parseReadelfVersionNeeds(run('readelf', ['-V', '-W', file]).stdout);
  const byFile = (r: Record<string, string[]>) => JSON.stringify(Object.entries(r).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  if (byFile(needs) !== byFile(readobj.versionNeeds)) {
    throw new Error(`${label}: readelf -V and llvm-readobj --version-info disagree: ${JSON.stringify(needs)} vs ${JSON.stringify(readobj.versionNeeds)}`);
  }
  const names = Object.values(needs).flat();
  const owners = new Set<string>();
  // readelf exits 1 when a file has no notes at all (with nothing on stderr)
  for (const l of run('readelf', ['-n', '-W', file], { allowFail: true }).stdout.split('\n')) {
    const m = /^\s{2}(\S+)\s+0x[0-9a-f]+\s/.exec(l);
    if (m?.[1] && m[1] !== 'Owner') owners.add(m[1]);
  }
  return { ...readobj, readelf, maxGlibc: maxVersion(names, 'GLIBC'), maxGlibcxx: maxVersion(names, 'GLIBCXX'), noteOwners: [...owners].sort() };
}

export function nativeToolFacts(n: InventoryNative): NativeToolFacts {
  const out: NativeToolFacts = { file: firstLine(run('file', ['-b', n.file]).stdout).slice(0, 160) };
  switch (n.format) {
    case 'elf':
      out.elf = elfFacts(n.file, n.path);
      break;
    case 'macho':
    case 'macho-fat':
      out.macho = parseObjdumpMachO(run('llvm-objdump', ['--macho', '--arch=all', '--private-headers', n.file]).stdout, n.path, n.format === 'macho-fat');
      break;
    case 'pe':
      out.pe = parseReadobjCoff(run('llvm-readobj', ['--file-headers', '--coff-imports', n.file]).stdout, n.path);
      break;
  }
  return out;
}

/** A symbol name without its ELF version (`name@@VER`) or a 32-bit Windows decoration (`_name@12`). */
function plainName(name: string, format: NativeFormat): string {
  if (format === 'pe') return name.replace(/^_/, '').replace(/@\d+$/, '');
  if (format === 'elf') return name.replace(/@.*$/, '');
  return name.startsWith('_') ? name.slice(1) : name; // Mach-O C names carry a leading underscore
}

/** Mach-O slices as llvm-nm's --arch wants them. */
function slicesOf(n: InventoryNative, macho: MachOToolFacts | undefined): (string | null)[] {
  return n.format === 'macho-fat' ? (macho?.slices ?? []).map((s) => s.arch) : [null];
}

/**
 * Defined, exported symbols as the loader sees them: ELF `nm -D
 * --defined-only` (the `@VER` suffix removed); Mach-O `llvm-nm --extern-only
 * --defined-only` per slice, union, the C leading underscore removed; PE
 * `llvm-readobj --coff-exports` names as stored (a 32-bit DLL's decorations
 * `_name@12` kept). Sorted, unique.
 */
export function rawExportedSymbols(n: InventoryNative, facts: NativeToolFacts): string[] {
  const names = new Set<string>();
  if (n.format === 'elf') {
    for (const l of run('nm', ['-D', '--defined-only', n.file]).stdout.split('\n')) {
      const m = /^[0-9a-fA-F]*\s+[A-Za-z]\s+(\S+)$/.exec(l.trim());
      if (m?.[1]) names.add(plainName(m[1], 'elf'));
    }
  } else if (n.format === 'pe') {
    for (const l of run('llvm-readobj', ['--coff-exports', n.file]).stdout.split('\n')) {
      const m = /^\s+Name: (\S+)$/.exec(l);
      if (m?.[1]) names.add(m[1]);
    }
  } else {
    for (const arch of slicesOf(n, facts.macho)) {
      const args = ['--extern-only', '--defined-only', '--just-symbol-name', ...(arch ? [`--arch=${arch}`] : []), n.file];
      for (const l of run('llvm-nm', args).stdout.split('\n')) {
        const s = l.trim();
        if (s && !s.endsWith(':')) names.add(plainName(s, 'macho'));
      }
    }
  }
  return [...names].sort();
}

/** rawExportedSymbols with 32-bit Windows decorations removed too (`_name@12` → `name`): plain C names. */
export function exportedSymbols(n: InventoryNative, facts: NativeToolFacts): string[] {
  const raw = rawExportedSymbols(n, facts);
  return n.format === 'pe' ? [...new Set(raw.map((x) => plainName(x, 'pe')))].sort() : raw;
}

/**
 * Undefined (imported) symbols by name: ELF `nm -D --undefined-only`; Mach-O
 * `llvm-nm --undefined-only` (per slice, union); PE every `Symbol:` of
 * `llvm-readobj --coff-imports`, delay imports included. Plain names, sorted.
 */
export function importedSymbols(n: InventoryNative, facts: NativeToolFacts): string[] {
  const names = new Set<string>();
  if (n.format === 'elf') {
    for (const l of run('nm', ['-D', '--undefined-only', n.file]).stdout.split('\n')) {
      const m = /^\s*[A-Za-z]\s+(\S+)$/.exec(l);
      if (m?.[1]) names.add(plainName(m[1], 'elf'));
    }
  } else if (n.format === 'pe') {
    for (const l of run('llvm-readobj', ['--coff-imports', n.file]).stdout.split('\n')) {
      const m = /^\s+Symbol: (\S+)/.exec(l);
      if (m?.[1]) names.add(m[1]);
    }
  } else {
    for (const arch of slicesOf(n, facts.macho)) {
      const args = ['--undefined-only', '--just-symbol-name', ...(arch ? [`--arch=${arch}`] : []), n.file];
      for (const l of run('llvm-nm', args).stdout.split('\n')) {
        const s = l.trim();
        if (s && !s.endsWith(':')) names.add(plainName(s, 'macho'));
      }
    }
  }
  return [...names].sort();
}

/**
 * A JNI export name decoded (JNI spec, "Resolving Native Method Names"):
 * `Java_<mangled class>_<mangled method>[__<mangled signature>]`, where `_`
 * separates name components, `_1` is `_`, `_2` is `;`, `_3` is `[`, and
 * `_0xxxx` a UTF-16 unit. A separator followed by an escape (`__1`, `__0`)
 * starts a component with `_` or a non-ASCII character; any other `__` starts
 * the signature (whose first type is a letter or `_3`). Returns the class as a
 * dotted binary name ('org.sqlite.core.NativeDB', 'a.B$C') and the method;
 * null when the name is not a well-formed JNI name.
 */
export function decodeJniName(symbol: string): { className: string; method: string } | null {
  if (!symbol.startsWith('Java_')) return null;
  const s = symbol.slice('Java_'.length);
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch !== '_') {
      cur += ch;
      continue;
    }
    const next = s[i + 1];
    if (next === '1') {
      cur += '_';
      i++;
    } else if (next === '2') {
      cur += ';';
      i++;
    } else if (next === '3') {
      cur += '[';
      i++;
    } else if (next === '0') {
      const hex = s.slice(i + 2, i + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) return null;
      cur += String.fromCharCode(Number.parseInt(hex, 16));
      i += 5;
    } else if (next === '_' && s[i + 2] !== '0' && s[i + 2] !== '1') {
      break; // the signature follows
    } else {
      parts.push(cur);
      cur = '';
    }
  }
  parts.push(cur);
  if (parts.length < 2 || parts.some((p) => p === '')) return null;
  const method = parts.pop()!;
  return { className: parts.join('.'), method };
}

/** glibc's own libraries: a GLIBC_ version needed from one of these means glibc (musl's libgcc_s on aarch64 defines GLIBC_2.0 too). */
const GLIBC_FILES = /^(libc\.so\.6|libm\.so\.6|libpthread\.so\.0|libdl\.so\.2|librt\.so\.1|libresolv\.so\.2|ld-linux.*|ld64\.so\.[12]|ld\.so\.1)$/;

/**
 * The C library an ELF file was linked against, by this rule on the tool facts
 * (the corpus files' caveats repeat it): bionic when `readelf -n` shows an
 * Android note (.note.android.ident) or NEEDED has liblog.so; else musl when NEEDED has libc.musl-*.so.1 or a bare
 * libc.so (glibc links libc.so.6: its libc.so is a linker script); else glibc
 * when NEEDED has libc.so.6 or a GLIBC_ version is needed from one of glibc's
 * own libraries; null otherwise (FreeBSD, Solaris, no libc at all).
 */
export function libcOf(facts: NativeToolFacts): ElfLibc {
  const e = facts.elf;
  if (!e) return null;
  if (e.noteOwners.includes('Android') || e.needed.includes('liblog.so')) return 'bionic';
  if (e.needed.some((x) => /^libc\.musl-.*\.so\.1$/.test(x) || x === 'libc.so')) return 'musl';
  const glibcNeed = Object.entries(e.versionNeeds).some(([file, names]) => GLIBC_FILES.test(file) && names.some((v) => v.startsWith('GLIBC_')));
  if (glibcNeed || e.needed.includes('libc.so.6')) return 'glibc';
  return null;
}
