/**
 * Every native binary of an artifact against every target it must serve: the
 * binary format the target's OS loads (ELF on Linux, Mach-O on macOS, PE on
 * Windows), and the architecture — for a fat Mach-O, a slice for the target's
 * architecture (universal2 needs both x86_64 and arm64). A wheel has one set
 * of platform tags, so each of its binaries must serve each of its targets.
 *
 * A binary that cannot serve a target is an error when Python imports it (an
 * extension module) or another binary of the artifact loads it; a stray one
 * nothing loads by name (a helper, a test file) is a warning.
 */
import type { AuditedBinary, Check, Rule } from '../../audit/types.ts';
import type { Arch } from '../../binary/arch.ts';
import type { Os, Target } from '../../target.ts';
import { wheelArchOf } from '../../policy/linux.ts';
import { extensionInitVersion, EXTENSION_INIT_SYMBOLS } from '../python/extension-name.ts';
import { binaryJniBindings, JNI_SYMBOL } from '../../artifact/jar/jni.ts';
import { nativePathClaim } from '../../artifact/jar/conventions.ts';
import { innerPath } from '../../artifact/jar/reader.ts';

export const BINARY_FORMAT_MISMATCH: Check = {
  id: 'binary.format-mismatch',
  severity: 'error',
  title: 'Binary format of another operating system',
  explain:
    'A binary is in the format of another operating system than the one the tag names (or, in a JAR, the one its path names for its library\'s loader; in an npm package, its prebuild directory or `os` field): an ELF file in a macOS or Windows wheel, a Mach-O file in a Linux wheel, a PE (DLL) in a manylinux wheel, at JNA\'s `linux-x86-64/` or in `prebuilds/linux-x64/`. ' +
    'The platform\'s loader cannot load it at all: Linux says `invalid ELF header`, macOS `not a mach-o file`, Windows `DLL load failed while importing …: %1 is not a valid Win32 application`. ' +
    'It usually means files from one platform\'s build leaked into another platform\'s wheel (a stale build directory, a shared `package_data` glob).',
  fix:
    'Build each platform\'s wheel from a clean tree and include only that platform\'s binaries (check `package_data`/`MANIFEST.in` globs such as `*.so` and `*.dll`).',
};

export const BINARY_ARCH_MISMATCH: Check = {
  id: 'binary.arch-mismatch',
  severity: 'error',
  title: 'Binary for another architecture',
  explain:
    'A binary is built for another CPU architecture (or the other word size: 32-bit i686 in an x86_64 wheel, a 32-bit MIPS library at zstd-jni\'s `linux/mips64/`, an x86_64 addon in `prebuilds/linux-arm64/` or in a package whose `cpu` field says arm64) than a target of the artifact, or a fat Mach-O file lacks the slice for a target\'s architecture (universal2 needs both x86_64 and arm64; intel needs i386 and x86_64). ' +
    'The loader refuses it: Linux says `wrong ELF class: ELFCLASS32` or `cannot open shared object file`, macOS `mach-o file, but is an incompatible architecture (have \'x86_64\', need \'arm64\')`, Windows `%1 is not a valid Win32 application`. ' +
    'For armv7l, manylinux and musllinux require the hard-float EABI5 ABI (a soft-float `armel` build does not load on `armhf` systems).',
  fix:
    'Build on (or cross-compile for) the tag\'s architecture — with cibuildwheel, `CIBW_ARCHS` — and for universal2 build both architectures and join them with `lipo -create` (or let delocate check with `--require-archs`).',
};

type Ctx = Parameters<Rule['run']>[0];

type Format = 'elf' | 'macho' | 'pe';

const FORMAT_OF_OS: Record<Os, Format> = { linux: 'elf', android: 'elf', freebsd: 'elf', macos: 'macho', ios: 'macho', windows: 'pe' };
const FORMAT_NAME: Record<Format, string> = { elf: 'ELF (Linux)', macho: 'Mach-O (macOS)', pe: 'PE (Windows)' };

function label(t: Target): string {
  return t.claims[0] ?? t.id;
}

function archName(arch: Arch, os: Os): string {
  return os === 'linux' ? (wheelArchOf(arch) ?? arch) : arch;
}

/** Names under which other binaries of the artifact load this one (file name, SONAME / install name / DLL name). */
function loadedByOthers(bin: AuditedBinary, all: readonly AuditedBinary[]): boolean {
  const base = (s: string) => s.slice(Math.max(s.lastIndexOf('/'), s.lastIndexOf('\\')) + 1).toLowerCase();
  const names = new Set([base(bin.path), ...bin.facts.map((f) => f.installName).filter((n): n is string => n !== null).map(base)]);
  return all.some((o) => o !== bin && o.facts.some((f) => f.needed.some((n) => names.has(base(n)))));
}

const EF_ARM_EABIMASK = 0xff000000;
const EF_ARM_EABI_VER5 = 0x05000000;
const EF_ARM_ABI_FLOAT_HARD = 0x400;

/** Why an ELF ARM binary does not fit a manylinux/musllinux armv7l target (they require EABI5 hard-float); null when it does. */
function armAbiProblem(bin: AuditedBinary): string | null {
  if (bin.parsed.format !== 'elf') return null;
  const flags = bin.parsed.header.flags;
  if ((flags & EF_ARM_EABIMASK) >>> 0 !== EF_ARM_EABI_VER5) return `ARM EABI version ${((flags & EF_ARM_EABIMASK) >>> 24).toString()}, not 5`;
  if ((flags & EF_ARM_ABI_FLOAT_HARD) === 0) return 'soft-float ARM (armel), not hard-float';
  return null;
}

interface Problem {
  target: Target;
  kind: 'format' | 'arch';
  /** Text after the file name, without the target. */
  what: string;
  needs: string;
}

/**
 * The ARM float ABI a JAR path asks for. Hard-float: JNA's `linux-arm`,
 * JavaCPP's `linux-armhf`, and sqlite-jdbc / snappy-java's `armv6` and
 * `armv7` (their OSInfo picks those for an armv6 / armv7 `uname -m` and for a
 * gnueabihf JVM, where glibc refuses soft-float objects). Soft-float: JNA's
 * `linux-armel` and xerial's `arm` (armv5). Other paths do not say.
 */
function jarArmVariant(bin: AuditedBinary): 'armhf' | 'armel' | null {
  const v = nativePathClaim(innerPath(bin.path))?.variant;
  if (v === 'armhf' || v === 'armv6' || v === 'armv7') return 'armhf';
  return v === 'armel' ? 'armel' : null;
}

function problemsOf(bin: AuditedBinary, targets: readonly Target[], jar = false): Problem[] {
  const out: Problem[] = [];
  const facts = bin.facts;
  const format = facts[0]?.format;
  if (!format) return out;
  for (const t of targets) {
    const want = FORMAT_OF_OS[t.os];
    if (format !== want) {
      out.push({ target: t, kind: 'format', what: `is ${format === 'elf' ? 'an' : 'a'} ${FORMAT_NAME[format]} binary`, needs: `needs ${FORMAT_NAME[want]}` });
      continue;
    }
    if (format === 'macho') {
      const slices = facts.map((f) => f.arch);
      if (!slices.includes(t.arch)) {
        out.push({ target: t, kind: 'arch', what: slices.length > 1 ? `has the slices ${slices.join(', ')}` : `has only the ${slices[0]} slice`, needs: `needs an ${t.arch} slice` });
      }
      continue;
    }
    const f = facts[0]!;
    if (f.arch !== t.arch) {
      const bits = f.arch === 'x32' ? '32-bit x32 ABI' : `${f.bits}-bit`;
      out.push({ target: t, kind: 'arch', what: `is ${archName(f.arch, t.os)} (${format === 'elf' ? 'ELF' : 'PE'} ${bits})`, needs: `needs ${archName(t.arch, t.os)}` });
    } else if (format === 'elf' && t.os === 'linux' && t.arch === 'arm' && jar) {
      const variant = jarArmVariant(bin);
      const why = variant === 'armhf' ? armAbiProblem(bin) : null;
      if (why) out.push({ target: t, kind: 'arch', what: `is ${why}`, needs: 'needs hard-float ARM (armhf)' });
      if (variant === 'armel' && bin.parsed.format === 'elf' && (bin.parsed.header.flags & EF_ARM_ABI_FLOAT_HARD) !== 0) {
        out.push({ target: t, kind: 'arch', what: 'is hard-float ARM (armhf)', needs: 'is where the loader looks on soft-float (armel) systems' });
      }
    } else if (format === 'elf' && t.os === 'linux' && t.arch === 'arm' && t.policy && /^(many|musl)linux/.test(t.policy)) {
      const why = armAbiProblem(bin);
      if (why) out.push({ target: t, kind: 'arch', what: `is ${why}`, needs: 'needs armv7l hard-float EABI5' });
    }
  }
  return out;
}

/**
 * Whether something loads the binary by itself: a Python extension module (its
 * init function); in a JAR, a library at a loader convention's path or with
 * JNI entry points (the JVM loads it); or a dependency of another binary.
 */
function isLoaded(ctx: Ctx, bin: AuditedBinary): boolean {
  if (ctx.artifact.kind === 'jar') {
    if (nativePathClaim(innerPath(bin.path)) !== null) return true;
    if (binaryJniBindings(bin.parsed).some((s) => s.bindings.methods.length > 0 || s.bindings.hasOnLoad)) return true;
  } else if (ctx.artifact.kind === 'npm' || ctx.artifact.kind === 'node-addon') {
    // Node loads a `.node` file with require(), whatever registers it.
    if (ctx.artifact.kind === 'node-addon' || bin.path.endsWith('.node') || (bin.node ?? null) !== null) return true;
  } else if (extensionInitVersion(bin) !== null) {
    return true;
  }
  return loadedByOthers(bin, ctx.binaries);
}

export const binaryPlatformRule: Rule = {
  name: 'binary-platform',
  // Python extension modules are told by their init function, JNI libraries by their JNI exports.
  definedSymbols: new RegExp(`${EXTENSION_INIT_SYMBOLS.source}|${JNI_SYMBOL.source}`),
  kinds: ['wheel', 'jar', 'npm', 'node-addon'],
  checks: [BINARY_FORMAT_MISMATCH, BINARY_ARCH_MISMATCH],
  run(ctx: Ctx) {
    for (const bin of ctx.binaries) {
      const problems = problemsOf(bin, ctx.targetsOf(bin), ctx.artifact.kind === 'jar');
      if (problems.length === 0) continue;
      const loaded = isLoaded(ctx, bin);
      const noun = ctx.artifact.kind === 'jar' ? 'JAR' : ctx.artifact.kind === 'wheel' ? 'wheel' : 'package';
      const groups = new Map<string, Problem[]>();
      for (const p of problems) {
        const key = `${p.kind}\0${p.what}\0${p.needs}`;
        groups.set(key, [...(groups.get(key) ?? []), p]);
      }
      for (const group of groups.values()) {
        const { kind, what, needs } = group[0]!;
        const ts = group.map((p) => p.target);
        const tagList = [...new Set(ts.map(label))].join(', ');
        ctx.report(kind === 'format' ? BINARY_FORMAT_MISMATCH : BINARY_ARCH_MISMATCH, {
          message: `${bin.path} ${what}; ${tagList} ${needs}${loaded ? '' : ' (nothing in the artifact loads it by name)'}`,
          file: bin.path,
          targets: ts.map((t) => t.id),
          severity: loaded ? undefined : 'warning',
          evidence: {
            format: bin.facts[0]?.format,
            arches: bin.facts.map((f) => f.arch),
            bits: bin.facts.map((f) => f.bits),
            expected: ts.map((t) => ({ target: t.id, os: t.os, arch: t.arch })),
            loadedByImportOrOtherBinary: loaded,
          },
          hint:
            kind === 'format'
              ? `Remove ${bin.path} from this ${noun}, or ship it ${noun === 'JAR' ? 'at the path of its own platform' : noun === 'package' ? 'where its own platform is claimed (prebuilds/<platform>-<arch>/, or the platform package for it)' : 'in a wheel tagged for its platform'}.`
              : `Rebuild ${bin.path} for ${[...new Set(ts.map((t) => archName(t.arch, t.os)))].join(' and ')}${bin.facts[0]?.format === 'macho' ? ' (lipo -create to join slices)' : ''}, or remove it.`,
        });
      }
    }
  },
};
