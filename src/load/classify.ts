/**
 * What a load came to, from the probe's report and the loader's own words:
 * passed, failed, crashed or timed out; the class of failure
 * (LOAD_FAILURE_CLASSES); the one line that says it; and what the loader
 * named (the library, the symbol, the version) for linking the failure to the
 * static finding that predicted it (predict.ts).
 *
 * The texts are those of glibc's ld.so (dl-load.c, dl-lookup.c,
 * dl-version.c), musl's ldso/dynlink.c, HotSpot's System.load, Node's
 * DLOpen and Node-API registration, and CPython's importdl.c, as measured in
 * reference/notes/load-sandbox.md §3 and §5 and by test/load/probes.test.ts.
 * Two of them mislead and are read with the binary's architecture:
 * - glibc reports a library of another machine, loaded by path, as
 *   "<path>: cannot open shared object file: No such file or directory" —
 *   about the file itself, which is there;
 * - musl does not check e_machine: a foreign library fails on its first
 *   relocation ("unsupported relocation type"), and one of another ELF class
 *   or no ELF at all with "Exec format error".
 *
 * @example
 *   classifyLoad({ probe: 'python', report, exitCode: 1, signal: null, timedOut: false, oomKilled: false, stdout, stderr });
 *   // { status: 'failed', class: 'symbol-version', message: "/lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.38' not found (required by /art/m.so)",
 *   //   detail: { version: 'GLIBC_2.38', library: 'libc.so.6', requiredBy: '/art/m.so' } }
 */
import { basename } from 'node:path';
import type { Arch } from '../binary/arch.ts';
import type { LoadFailureClass, ProbeKind, ProbeReport } from './types.ts';
import type { LoadStatus as SchemaLoadStatus } from './schema.ts';

export interface LoadClassificationInput {
  probe: ProbeKind;
  /** The probe's report (parseProbeOutput); null when it printed none (crashed, killed, or never started). */
  report: ProbeReport | null;
  exitCode: number | null;
  signal: string | null;
  timedOut: boolean;
  oomKilled: boolean;
  /** The cgroup's pids limit refused a fork at least once. */
  pidsLimitHit?: boolean;
  stdout: string;
  stderr: string;
  /** The loaded binary's path inside the sandbox. */
  binaryPath?: string;
  /** The binary's architecture, and the image's: together they tell a foreign binary from a missing one. */
  binaryArch?: Arch;
  imageArch?: Arch;
}

/** What a load that ran came to (the schema's statuses less not-run). */
export type LoadStatus = Exclude<SchemaLoadStatus, 'not-run'>;

export interface LoadClassification {
  status: LoadStatus;
  class: LoadFailureClass | null;
  /** The loader's or runtime's words, verbatim; a message Node wraps over several lines is joined into one. Empty when it passed. */
  message: string;
  /** What the loader named: { library: 'libhelper.so' }, { version: 'GLIBC_2.38', library: 'libc.so.6' }, { symbol: 'foo' }, { expected: '108', found: '115' }. */
  detail: Record<string, string>;
}

interface Context {
  binaryPath?: string;
  binaryArch?: Arch;
  imageArch?: Arch;
}

interface Rule {
  re: RegExp;
  classify(m: RegExpExecArray, ctx: Context): { class: LoadFailureClass; detail: Record<string, string> };
}

const NAPI_SYMBOL = /^(?:napi_|node_api_)/;

/** 32-bit architectures: an ELF of the other class than the image's (ELFCLASS32 vs ELFCLASS64). */
const ARCH_BITS: Partial<Record<Arch, 32 | 64>> = {
  x86_64: 64, arm64: 64, arm64e: 64, ppc64le: 64, ppc64: 64, s390x: 64, riscv64: 64, loongarch64: 64, mips64el: 64, mips64: 64, sparc64: 64, ia64: 64,
  i386: 32, x32: 32, arm: 32, arm64_32: 32, ppc: 32, s390: 32, riscv32: 32, mipsel: 32, mips: 32, sparc: 32,
};

function foreign(ctx: Context): boolean {
  return ctx.binaryArch !== undefined && ctx.imageArch !== undefined && ctx.binaryArch !== 'unknown' && ctx.binaryArch !== ctx.imageArch;
}

/** Whether the file the loader named is the binary being loaded (Java names it by its canonical path). */
function isTheBinary(named: string, ctx: Context): boolean {
  if (!named.includes('/')) return false;
  if (ctx.binaryPath === undefined) return true; // sonames of dependencies have no slash; a path is the file loaded
  return named === ctx.binaryPath || basename(named) === basename(ctx.binaryPath);
}

function archDetail(library: string, ctx: Context): Record<string, string> {
  return { library, found: ctx.binaryArch ?? 'unknown', expected: ctx.imageArch ?? 'unknown' };
}

/** A foreign binary: of the other ELF class when the word sizes differ, else of another machine. */
function foreignClass(ctx: Context): LoadFailureClass {
  const a = ARCH_BITS[ctx.binaryArch!];
  const b = ARCH_BITS[ctx.imageArch!];
  return a !== undefined && b !== undefined && a !== b ? 'wrong-elf-class' : 'wrong-machine';
}

function missingSymbol(symbol: string, library: string | undefined): { class: LoadFailureClass; detail: Record<string, string> } {
  const detail = { symbol, ...(library ? { library } : {}) };
  // A Node-API function the runtime (or the harness's stub) lacks: the addon needs a newer Node-API.
  return { class: NAPI_SYMBOL.test(symbol) ? 'napi-version' : 'undefined-symbol', detail };
}

/** glibc's file checks (dl-load.c open_verify and _dl_map_object_from_fd). */
const INVALID_ELF =
  /invalid ELF header|file too short|ELF file data encoding not (?:little|big)-endian|ELF file version ident does not match current one|ELF file OS ABI invalid|ELF file ABI version invalid|ELF file version does not match current one|only ET_DYN and ET_EXEC can be loaded|ELF load command (?:address\/offset not (?:page-aligned|properly aligned)|alignment not page-aligned|alignment not power of 2)|ELF file's phentsize not the expected size|cannot dynamically load (?:position-independent )?executable|object file has no dynamic section|cannot read file data/;

/** First match wins; each pattern is searched anywhere in the text. */
const RULES: Rule[] = [
  // glibc: ``/lib/x86_64-linux-gnu/libc.so.6: version `GLIBC_2.38' not found (required by /art/m.so)``
  {
    re: /([^\s:]+): version `([^']+)' not found \(required by ([^)]+)\)/,
    classify: (m) => ({ class: 'symbol-version', detail: { version: m[2]!, library: basename(m[1]!), requiredBy: m[3]! } }),
  },
  // glibc: "undefined symbol: foo, version BAR_1" (the version exists, the symbol is not in it)
  {
    re: /(?:([^\s:]+): )?undefined symbol: ([^\s,]+), version (\S+)/,
    classify: (m) => ({ class: 'symbol-version', detail: { symbol: m[2]!, version: m[3]!, ...(m[1] ? { library: m[1] } : {}) } }),
  },
  // glibc: "/art/m.so: undefined symbol: foo"; lazily bound, at the first call: "node: symbol lookup error: /art/m.so: undefined symbol: foo"
  { re: /(?:([^\s:]+): )?undefined symbol: ([^\s,]+)/, classify: (m) => missingSymbol(m[2]!, m[1]) },
  // musl: "Error relocating /art/m.so: foo: symbol not found"
  { re: /Error relocating ([^:\n]+): ([^\s:]+): symbol not found/, classify: (m) => missingSymbol(m[2]!, m[1]) },
  // musl, a library of another machine: "Error relocating /art/m.so: unsupported relocation type 1026"
  {
    re: /Error relocating ([^:\n]+): unsupported relocation type (\d+)/,
    classify: (m, ctx) => ({ class: 'wrong-machine', detail: { ...archDetail(m[1]!, ctx), relocationType: m[2]! } }),
  },
  // glibc: "/art/m.so: wrong ELF class: ELFCLASS32" (Java adds "(Possible cause: can't load IA 32 .so on a AMD 64 platform)")
  { re: /([^\s:]+): wrong ELF class: (ELFCLASS\d+)/, classify: (m) => ({ class: 'wrong-elf-class', detail: { library: m[1]!, found: m[2]! } }) },
  // HotSpot's hint on glibc's misleading text: "... cannot open shared object file: No such file or directory (Possible cause: can't load AARCH64 .so on a AMD 64 platform)";
  // Java 11 words it "can't load AARCH64-bit .so on a AMD 64-bit platform".
  {
    re: /([^\s:]+): cannot open shared object file: [^(\n]*\(Possible cause: can't load (.+?)(?:-bit)? \.so on a (.+?)(?:-bit)? platform\)/,
    classify: (m, ctx) => ({
      class: 'wrong-machine',
      detail: { library: m[1]!, found: ctx.binaryArch ?? m[2]!, expected: ctx.imageArch ?? m[3]! },
    }),
  },
  // glibc: "libhelper.so: cannot open shared object file: No such file or directory" — or, naming the binary itself, a foreign one.
  {
    re: /([^\s:]+): cannot open shared object file: ([^(\n]*[^(\s])/,
    classify: (m, ctx) => {
      const library = m[1]!;
      if (isTheBinary(library, ctx) && foreign(ctx)) return { class: foreignClass(ctx), detail: archDetail(library, ctx) };
      if (m[2] === 'No such file or directory') return { class: 'missing-library', detail: { library } };
      return { class: 'unknown', detail: { library, reason: m[2]! } };
    },
  },
  // musl: "Error loading shared library libhelper.so: No such file or directory (needed by /art/m.so)", "... /art/m.so: Exec format error"
  {
    re: /Error loading shared library ([^:\n]+): ([^(\n]*[^(\s])(?: \(needed by ([^)\n]+)\))?/,
    classify: (m, ctx) => {
      const library = m[1]!;
      const neededBy: Record<string, string> = m[3] ? { requiredBy: m[3] } : {};
      if (m[2] === 'No such file or directory') return { class: 'missing-library', detail: { library, ...neededBy } };
      if (m[2] === 'Exec format error') {
        if (!m[3] && isTheBinary(library, ctx) && foreign(ctx)) return { class: foreignClass(ctx), detail: archDetail(library, ctx) };
        return { class: 'invalid-elf', detail: { library, reason: m[2], ...neededBy } };
      }
      return { class: 'unknown', detail: { library, reason: m[2]!, ...neededBy } };
    },
  },
  // glibc ≥ 2.41 refuses libraries that ask for an executable stack.
  {
    re: /([^\s:]+): cannot enable executable stack as shared object requires/,
    classify: (m) => ({ class: 'invalid-elf', detail: { library: m[1]!, reason: 'executable stack' } }),
  },
  { re: new RegExp(`([^\\s:]+): (${INVALID_ELF.source})`), classify: (m) => ({ class: 'invalid-elf', detail: { library: m[1]!, reason: m[2]! } }) },
  // Node: "...NODE_MODULE_VERSION 108. This version of Node.js requires\nNODE_MODULE_VERSION 115. ..."
  {
    re: /NODE_MODULE_VERSION (\d+)\. This version of Node\.js requires\s+NODE_MODULE_VERSION (\d+)/,
    classify: (m) => ({ class: 'module-abi', detail: { found: m[1]!, expected: m[2]! } }),
  },
  // Node: "<file> requires Node-API version 10, but this version of Node.js only supports version 9 add-ons."
  // (Node 20.18–20.20 and 22.0–22.13 crash instead: nodejs/node#57233; that is read as a crash.)
  {
    re: /requires Node-API version (\d+), but this version of Node\.js only supports version (\d+) add-ons/,
    classify: (m) => ({ class: 'napi-version', detail: { required: m[1]!, supported: m[2]! } }),
  },
  // The entry point the runtime calls is missing: Node, the N-API harness, CPython.
  { re: /Module did not self-register: '([^']+)'/, classify: (m) => ({ class: 'init-failure', detail: { library: m[1]! } }) },
  { re: /Module has no declared entry point/, classify: () => ({ class: 'init-failure', detail: {} }) },
  { re: /no Node-API entry point: /, classify: () => ({ class: 'init-failure', detail: { symbol: 'napi_register_module_v1' } }) },
  { re: /dynamic module does not define module export function \((\w+)\)/, classify: (m) => ({ class: 'init-failure', detail: { symbol: m[1]! } }) },
  // HotSpot: JNI_OnLoad returned a version this JVM does not support.
  {
    re: /unsupported JNI version (0x[0-9A-Fa-f]+) required by (.+)/,
    classify: (m) => ({ class: 'init-failure', detail: { jniVersion: m[1]!, library: m[2]! } }),
  },
  // HotSpot: the file given to System.load is not there.
  { re: /Can't load library: (\S.*)/, classify: (m) => ({ class: 'missing-library', detail: { library: m[1]! } }) },
  // glibc: the library's TLS does not fit the static TLS block (libgomp on aarch64, typically).
  { re: /([^\s:]+): cannot allocate memory in static TLS block/, classify: (m) => ({ class: 'unknown', detail: { library: m[1]!, reason: 'static TLS block full' } }) },
];

/** The line of `text` that holds position `index`, whitespace-trimmed. */
function lineAt(text: string, index: number): string {
  const start = text.lastIndexOf('\n', index) + 1;
  const end = text.indexOf('\n', index);
  return text.slice(start, end === -1 ? undefined : end).trim();
}

/** Node wraps its NODE_MODULE_VERSION message over lines; the report keeps one line. */
const oneLine = (text: string) => text.split('\n').map((l) => l.trim()).filter((l) => l.length > 0).join(' ');

function matchRules(text: string, ctx: Context): { class: LoadFailureClass; detail: Record<string, string>; index: number } | null {
  for (const rule of RULES) {
    const m = rule.re.exec(text);
    if (m) return { ...rule.classify(m, ctx), index: m.index };
  }
  return null;
}

function lastLine(text: string): string {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l.length > 0);
  return lines[lines.length - 1] ?? '';
}

const CLASS_NOT_FOUND = /^java\.lang\.(?:NoClassDefFoundError|ClassNotFoundException)$/;

/** A failure the module's own init raised (PyInit, JNI_OnLoad, the addon's init): its dependencies, or itself. */
function initFailure(report: ProbeReport, ctx: Context): { class: LoadFailureClass; detail: Record<string, string> } {
  const error = report.error ?? '';
  const type = report.errorType ?? '';
  const exception: Record<string, string> = type ? { exception: type } : {};
  if (type === 'ModuleNotFoundError' || type === 'ImportError') {
    const named = /No module named '([^']+)'/.exec(error);
    return { class: 'init-dependency', detail: { ...exception, ...(named ? { module: named[1]! } : {}) } };
  }
  if (CLASS_NOT_FOUND.test(type)) return { class: 'init-dependency', detail: { ...exception, class: error.replace(/\//g, '.') } };
  const rule = matchRules(error, ctx);
  if (rule && rule.class === 'init-failure') return { class: rule.class, detail: { ...rule.detail, ...exception } };
  return { class: 'init-failure', detail: exception };
}

const failed = (cls: LoadFailureClass, message: string, detail: Record<string, string> = {}): LoadClassification => ({ status: 'failed', class: cls, message, detail });

/** Classifies one load from the probe's report and the sandbox's account of the process. */
export function classifyLoad(input: LoadClassificationInput): LoadClassification {
  const ctx: Context = { binaryPath: input.binaryPath, binaryArch: input.binaryArch, imageArch: input.imageArch };
  const { report } = input;
  const partial: Record<string, string> = report?.partial ? { partial: report.partial } : {};

  if (input.timedOut) {
    return { status: 'timed-out', class: 'timeout', message: 'no result within the time limit: the sandbox was killed', detail: {} };
  }
  if (input.oomKilled) {
    return { status: 'crashed', class: 'resource-limit', message: 'killed by the out-of-memory killer at the sandbox\'s memory limit', detail: { limit: 'memory' } };
  }
  if (input.signal !== null) {
    const output = `${input.stderr}\n${input.stdout}`;
    // The JVM turns a native crash into an hs_err report and abort(): its "#  SIGSEGV (0xb) at pc=..." names the fault.
    const jvm = /^#\s+(SIG[A-Z]+) \(0x[0-9a-f]+\) at pc=.*$/m.exec(output);
    const fatal = /^FATAL ERROR: .*$/m.exec(output);
    // The signal always leads: the last line before a crash is rarely about it.
    const said = jvm?.[0].replace(/^#\s+/, '') ?? fatal?.[0] ?? lastLine(input.stderr);
    const message = `killed by ${input.signal}${said ? `: ${said}` : ''}`;
    return { status: 'crashed', class: 'crash', message, detail: { signal: input.signal, ...(jvm ? { fault: jvm[1]! } : {}), ...partial } };
  }
  if (report?.ok) return { status: 'passed', class: null, message: '', detail: partial };
  if (input.pidsLimitHit) {
    return failed('resource-limit', lastLine(input.stderr) || 'the sandbox\'s process limit refused a fork', { limit: 'pids' });
  }

  if (report === null) {
    // No report: the runtime did not start, or the library failed after loading (a lazily bound symbol at its first call).
    const rule = matchRules(input.stderr, ctx);
    if (rule) return failed(rule.class, lineAt(input.stderr, rule.index), rule.detail);
    const why = lastLine(input.stderr) || lastLine(input.stdout) || `the probe exited with ${input.exitCode} and no report`;
    return failed('unknown', why, input.exitCode !== null ? { exitCode: String(input.exitCode) } : {});
  }

  const error = report.error ?? '';
  if (report.stage === 'setup') return failed('unknown', oneLine(error) || 'the probe could not start', { stage: 'setup', ...partial });
  if (report.stage === 'init') {
    const init = initFailure(report, ctx);
    const message = oneLine(report.errorType && report.errorType !== 'Error' && !error.startsWith(report.errorType) ? `${report.errorType}: ${error}` : error);
    return failed(init.class, message, { ...init.detail, ...partial });
  }
  const rule = matchRules(error, ctx);
  return failed(rule?.class ?? 'unknown', oneLine(error) || 'the loader refused the binary without a message', { ...(rule?.detail ?? {}), ...partial });
}
