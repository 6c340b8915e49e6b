/**
 * JNI export names: which Java method a native library's exported function
 * implements, as the JVM decides it — by name alone.
 *
 * When a class calls a `native` method that was not registered with
 * `RegisterNatives`, the JVM computes a C function name from the class and the
 * method and looks it up in the libraries the class loader loaded
 * (HotSpot `NativeLookup::lookup_entry`, src/hotspot/share/prims/nativeLookup.cpp):
 *
 *   `Java_` + escaped binary class name (internal form) + `_` + escaped method name
 *   [+ `__` + escaped parameter descriptor, the "long name" for overloads]
 *
 * Escaping keeps ASCII A-Za-z0-9, writes `/` as `_`, `_` as `_1`, `;` as `_2`,
 * `[` as `_3`, and every other UTF-16 code unit as `_0xxxx` (lower-case hex;
 * `$` is `_00024`). JDK 17 and later (`map_escaped_name_on`) refuse to
 * map a method when a literal `0`-`3` would follow an underscore, so the
 * mapping is one-to-one: every export decodes to at most one method. Exports that decode
 * but are not the exact spelling the JVM computes (upper-case hex, an escaped
 * letter, a `$` left raw) are never looked up: they are reported `invalid`.
 *
 * Beside methods: `JNI_OnLoad` / `JNI_OnUnload` (called on load, usually to
 * `RegisterNatives`), `JNI_OnLoad_<lib>` / `JNI_OnUnload_<lib>` (a library
 * linked statically into the launcher, JNI spec "Library and Version
 * Management"), and `JavaCritical_` names (critical natives, JDK 7-17).
 *
 * Symbol spelling per format: ELF dynamic symbols as is; Mach-O symbols carry
 * the C leading underscore (`_Java_...`); 32-bit x86 Windows DLLs may export the
 * stdcall decoration `_Java_..._m@8`, which the JVM tries first
 * (`os::print_jni_name_prefix_on` / `_suffix_on`: `_` and `@<4 × argument
 * slots>`), then the bare name. MinGW's default `Java_..._m@8` (no underscore)
 * is found by neither lookup.
 *
 * Spec: https://docs.oracle.com/en/java/javase/21/docs/specs/jni/design.html#resolving-native-method-names
 *
 * @example
 * decodeJniName('Java_org_example_demo_Native_1Lib_00024Inner_add__II')
 * // { kind: 'method', className: 'org.example.demo.Native_Lib$Inner', method: 'add', signature: '(II)', ... }
 * mangleJniName('org.example.demo.Native_Lib', 'hello', null) // 'Java_org_example_demo_Native_1Lib_hello'
 */
import type { Arch } from '../../binary/arch.ts';
import type { ParsedBinary } from '../../binary/index.ts';

export interface JniMethodName {
  /** `method`: a `Java_` name; `critical`: a `JavaCritical_` name (critical natives, honoured by JDK 7-17 only). */
  kind: 'method' | 'critical';
  /** The declaring class's binary name, dotted: 'org.example.demo.Native_Lib$Inner'. */
  className: string;
  /** The class file that must declare the method: 'org/example/demo/Native_Lib$Inner.class'. */
  classFile: string;
  method: string;
  /** The parameter descriptor of a long (overload) name, in parentheses: '(I[BLjava/lang/String;)'; null for a short name. */
  signature: string | null;
}

export interface JniLifecycleName {
  /** `onload`: JNI_OnLoad[_<lib>]; `onunload`: JNI_OnUnload[_<lib>]. */
  kind: 'onload' | 'onunload';
  /** The library name of the statically linked form (`JNI_OnLoad_<lib>`); null for the dynamic form. */
  library: string | null;
}

export interface JniInvalidName {
  kind: 'invalid';
  /** Why no JVM looks this name up. */
  reason: string;
}

export type JniName = JniMethodName | JniLifecycleName | JniInvalidName;

/** The names a `keepDefinedSymbol` filter must keep for `jniBindings` (any format's spelling). */
export const JNI_SYMBOL = /^_?(Java_|JavaCritical_|JNI_OnLoad|JNI_OnUnload)/;

const ALNUM = /^[A-Za-z0-9]$/;

/**
 * Escapes one name the way HotSpot's `map_escaped_name_on` does; null when the
 * JVM rejects it (a literal 0-3 at the start or right after a `/`).
 */
function escape(name: string): string | null {
  let out = '';
  let afterSeparator = true;
  for (let i = 0; i < name.length; i++) {
    const c = name[i]!;
    if (ALNUM.test(c)) {
      if (afterSeparator && c >= '0' && c <= '3') return null;
      out += c;
      afterSeparator = false;
      continue;
    }
    afterSeparator = false;
    if (c === '_') out += '_1';
    else if (c === '/') {
      out += '_';
      afterSeparator = true;
    } else if (c === ';') out += '_2';
    else if (c === '[') out += '_3';
    else out += `_0${name.charCodeAt(i).toString(16).padStart(4, '0')}`;
  }
  return out;
}

/**
 * The exported name the JVM looks up for a native method: the short name, or
 * the long name when `signature` (the parameter descriptor, with or without
 * parentheses and return type) is given. `className` is dotted or in internal
 * form. Null when the JVM refuses to map the method (JDK 17+: a class, method
 * or parameter type name part starting with a digit 0-3).
 */
export function mangleJniName(className: string, method: string, signature: string | null = null, prefix: 'Java_' | 'JavaCritical_' = 'Java_'): string | null {
  const cls = escape(className.replace(/\./g, '/'));
  const m = escape(method);
  if (cls === null || m === null) return null;
  let name = `${prefix}${cls}_${m}`;
  if (signature !== null) {
    const open = signature.startsWith('(') ? 1 : 0;
    const close = signature.indexOf(')');
    const sig = escape(signature.slice(open, close < 0 ? undefined : close));
    if (sig === null) return null;
    name += `__${sig}`;
  }
  return name;
}

type Token = { sep: true } | { sep: false; ch: string };

/** Splits an escaped name into literal code units and `_` separators; a string on malformed input. */
function tokenize(text: string): Token[] | string {
  const tokens: Token[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (ALNUM.test(c)) {
      tokens.push({ sep: false, ch: c });
      continue;
    }
    if (c !== '_') return `'${c}' cannot appear in a JNI name (only A-Za-z0-9 and _ escapes)`;
    const next = text[i + 1];
    if (next === '0') {
      const hex = text.slice(i + 2, i + 6);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) return `'_0' at ${i} is not followed by 4 hex digits`;
      tokens.push({ sep: false, ch: String.fromCharCode(parseInt(hex, 16)) });
      i += 5;
    } else if (next === '1' || next === '2' || next === '3') {
      tokens.push({ sep: false, ch: next === '1' ? '_' : next === '2' ? ';' : '[' });
      i += 1;
    } else {
      tokens.push({ sep: true });
    }
  }
  return tokens;
}

/** One field descriptor starting at `i` (JVMS 4.3.2); the index after it, or -1. */
function fieldDescriptorEnd(d: string, i: number): number {
  let j = i;
  while (d[j] === '[') j++;
  if (j - i > 255) return -1;
  const c = d[j];
  if (c === undefined) return -1;
  if ('BCDFIJSZ'.includes(c)) return j + 1;
  if (c !== 'L') return -1;
  const end = d.indexOf(';', j);
  if (end < 0) return -1;
  const name = d.slice(j + 1, end);
  if (!isInternalClassName(name)) return -1;
  return end + 1;
}

/** A valid parameter list (field descriptors only). */
function isParameterDescriptor(d: string): boolean {
  let i = 0;
  while (i < d.length) {
    i = fieldDescriptorEnd(d, i);
    if (i < 0) return false;
  }
  return true;
}

/** JVMS 4.2.2: unqualified names hold no . ; [ /; method names also no < >. */
function isUnqualifiedName(s: string, method: boolean): boolean {
  return s.length > 0 && !/[.;[/]/.test(s) && !(method && /[<>]/.test(s));
}

function isInternalClassName(s: string): boolean {
  return s.split('/').every((p) => isUnqualifiedName(p, false));
}

/** Number of argument slots of a parameter descriptor (long and double take two). */
function parameterSlots(d: string): number {
  let slots = 0;
  let i = 0;
  while (i < d.length) {
    const end = fieldDescriptorEnd(d, i);
    if (end < 0) return -1;
    slots += d[i] === 'J' || d[i] === 'D' ? 2 : 1;
    i = end;
  }
  return slots;
}

function isMethodName(n: JniMethodName | JniLifecycleName): n is JniMethodName {
  return n.kind === 'method' || n.kind === 'critical';
}

const LIFECYCLE = /^JNI_(OnLoad|OnUnload)(?:_(.+))?$/;

/**
 * Decodes one undecorated C function name. Null when it is not a JNI name at
 * all (no `Java_`, `JavaCritical_`, `JNI_OnLoad`, `JNI_OnUnload` prefix);
 * `invalid` when it has the prefix but no JVM would ever look it up.
 */
export function decodeJniName(name: string): JniName | null {
  const life = LIFECYCLE.exec(name);
  if (life) return { kind: life[1] === 'OnLoad' ? 'onload' : 'onunload', library: life[2] ?? null };
  if (name.startsWith('JNI_OnLoad') || name.startsWith('JNI_OnUnload')) {
    return { kind: 'invalid', reason: `not JNI_OnLoad / JNI_OnUnload nor their JNI_OnLoad_<library> form` };
  }
  let kind: JniMethodName['kind'];
  let rest: string;
  if (name.startsWith('Java_')) {
    kind = 'method';
    rest = name.slice(5);
  } else if (name.startsWith('JavaCritical_')) {
    kind = 'critical';
    rest = name.slice(13);
  } else {
    return null;
  }
  const tokens = tokenize(rest);
  if (typeof tokens === 'string') return { kind: 'invalid', reason: tokens };
  // The first two consecutive separators start the parameter descriptor: a
  // class or method name never has an empty part.
  let split = -1;
  for (let i = 0; i + 1 < tokens.length; i++) {
    if (tokens[i]!.sep && tokens[i + 1]!.sep) {
      split = i;
      break;
    }
  }
  const head = split < 0 ? tokens : tokens.slice(0, split);
  const parts: string[] = [''];
  for (const t of head) {
    if (t.sep) parts.push('');
    else parts[parts.length - 1] += t.ch;
  }
  if (parts.length < 2) return { kind: 'invalid', reason: 'no class and method parts (no `_` separator after the prefix)' };
  const method = parts.pop()!;
  const internal = parts.join('/');
  if (!isInternalClassName(internal)) return { kind: 'invalid', reason: `'${internal}' is not a valid class name` };
  if (!isUnqualifiedName(method, true)) return { kind: 'invalid', reason: `'${method}' is not a valid method name` };
  let signature: string | null = null;
  if (split >= 0) {
    signature = tokens
      .slice(split + 2)
      .map((t) => (t.sep ? '/' : t.ch))
      .join('');
    if (!isParameterDescriptor(signature)) return { kind: 'invalid', reason: `'${signature}' is not a parameter descriptor` };
    signature = `(${signature})`;
  }
  const canonical = mangleJniName(internal, method, signature, kind === 'method' ? 'Java_' : 'JavaCritical_');
  if (canonical === null) return { kind: 'invalid', reason: 'a name part starts with a digit 0-3, which the JVM refuses to map (JDK 17+)' };
  if (canonical !== name) return { kind: 'invalid', reason: `not the JVM's spelling: it looks up ${canonical}` };
  return { kind, className: internal.replace(/\//g, '.'), classFile: `${internal}.class`, method, signature };
}

/** How a binary's exports are spelled: its format and machine. */
export interface ExportPlatform {
  format: 'elf' | 'macho' | 'pe';
  arch: Arch;
}

export interface JniMethodBinding extends JniMethodName {
  /** The exported symbol as stored in the binary. */
  symbol: string;
  /** 32-bit x86 PE stdcall decoration `_name@N`: N (4 × argument slots, JNIEnv and the object or class included); null otherwise. */
  stdcallArgBytes: number | null;
}

export interface JniLifecycleBinding extends JniLifecycleName {
  symbol: string;
}

export interface JniInvalidExport {
  symbol: string;
  /** Why the JVM never finds it. */
  reason: string;
}

export interface JniBindings {
  /** `Java_` and `JavaCritical_` exports, in the order given. */
  methods: JniMethodBinding[];
  /** JNI_OnLoad, JNI_OnUnload and their statically linked `_<library>` forms. */
  lifecycle: JniLifecycleBinding[];
  /** Exports with a JNI prefix that no JVM looks up. */
  invalid: JniInvalidExport[];
  /** Distinct binary class names the methods belong to, sorted. */
  classes: string[];
  /** Whether the library exports JNI_OnLoad (the dynamic form), where `RegisterNatives` usually happens. */
  hasOnLoad: boolean;
}

/**
 * The C name behind an exported symbol, and its stdcall argument size; null
 * when the loader could never reach a JNI function through this spelling.
 */
function undecorate(symbol: string, platform: ExportPlatform): { name: string; argBytes: number | null } | { invalid: string } | null {
  if (platform.format === 'macho') {
    // dlsym("Java_x") finds the symbol "_Java_x"; a symbol without the underscore is not reachable by C name.
    if (!symbol.startsWith('_')) return null;
    return { name: symbol.slice(1), argBytes: null };
  }
  if (platform.format === 'pe' && platform.arch === 'i386') {
    const d = /^_(.+)@(\d+)$/.exec(symbol);
    if (d) return { name: d[1]!, argBytes: Number(d[2]) };
    const mingw = /^(.+)@(\d+)$/.exec(symbol);
    if (mingw && JNI_SYMBOL.test(mingw[1]!)) {
      return {
        invalid:
          `stdcall-decorated without the leading underscore (MinGW's default): the JVM looks up _${mingw[1]}@${mingw[2]} and ${mingw[1]}; ` +
          'link with -Wl,--kill-at or -Wl,--add-stdcall-alias',
      };
    }
  }
  if (/^_(Java_|JavaCritical_|JNI_OnLoad|JNI_OnUnload)/.test(symbol)) {
    const x86 = platform.format === 'pe' && platform.arch === 'i386';
    const where = x86 ? 'but no @N stdcall suffix' : `on ${platform.format === 'pe' ? `${platform.arch} Windows` : 'ELF'}`;
    return { invalid: `a leading underscore ${where}: the JVM looks up ${symbol.slice(1)}${x86 ? ' or _<name>@<argument bytes>' : ''}` };
  }
  return { name: symbol, argBytes: null };
}

/**
 * The JNI bindings among a binary's exported names (ELF dynamic symbols,
 * Mach-O external symbols with their leading underscore, PE export names).
 * Names without a JNI prefix are ignored.
 */
export function jniBindings(exportedNames: Iterable<string>, platform: ExportPlatform): JniBindings {
  const methods: JniMethodBinding[] = [];
  const lifecycle: JniLifecycleBinding[] = [];
  const invalid: JniInvalidExport[] = [];
  const seen = new Set<string>();
  for (const symbol of exportedNames) {
    if (seen.has(symbol) || !JNI_SYMBOL.test(symbol)) continue;
    seen.add(symbol);
    const u = undecorate(symbol, platform);
    if (u === null) continue;
    if ('invalid' in u) {
      invalid.push({ symbol, reason: u.invalid });
      continue;
    }
    const decoded = decodeJniName(u.name);
    if (decoded === null) continue;
    if (decoded.kind === 'invalid') {
      invalid.push({ symbol, reason: decoded.reason });
      continue;
    }
    if (!isMethodName(decoded)) {
      if (u.argBytes !== null && u.argBytes !== 8) {
        invalid.push({ symbol, reason: `JNI_OnLoad / JNI_OnUnload take 8 bytes of arguments on x86 (JavaVM*, void*), not @${u.argBytes}` });
      } else {
        lifecycle.push({ kind: decoded.kind, library: decoded.library, symbol });
      }
      continue;
    }
    const method = decoded;
    if (u.argBytes !== null && method.signature !== null && method.kind === 'method') {
      const expected = 4 * (2 + parameterSlots(method.signature.slice(1, -1)));
      if (expected !== u.argBytes) {
        invalid.push({ symbol, reason: `the JVM looks up @${expected} for ${method.signature} (JNIEnv*, the object or class, then the parameters)` });
        continue;
      }
    }
    if (u.argBytes !== null && (u.argBytes < 8 || u.argBytes % 4 !== 0)) {
      invalid.push({ symbol, reason: `@${u.argBytes} is not a JNI argument size (4 × slots, at least 8 for JNIEnv* and the object or class)` });
      continue;
    }
    methods.push({ ...method, symbol, stdcallArgBytes: u.argBytes });
  }
  const classes = [...new Set(methods.map((m) => m.className))].sort();
  return { methods, lifecycle, invalid, classes, hasOnLoad: lifecycle.some((l) => l.kind === 'onload' && l.library === null) };
}

export interface SliceJniBindings {
  /** The slice's architecture (the binary's, for a thin file). */
  arch: Arch;
  bindings: JniBindings;
}

/**
 * The JNI bindings of a parsed binary, per slice of a fat Mach-O: ELF defined,
 * non-local, not hidden dynamic symbols; Mach-O defined external, not private
 * symbols; PE named exports (forwarders included: the loader follows them).
 */
export function binaryJniBindings(bin: ParsedBinary): SliceJniBindings[] {
  switch (bin.format) {
    case 'elf': {
      const names = bin.dynamicSymbols
        .filter((s) => s.defined && s.name && s.bindName !== 'LOCAL' && s.visibilityName !== 'HIDDEN' && s.visibilityName !== 'INTERNAL')
        .map((s) => s.name);
      return [{ arch: bin.header.arch, bindings: jniBindings(names, { format: 'elf', arch: bin.header.arch }) }];
    }
    case 'macho':
      return bin.slices.map((slice) => {
        const names = slice.symbols.filter((s) => s.defined && s.external && !s.privateExternal && s.name).map((s) => s.name!);
        return { arch: slice.arch, bindings: jniBindings(names, { format: 'macho', arch: slice.arch }) };
      });
    case 'pe': {
      const names = (bin.exports?.functions ?? []).flatMap((f) => f.names);
      return [{ arch: bin.coff.arch, bindings: jniBindings(names, { format: 'pe', arch: bin.coff.arch }) }];
    }
  }
}
