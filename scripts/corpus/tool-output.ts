/**
 * Parsers for the text that LLVM 14's llvm-readobj and llvm-objdump print
 * (their JSON output style is incomplete in LLVM 14), producing the corpus's
 * independent binary facts. Only what the corpus records is read; anything
 * unexpected is an error naming the file, never a silent gap.
 */
import type { ElfToolFacts, MachOSliceToolFacts, MachOToolFacts, PeToolFacts } from '../../test/support/pypi.ts';

function fail(file: string, what: string): never {
  throw new Error(`${file}: could not read ${what} from the tool output`);
}

/** The lines between `<name> [` (at column 0) and the next `]` at column 0. */
function section(lines: string[], name: string): string[] {
  const start = lines.findIndex((l) => l.startsWith(`${name} [`));
  if (start < 0) return [];
  const end = lines.findIndex((l, i) => i > start && l === ']');
  return lines.slice(start + 1, end < 0 ? undefined : end);
}

/** `llvm-readobj --file-headers --dynamic-table --version-info --program-headers FILE`. */
export function parseReadobjElf(text: string, file: string): ElfToolFacts {
  const lines = text.split('\n');
  const headerStart = lines.findIndex((l) => l.startsWith('ElfHeader {'));
  const headerEnd = lines.findIndex((l, i) => i > headerStart && l === '}');
  if (headerStart < 0 || headerEnd < 0) fail(file, 'the ELF header');
  const header = lines.slice(headerStart, headerEnd);
  const field = (re: RegExp, what: string) => {
    for (const l of header) {
      const m = re.exec(l);
      if (m?.[1] !== undefined) return m[1];
    }
    return fail(file, what);
  };
  const llvmArch = /^Arch: (\S+)$/m.exec(text)?.[1] ?? fail(file, 'Arch');

  const needed: string[] = [];
  let soname: string | null = null;
  let rpath: string[] = [];
  let runpath: string[] = [];
  for (const l of section(lines, 'DynamicSection')) {
    const m = /^\s+0x[0-9A-Fa-f]+ (NEEDED|SONAME|RPATH|RUNPATH)\s+[A-Za-z ]+: \[(.*)\]$/.exec(l);
    if (!m) continue;
    const [, tag, value = ''] = m;
    if (tag === 'NEEDED') needed.push(value);
    else if (tag === 'SONAME') soname = value;
    else if (tag === 'RPATH') rpath = value.split(':');
    else runpath = value.split(':');
  }

  const versionNeeds: Record<string, string[]> = {};
  let current: string[] | null = null;
  for (const l of section(lines, 'VersionRequirements')) {
    const f = /^\s+FileName: (.*)$/.exec(l);
    if (f?.[1] !== undefined) {
      current = versionNeeds[f[1]] ??= [];
      continue;
    }
    const n = /^\s+Name: (.*)$/.exec(l);
    if (n?.[1] !== undefined) {
      if (!current) fail(file, 'a version requirement outside a dependency');
      current.push(n[1]);
    }
  }
  for (const k of Object.keys(versionNeeds)) versionNeeds[k]?.sort();

  let executableStack: boolean | null = null;
  const phdrs = section(lines, 'ProgramHeaders').join('\n').split(/^\s+ProgramHeader \{$/m);
  for (const ph of phdrs) {
    if (!/Type: PT_GNU_STACK /.test(ph)) continue;
    executableStack = /^\s+PF_X \(0x1\)$/m.test(ph);
  }

  return {
    class: field(/^\s+Class: (\S+) \(/, 'the ELF class'),
    machine: field(/^\s+Machine: (\S+) \(/, 'e_machine'),
    llvmArch,
    flags: Number.parseInt(field(/^\s+Flags \[ \((0x[0-9A-Fa-f]+)\)/, 'e_flags'), 16),
    type: field(/^\s+Type: (\S+) \(/, 'e_type'),
    soname,
    needed,
    rpath,
    runpath,
    versionNeeds,
    executableStack,
  };
}

/** Mach header cputype column → llvm-objdump's architecture name, for thin files (where no `(architecture X)` is printed). */
const THIN_ARCH: Record<string, string> = { X86_64: 'x86_64', ARM64: 'arm64', I386: 'i386', ARM: 'arm', POWERPC: 'ppc', POWERPC64: 'ppc64' };

const DYLIB_COMMANDS = new Set(['LC_LOAD_DYLIB', 'LC_LOAD_WEAK_DYLIB', 'LC_REEXPORT_DYLIB', 'LC_LAZY_LOAD_DYLIB', 'LC_LOAD_UPWARD_DYLIB']);

/** `llvm-objdump --macho --arch=all --private-headers FILE` (fat: one block per slice). */
export function parseObjdumpMachO(text: string, file: string, fat: boolean): MachOToolFacts {
  const lines = text.split('\n');
  const slices: MachOSliceToolFacts[] = [];
  // A block opens with `FILE (architecture ARCH):` or, for a thin file, `FILE:`.
  const starts = lines.flatMap((l, i) => (/^\S.*:$/.test(l) && lines[i + 1] === 'Mach header' ? [i] : []));
  if (starts.length === 0) fail(file, 'a Mach header');
  starts.forEach((start, k) => {
    const block = lines.slice(start, starts[k + 1] ?? lines.length);
    const values = (block[3] ?? '').trim().split(/\s+/);
    const [, cputype, , , filetype] = values;
    if (!cputype || !filetype) fail(file, 'the mach header');
    const named = /\(architecture (\S+)\):$/.exec(block[0] ?? '')?.[1];
    const arch = named ?? THIN_ARCH[cputype] ?? fail(file, `an architecture name for cputype ${cputype}`);
    const slice: MachOSliceToolFacts = { arch, cputype, filetype, minosSource: null, platform: null, minos: null, sdk: null, id: null, dylibs: [], rpaths: [], codeSignature: false };
    const commands = block.join('\n').split(/^Load command \d+$/m).slice(1);
    for (const c of commands) {
      const cmd = /^\s+cmd (\S+)$/m.exec(c)?.[1];
      const get = (key: string) => new RegExp(`^\\s+${key} (.*)$`, 'm').exec(c)?.[1] ?? null;
      const name = () => /^\s+(?:name|path) (.*) \(offset \d+\)$/m.exec(c)?.[1] ?? fail(file, `the name in ${cmd}`);
      if (cmd === undefined) fail(file, 'a load command');
      if (DYLIB_COMMANDS.has(cmd)) slice.dylibs.push({ command: cmd, name: name() });
      else if (cmd === 'LC_ID_DYLIB') slice.id = name();
      else if (cmd === 'LC_RPATH') slice.rpaths.push(name());
      else if (cmd === 'LC_CODE_SIGNATURE') slice.codeSignature = true;
      else if (cmd === 'LC_BUILD_VERSION' && slice.minosSource !== 'LC_BUILD_VERSION') {
        Object.assign(slice, { minosSource: 'LC_BUILD_VERSION', platform: get('platform'), minos: get('minos'), sdk: get('sdk') });
      } else if (cmd === 'LC_VERSION_MIN_MACOSX' && slice.minosSource === null) {
        Object.assign(slice, { minosSource: 'LC_VERSION_MIN_MACOSX', platform: 'macos', minos: get('version'), sdk: get('sdk') });
      }
    }
    slices.push(slice);
  });
  return { fat, slices };
}

/** `llvm-readobj --file-headers --coff-imports FILE`. */
export function parseReadobjCoff(text: string, file: string): PeToolFacts {
  const machine = /^\s+Machine: (\S+) \(/m.exec(text)?.[1] ?? fail(file, 'FILE_HEADER.Machine');
  const llvmArch = /^Arch: (\S+)$/m.exec(text)?.[1] ?? fail(file, 'Arch');
  const imports: string[] = [];
  const delayImports: string[] = [];
  let into: string[] | null = null;
  for (const l of text.split('\n')) {
    if (l === 'Import {') into = imports;
    else if (l === 'DelayImport {') into = delayImports;
    else if (into) {
      const m = /^\s+Name: (.*)$/.exec(l);
      if (!m?.[1]) fail(file, 'an import name');
      into.push(m[1]);
      into = null;
    }
  }
  return { machine, llvmArch, imports, delayImports };
}
