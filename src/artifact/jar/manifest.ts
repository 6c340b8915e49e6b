/**
 * META-INF/MANIFEST.MF, read the way `java.util.jar.Manifest` reads it, and
 * the OSGi `Bundle-NativeCode` header, with its osname / processor values
 * brought to the project's vocabulary.
 *
 * Manifest (JAR File Specification, "Manifest Specification"): a main section,
 * then per-entry sections that each start with `Name: <path>`, separated by
 * blank lines. `Name: value` headers, the name 1-70 of A-Za-z0-9 `-` `_`, then
 * `: ` (colon and one space); a line starting with one space continues the
 * previous value (its text after the space is appended as is: values are cut
 * at 72 bytes without regard to words); line ends CR LF, LF or CR; UTF-8.
 * What the JDK does beyond the spec, measured on JDK 17 and reproduced here:
 * a line over 511 bytes, a header without `: `, an invalid name, a
 * continuation line first in a section, or a section after the main one that
 * does not start with `Name:` make it throw (`javaRejects`); a last line
 * without a line end is dropped silently; a repeated header keeps the last
 * value; sections with the same Name are merged.
 *
 * Bundle-NativeCode (OSGi Core, "Loading Native Code Libraries"):
 *
 *   Bundle-NativeCode ::= nativecode ( ',' nativecode )* ( ',' '*' )?
 *   nativecode        ::= path ( ';' path )* ( ';' parameter )*
 *
 * with parameters `osname`, `osversion` (a version range), `processor`,
 * `language` (repeatable) and `selection-filter` (an LDAP filter); values may
 * be quoted. A final `*` makes the header optional: no matching clause is then
 * not a resolution error.
 *
 * Alias tables: the OSGi specification's OS and processor names, as Equinox
 * ships them (org.eclipse.osgi/.../framework/osname.aliases, processor.aliases),
 * matched case-insensitively, plus the spellings real JARs use (`win`,
 * `darwin`, `armel`, `sparcv9`), which resolve to an OS / architecture but
 * carry `osgi: null` because no framework alias table knows them.
 *
 * Spec: https://docs.oracle.com/en/java/javase/21/docs/specs/jar/jar.html#manifest-specification
 * and https://docs.osgi.org/specification/osgi.core/8.0.0/framework.module.html#framework.module-loading.native.code.libraries
 *
 * @example
 * const m = parseManifest('Manifest-Version: 1.0\nBundle-NativeCode: lib/x.so; osname=Linux; processor=x86-64, *\n');
 * parseBundleNativeCode(attributeValue(m.main, 'bundle-nativecode')!)
 * // { clauses: [{ paths: ['lib/x.so'], osnames: [{ value: 'Linux', osgi: 'Linux', os: 'linux' }], ... }], optional: true, problems: [] }
 */
import type { Arch } from '../../binary/arch.ts';
import type { Os } from '../../target.ts';

export interface ManifestAttribute {
  /** The header name as written. */
  name: string;
  /** The value, continuation lines joined as `java.util.jar.Manifest` joins them. */
  value: string;
  /** 1-based line of the header. */
  line: number;
}

export interface ManifestSection {
  /** null for the main section; the `Name:` value of a per-entry section. */
  name: string | null;
  /** 1-based line where the section starts. */
  line: number;
  /** Every header in order, repeats included (`attributeValue` gives the one the JDK keeps). */
  attributes: ManifestAttribute[];
}

export interface ManifestProblem {
  line: number;
  /** `error`: java.util.jar.Manifest throws on it; `warning`: the JDK reads on, but the manifest breaks the spec or loses data. */
  severity: 'error' | 'warning';
  message: string;
}

export interface Manifest {
  main: ManifestSection;
  /** Per-entry sections in file order (a Name that repeats appears twice; the JDK merges them, see `entryAttributes`). */
  entries: ManifestSection[];
  problems: ManifestProblem[];
  /** Whether java.util.jar.Manifest throws on this manifest (then `JarFile.getManifest()` fails). The parse here reads on. */
  javaRejects: boolean;
}

const HEADER_NAME = /^[A-Za-z0-9_-]{1,70}$/;
/** Problems listed at most (a hostile manifest could have one per line); the rest are counted. */
const MAX_PROBLEMS = 200;
/** The JDK reads lines into a 512-byte buffer: at most 511 bytes before the line end. */
const JDK_LINE_MAX = 511;
/** The specification's limit, line end excluded. */
const SPEC_LINE_MAX = 72;

interface RawLine {
  bytes: Uint8Array;
  /** 1-based. */
  no: number;
  /** Whether a line end followed. */
  terminated: boolean;
  /** Whether the line end was CR LF. */
  crlf: boolean;
}

function splitLines(b: Uint8Array): RawLine[] {
  const lines: RawLine[] = [];
  let start = 0;
  let no = 1;
  for (let i = 0; i < b.length; i++) {
    const c = b[i];
    if (c === 0x0a || c === 0x0d) {
      const crlf = c === 0x0d && b[i + 1] === 0x0a;
      lines.push({ bytes: b.subarray(start, i), no: no++, terminated: true, crlf });
      if (crlf) i++;
      start = i + 1;
    }
  }
  if (start < b.length) lines.push({ bytes: b.subarray(start), no, terminated: false, crlf: false });
  return lines;
}

const utf8 = new TextDecoder('utf-8');

function text(b: Uint8Array): string {
  return utf8.decode(b);
}

/**
 * Parses a manifest (bytes as stored, or text). Never throws; the work is
 * linear in the input. Where the JDK throws, the problem is recorded and the
 * parse reads on (skipping the line), so the caller still sees the rest.
 */
export function parseManifest(input: Uint8Array | string): Manifest {
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input;
  const problems: ManifestProblem[] = [];
  let javaRejects = false;
  let unlisted = 0;
  const problem = (line: number, severity: ManifestProblem['severity'], message: string) => {
    if (severity === 'error') javaRejects = true;
    if (problems.length < MAX_PROBLEMS) problems.push({ line, severity, message });
    else unlisted++;
  };
  const main: ManifestSection = { name: null, line: 1, attributes: [] };
  /** Lower-case header names seen per section (repeats are reported, in constant time). */
  const seenNames = new Map<ManifestSection, Set<string>>();
  const entries: ManifestSection[] = [];
  let section: ManifestSection | null = main;
  /**
   * The header or section Name whose value may still continue. The JDK
   * joins the bytes of its lines and decodes them once (a UTF-8 character may
   * be cut by the 72-byte wrap), and stores it when a line not starting with a
   * space follows.
   */
  const st: { open: { pieces: Uint8Array[]; commit: (value: string) => void } | null } = { open: null };
  const close = () => {
    if (st.open) st.open.commit(text(concat(st.open.pieces)));
    st.open = null;
  };

  const lines = splitLines(bytes);
  for (let li = 0; li < lines.length; li++) {
    const l = lines[li]!;
    if (!l.terminated) {
      if (l.bytes.length > JDK_LINE_MAX) {
        problem(l.no, 'error', `line of ${l.bytes.length} bytes: java.util.jar.Manifest throws "line too long" (at most ${JDK_LINE_MAX})`);
      }
      if (l.bytes[0] === 0x20 && st.open) {
        problem(l.no, 'warning', 'the last line continues a value but has no line end: java.util.jar.Manifest drops the whole header');
        st.open = null;
      } else {
        problem(l.no, 'warning', 'the last line has no line end: java.util.jar.Manifest ignores it');
      }
      break;
    }
    if (l.bytes.length > JDK_LINE_MAX) {
      problem(l.no, 'error', `line of ${l.bytes.length} bytes: java.util.jar.Manifest throws "line too long" (at most ${JDK_LINE_MAX})`);
    } else if (l.bytes.length > SPEC_LINE_MAX) {
      problem(l.no, 'warning', `line of ${l.bytes.length} bytes: the specification allows ${SPEC_LINE_MAX}`);
    }
    if (l.bytes[0] === 0x20) {
      if (st.open) st.open.pieces.push(l.bytes.subarray(1));
      else problem(l.no, 'error', 'continuation line with no header before it (java.util.jar.Manifest: "misplaced continuation line")');
    } else {
      close();
      if (l.bytes.length === 0) {
        // A blank line ends the section; repeated blank lines are skipped.
        section = null;
      } else {
        section = header(l, section);
      }
    }
    // The JDK reads lines into 512 bytes: 511 bytes then CR fill it, and the LF
    // left over reads as a blank line of its own, which ends the section.
    if (l.crlf && l.bytes.length === JDK_LINE_MAX) {
      close();
      section = null;
    }
  }
  close();
  if (unlisted > 0) problems.push({ line: problems[problems.length - 1]!.line, severity: 'warning', message: `${unlisted} more problems not listed` });
  return { main, entries, problems, javaRejects };

  /** One header line; returns the section it belongs to. */
  function header(l: RawLine, current: ManifestSection | null): ManifestSection | null {
    const line = text(l.bytes);
    const colon = line.indexOf(':');
    const name = colon < 0 ? '' : line.slice(0, colon);
    if (colon < 0 || line[colon + 1] !== ' ') {
      problem(l.no, 'error', `not a 'Name: value' header (the JDK needs ': ' after the name): ${JSON.stringify(line.slice(0, 80))}`);
      return current;
    }
    // Bytes after ': ' (the name is ASCII when valid; find the offset in bytes).
    const valueBytes = l.bytes.subarray(new TextEncoder().encode(line.slice(0, colon + 2)).length);
    if (current === null) {
      // First line of a per-entry section: it must be Name.
      if (name.toLowerCase() !== 'name') {
        problem(l.no, 'error', `a section after the main one must start with 'Name: <path>' (java.util.jar.Manifest: "invalid manifest format"): ${JSON.stringify(line.slice(0, 80))}`);
        const orphan: ManifestSection = { name: '', line: l.no, attributes: [] };
        entries.push(orphan);
        return orphan;
      }
      const s: ManifestSection = { name: '', line: l.no, attributes: [] };
      st.open = {
        pieces: [valueBytes],
        commit: (v) => {
          s.name = v;
          entries.push(s);
        },
      };
      return s;
    }
    // The JDK checks the name and repeats when it stores the value, after its last continuation line.
    const attr: ManifestAttribute = { name, value: '', line: l.no };
    st.open = {
      pieces: [valueBytes],
      commit: (v) => {
        if (!HEADER_NAME.test(name)) {
          problem(l.no, 'error', `invalid header name ${JSON.stringify(name.slice(0, 80))} (1-70 of A-Za-z0-9 - _)`);
          return;
        }
        const key = name.toLowerCase();
        let seen = seenNames.get(current);
        if (!seen) seenNames.set(current, (seen = new Set()));
        if (seen.has(key)) {
          problem(l.no, 'warning', `'${name}' repeats in the ${current === main ? 'main section' : `section of ${current.name}`}: the JDK keeps the last value`);
        }
        seen.add(key);
        attr.value = v;
        current.attributes.push(attr);
      },
    };
    return current;
  }
}

function concat(parts: Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The value the JDK keeps for a header (the last one; names are case-insensitive), or null. */
export function attributeValue(section: ManifestSection, name: string): string | null {
  const key = name.toLowerCase();
  for (let i = section.attributes.length - 1; i >= 0; i--) {
    const a = section.attributes[i]!;
    if (a.name.toLowerCase() === key) return a.value;
  }
  return null;
}

const entryIndex = new WeakMap<Manifest, Map<string, ManifestSection>>();

/**
 * A per-entry section's headers as the JDK sees them (sections with the same
 * Name merged); null when there is none. The index is built once per
 * manifest: a signed JAR has one section per file.
 */
export function entryAttributes(m: Manifest, path: string): ManifestSection | null {
  let index = entryIndex.get(m);
  if (!index) {
    index = new Map();
    for (const e of m.entries) {
      if (e.name === null) continue;
      const merged = index.get(e.name);
      if (merged) merged.attributes = merged.attributes.concat(e.attributes);
      else index.set(e.name, { name: e.name, line: e.line, attributes: e.attributes.slice() });
    }
    entryIndex.set(m, index);
  }
  return index.get(path) ?? null;
}

// ---------------------------------------------------------------------------
// Bundle-NativeCode

export interface NativeCodeOs {
  /** As written. */
  value: string;
  /** The OSGi canonical name when the value is an OSGi name or alias ('MacOSX', 'Win32' → 'Win32'), else null. */
  osgi: string | null;
  /** In the project's vocabulary; null for an OS outside it (AIX, Solaris, Windows CE) or an unknown value. */
  os: Os | null;
}

export interface NativeCodeProcessor {
  value: string;
  /** The OSGi canonical name ('x86-64', 'aarch64', 'PowerPC-64-LE'), else null. */
  osgi: string | null;
  arch: Arch | null;
}

export interface NativeCodeClause {
  /** Paths of the libraries, as written (frameworks also accept a leading '/'). */
  paths: string[];
  osnames: NativeCodeOs[];
  processors: NativeCodeProcessor[];
  /** Version ranges, as written ('[10.9,11)', '5.0'). */
  osversions: string[];
  languages: string[];
  selectionFilter: string | null;
  /** Parameters the specification does not define, as written. */
  other: { name: string; value: string }[];
}

export interface BundleNativeCode {
  clauses: NativeCodeClause[];
  /** A final `*`: when no clause matches, the bundle still resolves (without native code). */
  optional: boolean;
  problems: string[];
}

/** Splits on `sep` outside double quotes; `\` escapes inside quotes. */
function splitOutsideQuotes(s: string, sep: string): { parts: string[]; unterminated: boolean } {
  const parts: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (quoted && c === '\\' && i + 1 < s.length) {
      cur += c + s[i + 1]!;
      i++;
    } else if (c === '"') {
      quoted = !quoted;
      cur += c;
    } else if (c === sep && !quoted) {
      parts.push(cur);
      cur = '';
    } else {
      cur += c;
    }
  }
  parts.push(cur);
  return { parts, unterminated: quoted };
}

function unquote(v: string): string {
  const t = v.trim();
  if (t.length >= 2 && t.startsWith('"') && t.endsWith('"')) return t.slice(1, -1).replace(/\\(.)/g, '$1');
  return t;
}

/** The `=` of a parameter outside quotes, or -1. */
function equalsAt(part: string): number {
  let quoted = false;
  for (let i = 0; i < part.length; i++) {
    if (part[i] === '"') quoted = !quoted;
    else if (part[i] === '=' && !quoted) return i;
  }
  return -1;
}

/** Parses a Bundle-NativeCode value. Never throws; linear in the input. */
export function parseBundleNativeCode(value: string): BundleNativeCode {
  const listed: string[] = [];
  let unlisted = 0;
  const problems = {
    push(p: string) {
      if (listed.length < MAX_PROBLEMS) listed.push(p);
      else unlisted++;
    },
  };
  const clauses: NativeCodeClause[] = [];
  let optional = false;
  const split = splitOutsideQuotes(value, ',');
  if (split.unterminated) problems.push('unterminated quoted string');
  const raw = split.parts.map((p) => p.trim());
  raw.forEach((text, index) => {
    if (text === '') {
      problems.push(`empty clause (#${index + 1})`);
      return;
    }
    if (text === '*') {
      if (index !== raw.length - 1) problems.push("'*' must be the last clause");
      optional = true;
      return;
    }
    const clause: NativeCodeClause = { paths: [], osnames: [], processors: [], osversions: [], languages: [], selectionFilter: null, other: [] };
    let sawParameter = false;
    for (const partRaw of splitOutsideQuotes(text, ';').parts) {
      const part = partRaw.trim();
      if (part === '') {
        problems.push(`empty element in clause ${JSON.stringify(text.slice(0, 80))}`);
        continue;
      }
      const eq = equalsAt(part);
      if (eq < 0) {
        if (sawParameter) problems.push(`path '${unquote(part)}' after the parameters of its clause: each clause lists its paths first`);
        clause.paths.push(unquote(part));
        continue;
      }
      sawParameter = true;
      // A directive would be `name:=value`; none is defined for this header.
      const name = part.slice(0, eq).trim().replace(/:$/, '');
      const v = unquote(part.slice(eq + 1));
      switch (name.toLowerCase()) {
        case 'osname':
          clause.osnames.push(normalizeOsName(v));
          break;
        case 'processor':
          clause.processors.push(normalizeProcessor(v));
          break;
        case 'osversion':
          clause.osversions.push(v);
          break;
        case 'language':
          clause.languages.push(v);
          break;
        case 'selection-filter':
          if (clause.selectionFilter !== null) problems.push('selection-filter given twice in one clause');
          clause.selectionFilter = v;
          break;
        default:
          clause.other.push({ name, value: v });
      }
    }
    if (clause.paths.length === 0) problems.push(`clause without a library path: ${JSON.stringify(text.slice(0, 80))}`);
    clauses.push(clause);
  });
  if (unlisted > 0) listed.push(`${unlisted} more problems not listed`);
  return { clauses, optional, problems: listed };
}

/** [aliases (lower case, spaces collapsed)], OSGi canonical name, project OS. */
const OS_ALIASES: [string[], string | null, Os | null][] = [
  [['linux'], 'Linux', 'linux'],
  [['macosx', 'mac os x'], 'MacOSX', 'macos'],
  [['macos', 'mac os'], 'MacOS', 'macos'],
  [['freebsd'], 'FreeBSD', 'freebsd'],
  [['aix'], 'AIX', null],
  [['digitalunix'], 'DigitalUnix', null],
  [['embos'], 'embos', null],
  [['epoc32', 'symbianos'], 'Epoc32', null],
  [['hpux', 'hp-ux'], 'HPUX', null],
  [['irix'], 'IRIX', null],
  [['netbsd'], 'NetBSD', null],
  [['netware'], 'Netware', null],
  [['openbsd'], 'OpenBSD', null],
  [['os2', 'os/2'], 'OS2', null],
  [['qnx', 'procnto'], 'QNX', null],
  [['solaris'], 'Solaris', null],
  [['sunos'], 'SunOS', null],
  [['vxworks'], 'VxWorks', null],
  [['windowsce', 'windows ce', 'wince'], 'WindowsCE', null],
  [['win32'], 'Win32', 'windows'],
  [['windows95', 'windows 95', 'win95'], 'Windows95', 'windows'],
  [['windows98', 'windows 98', 'win98'], 'Windows98', 'windows'],
  [['windowsnt', 'windows nt', 'winnt'], 'WindowsNT', 'windows'],
  [['windows2000', 'windows 2000', 'win2000'], 'Windows2000', 'windows'],
  [['windowsxp', 'windows xp', 'winxp'], 'WindowsXP', 'windows'],
  [['windows2003', 'windows 2003', 'windows server 2003', 'win2003'], 'Windows2003', 'windows'],
  [['windowsvista', 'windows vista', 'winvista'], 'WindowsVista', 'windows'],
  [['windows2008', 'windowsserver2008', 'windows 2008', 'windows server 2008', 'win2008'], 'WindowsServer2008', 'windows'],
  [['windowsserver2008r2', 'windows 2008 r2', 'windows server 2008 r2', 'win2008r2'], 'WindowsServer2008R2', 'windows'],
  [['windowsserver2012', 'windows 2012', 'windows server 2012', 'win2012'], 'WindowsServer2012', 'windows'],
  [['windowsserver2012r2', 'windows 2012 r2', 'windows server 2012 r2', 'win2012r2'], 'WindowsServer2012R2', 'windows'],
  [['windows7', 'windows 7', 'win7'], 'Windows7', 'windows'],
  [['windows8', 'windows 8', 'windows 8.1', 'win8'], 'Windows8', 'windows'],
  [['windows10', 'windows 10', 'win10'], 'Windows10', 'windows'],
  [['windows nt (unknown)'], 'Win32', 'windows'],
  // Not OSGi names, but what real manifests write.
  [['darwin', 'osx', 'mac'], null, 'macos'],
  [['win', 'windows'], null, 'windows'],
  [['android'], null, 'android'],
  [['ios'], null, 'ios'],
];

const PROCESSOR_ALIASES: [string[], string | null, Arch | null][] = [
  [['x86-64', 'amd64', 'em64t', 'x86_64'], 'x86-64', 'x86_64'],
  [['x86', 'pentium', 'i386', 'i486', 'i586', 'i686'], 'x86', 'i386'],
  [['aarch64', 'arm64'], 'aarch64', 'arm64'],
  [['arm'], 'ARM', 'arm'],
  [['arm_le'], 'arm_le', 'arm'],
  [['arm_be'], 'arm_be', 'arm'],
  [['powerpc', 'power', 'ppc'], 'PowerPC', 'ppc'],
  [['powerpc-64', 'ppc64'], 'PowerPC-64', 'ppc64'],
  [['powerpc-64-le', 'ppc64le'], 'PowerPC-64-LE', 'ppc64le'],
  [['s390'], 's390', 's390'],
  [['s390x'], 's390x', 's390x'],
  [['sparc'], 'Sparc', 'sparc'],
  [['mips'], 'Mips', 'mips'],
  [['riscv64'], 'riscv64', 'riscv64'],
  [['loongarch64'], 'loongarch64', 'loongarch64'],
  [['68k'], '68k', null],
  [['alpha'], 'Alpha', null],
  [['ignite', 'psc1k'], 'Ignite', null],
  [['parisc'], 'PArisc', null],
  [['v850e'], 'v850e', null],
  // Not OSGi names, but what real manifests write.
  [['armel', 'armhf', 'armv7', 'armv7l', 'armv7a', 'armv6', 'armv6l', 'armv5'], null, 'arm'],
  [['sparcv9', 'sparc64'], null, 'sparc64'],
  [['mips64el'], null, 'mips64el'],
  [['mips64'], null, 'mips64'],
  [['mipsel'], null, 'mipsel'],
  [['ia64', 'itanium'], null, 'ia64'],
  [['x64'], null, 'x86_64'],
  [['riscv32'], null, 'riscv32'],
];

function lookup<T>(table: [string[], string | null, T | null][], value: string): [string | null, T | null] {
  const key = value.trim().toLowerCase().replace(/\s+/g, ' ');
  for (const [aliases, osgi, ours] of table) if (aliases.includes(key)) return [osgi, ours];
  return [null, null];
}

/** An `osname` value in OSGi and project terms ('Mac OS X' → MacOSX, macos). */
export function normalizeOsName(value: string): NativeCodeOs {
  const [osgi, os] = lookup(OS_ALIASES, value);
  return { value, osgi, os };
}

/** A `processor` value in OSGi and project terms ('amd64' → x86-64, x86_64). */
export function normalizeProcessor(value: string): NativeCodeProcessor {
  const [osgi, arch] = lookup(PROCESSOR_ALIASES, value);
  return { value, osgi, arch };
}
