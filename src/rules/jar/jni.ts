/**
 * JNI bindings of a JAR's native libraries against the JAR's classes. The JVM
 * binds a `native` method by name: it computes `Java_<class>_<method>` from
 * the class's binary name and looks it up in the libraries the class loader
 * loaded (jni.ts in src/artifact/jar/ decodes the names). So
 *
 * - an export whose class is not in the JAR is dead — and when the class is
 *   there under another package (a shader relocated `org.x.Y` to
 *   `shaded.org.x.Y` without renaming the natives), every call of its native
 *   methods throws `UnsatisfiedLinkError`;
 * - a netty library is found by a file name that carries the relocated
 *   package of netty's NativeLibraryLoader (netty mangles the prefix into the
 *   name and registers its natives from JNI_OnLoad): a prefix that does not
 *   match any loader in the JAR is never loaded;
 * - a library with neither `Java_` exports nor `JNI_OnLoad` binds nothing;
 * - an export with a JNI prefix that no JVM looks up (MinGW's stdcall
 *   decoration `Java_x@8` without the leading underscore, a wrong spelling)
 *   is as good as missing.
 */
import type { AuditedBinary, Check, Rule } from '../../audit/types.ts';
import { binaryJniBindings, JNI_SYMBOL, mangleJniName, type JniInvalidExport, type JniMethodBinding } from '../../artifact/jar/jni.ts';
import { innerPath } from '../../artifact/jar/reader.ts';
import { classIndex, dotted, jarOf, nativeBinaries, type Ctx } from './common.ts';
import { ids, listSome } from '../messages.ts';

export const JNI_BINDING_WITHOUT_CLASS: Check = {
  id: 'jni.binding-without-class',
  severity: 'error',
  title: 'A JNI export names a class the JAR does not have',
  explain:
    'A native library exports `Java_<class>_<method>` functions, and the JVM binds a native method by exactly that name, computed from the class\'s fully qualified name. ' +
    'The class the name encodes is not in the JAR. When the JAR holds the same class under another package — a shader (maven-shade-plugin, Gradle shadow) relocated `org.xerial.snappy` to `shaded.org.xerial.snappy` but left the library as it was — every call of its native methods fails with `java.lang.UnsatisfiedLinkError: \'<return type> shaded.org.xerial.snappy.SnappyNative.<method>(...)\'` (GradleUp/shadow#292, grpc/grpc-java#2940). That is an error; without a relocated copy the export is merely dead, or the class comes from another JAR (a warning). ' +
    'For netty the same mistake has another shape: netty loads `lib<prefix>netty_transport_native_epoll_x86_64.so`, where `<prefix>` is the relocated package of its NativeLibraryLoader (`io.grpc.netty.shaded.` → `io_grpc_netty_shaded_`), so a shaded netty whose library kept the unshaded name (or the other way round) finds no library at all (netty/netty#6665, micrometer-metrics/micrometer#1027).',
  fix:
    'Exclude the packages that have natives from relocation (shade `<excludes>`, shadow `relocate(...) { exclude(...) }`), or rebuild the library with the relocated names. For netty, rename the resource with the shaded prefix the way grpc-netty-shaded does (`META-INF/native/libio_grpc_netty_shaded_netty_...so`).',
};

export const JNI_NO_ENTRY_POINTS: Check = {
  id: 'jni.no-entry-points',
  severity: 'warning',
  title: 'A native library exports no JNI entry point',
  explain:
    'The library exports neither `Java_…` functions nor `JNI_OnLoad`, so once `System.load` has loaded it, no native method can bind to it: the first call fails with `UnsatisfiedLinkError`. ' +
    'A library that registers its methods with `RegisterNatives` must do so from an exported `JNI_OnLoad` (netty and JNA do); a `JNI_OnLoad_<library>` alone is only called for libraries linked statically into the launcher. ' +
    'It is a warning, not an error, because a library loaded some other way — through JNA, JNR or the Panama FFM API, or as the dependency of another library of the JAR — needs no JNI entry point.',
  fix: 'Export the `Java_` functions (`JNIEXPORT`, not `-fvisibility=hidden` without it) or a `JNI_OnLoad` that calls `RegisterNatives`; if the library is not meant for JNI, ignore this.',
};

export const JNI_UNBINDABLE_EXPORT: Check = {
  id: 'jni.unbindable-export',
  severity: 'error',
  title: 'A JNI export is spelled so the JVM never finds it',
  explain:
    'The library exports functions with a JNI prefix (`Java_`, `JNI_OnLoad`) under a name no JVM looks up. ' +
    'The usual case is 32-bit Windows: MinGW decorates `__stdcall` functions as `Java_pkg_Cls_m@8`, while HotSpot looks up `_Java_pkg_Cls_m@8` (MSVC\'s decoration) and then the bare `Java_pkg_Cls_m` — so every native method fails with `UnsatisfiedLinkError` on x86 Windows JVMs. ' +
    'Other cases: an `@N` that is not the argument size the JVM computes, a leading underscore on ELF or x86-64 Windows, a name that is not the JVM\'s own escaping of the method (upper-case hex, a raw `$`).',
  fix: 'Link 32-bit Windows DLLs with `-Wl,--kill-at` (or `-Wl,--add-stdcall-alias`), and generate names with `javac -h` rather than by hand.',
};

const NETTY_LOADER = 'io/netty/util/internal/NativeLibraryLoader';

/** netty's calculateMangledPackagePrefix: the relocated package, '.' → '_', '_' → '_1', with a trailing '_'. */
function nettyPrefix(loaderName: string): string {
  const pkg = loaderName.slice(0, loaderName.length - NETTY_LOADER.length);
  return pkg.replace(/_/g, '_1').replace(/\//g, '_');
}

function bindingsOf(bin: AuditedBinary): { methods: JniMethodBinding[]; invalid: JniInvalidExport[]; onload: boolean; staticOnload: string[] } {
  const methods = new Map<string, JniMethodBinding>();
  const invalid = new Map<string, JniInvalidExport>();
  let onload = false;
  const staticOnload = new Set<string>();
  for (const s of binaryJniBindings(bin.parsed)) {
    for (const m of s.bindings.methods) methods.set(`${m.kind}:${m.className}.${m.method}${m.signature ?? ''}`, m);
    for (const i of s.bindings.invalid) invalid.set(i.symbol, i);
    onload ||= s.bindings.hasOnLoad;
    for (const l of s.bindings.lifecycle) if (l.kind === 'onload' && l.library !== null) staticOnload.add(l.symbol);
  }
  return { methods: [...methods.values()], invalid: [...invalid.values()], onload, staticOnload: [...staticOnload] };
}

function methodText(m: JniMethodBinding): string {
  return `${m.method}${m.signature ?? ''}`;
}

function reportBindings(ctx: Ctx): void {
  const jar = jarOf(ctx);
  if (!jar) return;
  const index = classIndex(jar);
  for (const { native, bin } of nativeBinaries(ctx, jar)) {
    if (!bin) continue;
    const { methods } = bindingsOf(bin);
    const byClass = new Map<string, JniMethodBinding[]>();
    for (const m of methods) {
      const internal = m.classFile.slice(0, -'.class'.length);
      if (index.has(internal)) continue;
      byClass.set(internal, [...(byClass.get(internal) ?? []), m]);
    }
    if (byClass.size === 0) continue;
    const targets = ids(ctx.targetsOf(bin));
    if (index.count === 0) {
      const classes = [...byClass.keys()].map(dotted);
      ctx.report(JNI_BINDING_WITHOUT_CLASS, {
        message: `${native.path} exports native methods of ${listSome(classes, 3)}, but the JAR holds no class files at all: they must come from another JAR on the class path (a natives-only JAR), which the audit cannot see`,
        file: native.path,
        targets,
        severity: 'warning',
        evidence: { classes, methods: [...byClass.values()].flat().map((m) => m.symbol), classesInJar: 0 },
        hint: 'Audit the JAR together with the one that holds the classes (a fat JAR), or ignore this for a natives-only classifier JAR.',
      });
      continue;
    }
    for (const [internal, ms] of byClass) {
      const relocated = index.relocated(internal);
      const similar = index.sameSimpleName(internal);
      const names = ms.map(methodText);
      const cls = dotted(internal);
      if (relocated.length > 0) {
        const r = relocated[0]!;
        const m0 = ms[0]!;
        const wanted = mangleJniName(dotted(r.name), m0.method, m0.signature);
        ctx.report(JNI_BINDING_WITHOUT_CLASS, {
          message:
            `${native.path} exports ${ms.length === 1 ? 'a native method' : `${ms.length} native methods`} of ${cls} (${listSome(names, 4)}), but the JAR has no ${internal}.class: ` +
            `it has ${r.path} — the class relocated by a shader, whose native methods throw UnsatisfiedLinkError (the JVM looks up ${wanted ?? `Java_${dotted(r.name)}`}, the library exports ${m0.symbol})`,
          file: native.path,
          targets,
          evidence: { class: cls, methods: ms.map((m) => ({ method: m.method, signature: m.signature, symbol: m.symbol })), relocatedTo: relocated.map((c) => c.path), sameSimpleName: similar.map((c) => c.path) },
          hint: `Exclude ${cls.slice(0, cls.lastIndexOf('.'))} from relocation, or rebuild ${innerPath(native.path).split('/').pop()} with the names of ${dotted(r.name)}.`,
        });
      } else {
        ctx.report(JNI_BINDING_WITHOUT_CLASS, {
          message:
            `${native.path} exports ${ms.length === 1 ? 'a native method' : `${ms.length} native methods`} of ${cls} (${listSome(names, 4)}), but the JAR has no ${internal}.class` +
            (similar.length > 0 ? ` (classes of that simple name: ${listSome(similar.map((c) => c.path), 3)})` : '') +
            ': the export is dead, or the class comes from another JAR',
          file: native.path,
          targets,
          severity: 'warning',
          evidence: { class: cls, methods: ms.map((m) => ({ method: m.method, signature: m.signature, symbol: m.symbol })), relocatedTo: [], sameSimpleName: similar.map((c) => c.path) },
          hint: `Check that ${cls} ships with this library, or drop its exports.`,
        });
      }
    }
  }
}

function reportNettyPrefixes(ctx: Ctx): void {
  const jar = jarOf(ctx);
  if (!jar) return;
  const loaders = jar.classes.filter((c) => c.release === null && (c.name === NETTY_LOADER || c.name.endsWith(`/${NETTY_LOADER}`)));
  if (loaders.length === 0) return;
  const prefixes = new Map(loaders.map((l) => [nettyPrefix(l.name), l]));
  const byPath = new Map(ctx.binaries.map((b) => [b.path, b]));
  for (const n of jar.natives) {
    const c = n.claim;
    if (!c || c.convention !== 'netty' || c.shadedPrefix === null) continue;
    if (prefixes.has(c.shadedPrefix)) continue;
    const file = innerPath(n.path).split('/').pop()!;
    const libPart = file.endsWith('.dll') ? 0 : 3;
    const [want, loader] = [...prefixes.entries()][0]!;
    const expected = `${file.slice(0, libPart)}${want}${file.slice(libPart + c.shadedPrefix.length)}`;
    const bin = byPath.get(n.path);
    ctx.report(JNI_BINDING_WITHOUT_CLASS, {
      message:
        `${n.path} carries ${c.shadedPrefix === '' ? 'no package prefix' : `the prefix of ${c.shadedPackage}`}, but netty's loader in this JAR is ${loader.path}` +
        `, which asks for ${expected}: the library is never loaded (UnsatisfiedLinkError: could not load a native library: ${want}netty_${c.library}${c.platform ? `_${c.platform}` : ''})`,
      file: n.path,
      targets: bin ? ids(ctx.targetsOf(bin)) : [],
      evidence: { library: c.library, prefix: c.shadedPrefix, loaders: loaders.map((l) => l.path), expectedFile: expected },
      hint: `Rename the resource to META-INF/native/${expected} (what the shading of the loader requires), or do not relocate io.netty.`,
    });
  }
}

/** Names under which other binaries of the artifact load this one (file name, SONAME / install name / DLL name). */
function loadedByOthers(bin: AuditedBinary, all: readonly AuditedBinary[]): boolean {
  const base = (s: string) => s.slice(Math.max(s.lastIndexOf('/'), s.lastIndexOf('\\')) + 1).toLowerCase();
  const names = new Set([base(bin.path), ...bin.facts.map((f) => f.installName).filter((n): n is string => n !== null).map(base)]);
  return all.some((o) => o !== bin && o.facts.some((f) => f.needed.some((n) => names.has(base(n)))));
}

function reportEntryPoints(ctx: Ctx): void {
  const jar = jarOf(ctx);
  if (!jar) return;
  for (const { native, bin } of nativeBinaries(ctx, jar)) {
    if (!bin) continue;
    const kind = bin.facts[0]?.kind;
    if (kind !== 'shared-library' && kind !== 'bundle') continue;
    const b = bindingsOf(bin);
    if (b.methods.length > 0 || b.onload || b.invalid.length > 0) continue;
    if (loadedByOthers(bin, ctx.binaries)) continue;
    ctx.report(JNI_NO_ENTRY_POINTS, {
      message:
        `${native.path} exports neither Java_ functions nor JNI_OnLoad` +
        (b.staticOnload.length > 0 ? ` (only ${b.staticOnload.join(', ')}, which the JVM calls for statically linked libraries only)` : '') +
        ': no native method can bind to it once loaded, unless it is loaded through JNA, JNR or Panama rather than JNI',
      file: native.path,
      targets: ids(ctx.targetsOf(bin)),
      evidence: { staticOnLoad: b.staticOnload },
    });
  }
}

function reportUnbindable(ctx: Ctx): void {
  const jar = jarOf(ctx);
  if (!jar) return;
  for (const { native, bin } of nativeBinaries(ctx, jar)) {
    if (!bin) continue;
    const { invalid, methods } = bindingsOf(bin);
    if (invalid.length === 0) continue;
    const mingw = invalid.some((i) => /MinGW/.test(i.reason));
    ctx.report(JNI_UNBINDABLE_EXPORT, {
      message: `${native.path} exports ${invalid.length === 1 ? 'a JNI name' : `${invalid.length} JNI names`} no JVM looks up (${listSome(invalid.map((i) => i.symbol), 3)}): ${invalid[0]!.reason}${methods.length === 0 ? '; no native method can bind to this library' : ''}`,
      file: native.path,
      targets: ids(ctx.targetsOf(bin)),
      evidence: { exports: invalid.map((i) => ({ symbol: i.symbol, reason: i.reason })), boundMethods: methods.length },
      hint: mingw ? 'Relink with -Wl,--kill-at (exports Java_..._m without @N, which the JVM finds) or -Wl,--add-stdcall-alias.' : JNI_UNBINDABLE_EXPORT.fix,
    });
  }
}

export const jniRule: Rule = {
  name: 'jni',
  kinds: ['jar'],
  definedSymbols: JNI_SYMBOL,
  checks: [JNI_BINDING_WITHOUT_CLASS, JNI_NO_ENTRY_POINTS, JNI_UNBINDABLE_EXPORT],
  run(ctx) {
    reportBindings(ctx);
    reportNettyPrefixes(ctx);
    reportEntryPoints(ctx);
    reportUnbindable(ctx);
  },
};
