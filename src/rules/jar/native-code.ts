/**
 * The platform claims of a JAR beside its natives' paths: the OSGi
 * `Bundle-NativeCode` manifest header of each JAR (the JAR itself and each
 * nested JAR, whose header names paths inside that JAR), checked against the
 * entries and the binaries; and paths for operating systems distaudit makes
 * no target for (AIX, Solaris, OpenBSD...), whose architecture is still
 * compared with the binary's. Nested JARs that were not read are listed.
 */
import type { AuditedBinary, Check, Rule } from '../../audit/types.ts';
import type { Arch } from '../../binary/arch.ts';
import type { NativeCodeClause } from '../../artifact/jar/manifest.ts';
import { claimLabel } from '../../artifact/jar/targets.ts';
import type { Os } from '../../target.ts';
import { jarOf, nativeBinaries, type Ctx } from './common.ts';
import { ids, listSome } from '../messages.ts';

export const JAR_NATIVE_CODE_MISSING: Check = {
  id: 'jar.native-code-missing',
  severity: 'error',
  title: 'Bundle-NativeCode names a library the JAR does not have',
  explain:
    'The manifest\'s OSGi `Bundle-NativeCode` header lists, per platform, the native libraries of the bundle; an OSGi framework (Equinox, Felix) resolves the bundle against it and extracts the listed file when the bundle calls `System.loadLibrary`. ' +
    'A listed path that is not in the JAR fails the bundle on that platform (Felix: "Native library does not exist", Equinox: the bundle does not resolve) — usually a library dropped from the build while the header was kept, or a path with a typo.',
  fix: 'Ship the library at the listed path, or remove its clause from Bundle-NativeCode.',
};

export const JAR_NATIVE_CODE_UNLISTED: Check = {
  id: 'jar.native-code-unlisted',
  severity: 'warning',
  title: 'A native library is missing from Bundle-NativeCode',
  explain:
    'The JAR declares its native libraries in `Bundle-NativeCode`, but this one is in no clause. Under OSGi the framework never offers it, so on its platform `System.loadLibrary` fails with `UnsatisfiedLinkError: no <name> in java.library.path` — unless the library\'s own loader extracts it from the class path itself (JNA, sqlite-jdbc), which then works outside OSGi only.',
  fix: 'Add a clause for it (`path;osname=Linux;processor=x86-64`), or remove the library.',
};

export const JAR_NATIVE_CODE_MISMATCH: Check = {
  id: 'jar.native-code-mismatch',
  severity: 'error',
  title: 'Bundle-NativeCode declares a library for a platform it is not built for',
  explain:
    'A `Bundle-NativeCode` clause lists a library for an `osname` / `processor` the binary does not match: an x86_64 library declared `processor=aarch64`, an ELF file declared `osname=Win32`. ' +
    'The OSGi framework picks the clause by the running platform and hands that file to the JVM, which refuses it (`UnsatisfiedLinkError: ... wrong ELF class`, `cannot open shared object file`, `Can\'t load AMD 64-bit .dll on a IA 32-bit platform`).',
  fix: 'Correct the clause, or put the right build at the path it names.',
};

export const JAR_NATIVE_PATH_MISMATCH: Check = {
  id: 'jar.native-path-mismatch',
  severity: 'error',
  title: 'A native library sits at the path of another architecture',
  explain:
    'The library\'s path, by its library\'s convention (JNA `sunos-x86`, snappy-java `AIX/ppc64`, zstd-jni `aix/ppc64`...), names an architecture on an operating system distaudit makes no target for (AIX, Solaris, OpenBSD, NetBSD...), and the binary is built for another one (an x86_64 library in JNA\'s 32-bit `sunos-x86` directory). ' +
    'The loader picks the file by its path and the JVM refuses it (`wrong ELF class: ELFCLASS64`). On the operating systems distaudit has targets for, the same mistake is reported as binary.arch-mismatch.',
  fix: 'Put the build for the path\'s architecture there (or move the file to the directory of its own architecture).',
};

export const JAR_NESTED_NOT_READ: Check = {
  id: 'jar.nested-not-read',
  severity: 'info',
  title: 'A JAR nested two levels deep was not read',
  explain:
    'distaudit reads the JARs nested in the uploaded one (Spring Boot `BOOT-INF/lib/`, `WEB-INF/lib/`, an EAR\'s modules), but not JARs nested inside those. Native libraries in them were not audited. Launchers rarely load from that depth; a JAR that does is worth auditing on its own.',
  fix: 'Audit the nested JAR itself (extract it and run distaudit on it).',
};

/** The binary format an OS loads. */
const FORMAT_OF_OS: Partial<Record<Os, 'elf' | 'macho' | 'pe'>> = { linux: 'elf', android: 'elf', freebsd: 'elf', macos: 'macho', ios: 'macho', windows: 'pe' };

/** Architectures a processor value admits (arm64e slices run where arm64 is asked for). */
function archMatches(want: Arch, have: Arch): boolean {
  return want === have || (want === 'arm64' && have === 'arm64e');
}

function clauseText(c: NativeCodeClause): string {
  const parts = [...c.osnames.map((o) => `osname=${o.value}`), ...c.processors.map((p) => `processor=${p.value}`)];
  return parts.length > 0 ? parts.join('; ') : 'no osname or processor';
}

function reportNativeCode(ctx: Ctx): void {
  const jar = jarOf(ctx);
  if (!jar) return;
  const byPath = new Map(ctx.binaries.map((b) => [b.path, b]));
  const targetsOf = (b: AuditedBinary | undefined) => (b ? ids(ctx.targetsOf(b)) : []);
  for (const a of jar.archives) {
    const nc = a.manifest?.bundleNativeCode;
    if (!nc || !a.manifest) continue;
    const files = new Set(a.files);
    const listed = new Set<string>();
    for (const clause of nc.clauses) {
      for (const raw of clause.paths) {
        const rel = raw.replace(/^\/+/, '');
        listed.add(rel);
        if (!files.has(rel)) {
          ctx.report(JAR_NATIVE_CODE_MISSING, {
            message: `${a.manifest.path} lists ${raw} (${clauseText(clause)}) in Bundle-NativeCode, but ${a.path === '' ? 'the JAR' : a.path} has no such entry`,
            file: a.manifest.path,
            evidence: { path: raw, osnames: clause.osnames.map((o) => o.value), processors: clause.processors.map((p) => p.value), archive: a.path },
            hint: `Ship ${rel} in the JAR, or remove it from Bundle-NativeCode.`,
          });
          continue;
        }
        const bin = byPath.get(a.prefix + rel);
        if (!bin) continue;
        const problems: string[] = [];
        const arches = bin.facts.map((f) => f.arch);
        const wantArches = clause.processors.flatMap((p) => (p.arch ? [p.arch] : []));
        if (wantArches.length > 0 && !wantArches.some((w) => arches.some((h) => archMatches(w, h)))) {
          problems.push(`it is ${listSome(arches)}, not ${clause.processors.map((p) => p.value).join(' or ')}`);
        }
        const format = bin.facts[0]?.format;
        const wantFormats = [...new Set(clause.osnames.flatMap((o) => (o.os && FORMAT_OF_OS[o.os] ? [FORMAT_OF_OS[o.os]!] : [])))];
        if (format && wantFormats.length > 0 && !wantFormats.includes(format)) {
          problems.push(`it is ${format === 'elf' ? 'an ELF' : format === 'pe' ? 'a PE (Windows)' : 'a Mach-O (macOS)'} file, not a library for ${clause.osnames.map((o) => o.value).join(' or ')}`);
        }
        if (problems.length === 0) continue;
        ctx.report(JAR_NATIVE_CODE_MISMATCH, {
          message: `${a.manifest.path} declares ${raw} for ${clauseText(clause)}, but ${problems.join(', and ')}`,
          file: a.prefix + rel,
          targets: targetsOf(bin),
          evidence: { path: raw, osnames: clause.osnames.map((o) => o.value), processors: clause.processors.map((p) => p.value), arches, format },
          hint: `Correct the clause of ${raw} (osname/processor), or put the right build there.`,
        });
      }
    }
    for (const n of jar.natives) {
      if (n.archive !== a.path) continue;
      const rel = n.path.slice(a.prefix.length);
      if (listed.has(rel)) continue;
      ctx.report(JAR_NATIVE_CODE_UNLISTED, {
        message: `${n.path} is in no Bundle-NativeCode clause of ${a.manifest.path}: under OSGi the framework never offers it`,
        file: n.path,
        targets: targetsOf(byPath.get(n.path)),
        evidence: { manifest: a.manifest.path, clauses: nc.clauses.length },
        hint: `Add a Bundle-NativeCode clause for ${rel}, or remove it from the JAR.`,
      });
    }
  }
}

function reportPaths(ctx: Ctx): void {
  const jar = jarOf(ctx);
  if (!jar) return;
  for (const { native, bin } of nativeBinaries(ctx, jar)) {
    const c = native.claim;
    if (!bin || !c || c.os !== null || c.arch === null) continue;
    const arches = bin.facts.map((f) => f.arch);
    if (arches.some((a) => archMatches(c.arch!, a))) continue;
    const f = bin.facts[0]!;
    ctx.report(JAR_NATIVE_PATH_MISMATCH, {
      message: `${native.path} is ${listSome(arches)} (${f.format === 'elf' ? 'ELF' : f.format === 'pe' ? 'PE' : 'Mach-O'} ${f.bits}-bit), but its path (${claimLabel(c)}) is where the loader looks on ${c.arch}`,
      file: native.path,
      evidence: { convention: c.convention, platform: c.platform, expected: c.arch, arches, bits: bin.facts.map((x) => x.bits) },
      hint: `Put the ${c.arch} build at ${native.path}.`,
    });
  }
}

function reportDeeper(ctx: Ctx): void {
  const jar = jarOf(ctx);
  if (!jar || jar.deeperJars.length === 0) return;
  ctx.report(JAR_NESTED_NOT_READ, {
    message: `${jar.deeperJars.length === 1 ? 'a JAR' : `${jar.deeperJars.length} JARs`} nested two levels deep ${jar.deeperJars.length === 1 ? 'was' : 'were'} not read: ${listSome(jar.deeperJars, 3)}`,
    evidence: { jars: jar.deeperJars },
  });
}

export const nativeCodeRule: Rule = {
  name: 'jar-native-code',
  kinds: ['jar'],
  checks: [JAR_NATIVE_CODE_MISSING, JAR_NATIVE_CODE_UNLISTED, JAR_NATIVE_CODE_MISMATCH, JAR_NATIVE_PATH_MISMATCH, JAR_NESTED_NOT_READ],
  run(ctx) {
    reportNativeCode(ctx);
    reportPaths(ctx);
    reportDeeper(ctx);
  },
};
