/**
 * macOS checks for the Mach-O binaries of a wheel, per slice: the minimum
 * macOS each slice was built for versus the wheel's platform tag (delocate's
 * check, with arm64 floored at 11.0), whether every dependency resolves to a
 * system library or a file of the wheel (delocate's dependency walk, without
 * running otool), non-portable LC_RPATHs (delocate --sanitize-rpaths) and the
 * code signature Apple silicon requires.
 */
import type { AuditContext, AuditedBinary, Check, Rule } from '../../audit/types.ts';
import type { BinaryFacts } from '../../binary/describe.ts';
import type { MachOSlice } from '../../binary/macho/types.ts';
import type { Target } from '../../target.ts';
import { compareVersions } from '../../version.ts';
import { jvmProvides } from '../../policy/jvm.ts';
import { expandRpath, isNonPortableRpath, resolveInstallName, type InstallNameResolution, type RpathDir } from './install-names.ts';

export const minOsTooNew: Check = {
  id: 'macos.min-os-too-new',
  severity: 'error',
  title: 'Binary requires a newer macOS than the platform tag',
  explain:
    'Each Mach-O slice records the oldest macOS it was built for (`LC_BUILD_VERSION` minos, or `LC_VERSION_MIN_MACOSX` for old ' +
    'deployment targets). The wheel\'s tag (`macosx_11_0_arm64`) tells pip to install it on every release from that version on, but this ' +
    'slice was built for a newer one, usually because a dependency (a Homebrew library) was built for the build machine\'s own macOS. ' +
    'On the older releases the tag admits, the binary may call functions that do not exist yet and the import fails with ' +
    '`Symbol not found: ...` from dlopen, or crashes later. delocate refuses such wheels ("Library dependencies do not satisfy target MacOS ' +
    'version"). arm64 binaries are compared with at least 11.0, the first macOS for Apple silicon.',
  fix:
    'Build every binary, bundled libraries included, with `MACOSX_DEPLOYMENT_TARGET` set to the tag\'s version (cibuildwheel sets it; ' +
    'libraries from Homebrew are built for the Homebrew machine\'s macOS, so build them yourself with the same target), or raise the ' +
    'wheel\'s platform tag to the highest minimum of its binaries (what delocate-wheel does).',
};

export const missingMinOs: Check = {
  id: 'macos.missing-min-os',
  severity: 'warning',
  title: 'Binary records no minimum macOS version',
  explain:
    'The slice has neither `LC_BUILD_VERSION` nor `LC_VERSION_MIN_MACOSX`, so nothing says which macOS releases it supports, and ' +
    'tools that derive the platform tag from the binaries (delocate) cannot check it. Every current linker writes one; its absence ' +
    'means an unusual toolchain or a binary edited after linking.',
  fix: 'Link with a current toolchain and an explicit deployment target (`-mmacosx-version-min=` / `MACOSX_DEPLOYMENT_TARGET`).',
};

export const unresolvedDependency: Check = {
  id: 'macos.unresolved-dependency',
  severity: 'error',
  title: 'Dependency resolves to no file in the wheel',
  explain:
    'The binary loads a library through `@rpath/`, `@loader_path/`, `@executable_path/` or a relative path, and following the binary\'s ' +
    'own LC_RPATH entries (and those of the wheel binaries that load it) from where it sits in the wheel finds no such file. ' +
    'On users\' machines the import fails with `ImportError: dlopen(...): Library not loaded: @rpath/libfoo.dylib ... Reason: tried: ... ' +
    '(no such file)`. It works on the build machine because the library is installed there (or DYLD_LIBRARY_PATH points at it).',
  fix:
    'Run `delocate-wheel` (cibuildwheel does by default), which copies the library into `<package>/.dylibs/` and rewrites the install ' +
    'name to `@loader_path/...`; or ship the library yourself and add an LC_RPATH such as `@loader_path/.dylibs` ' +
    '(`-Wl,-rpath,@loader_path/.dylibs`). `@executable_path` points at the Python interpreter, never into the wheel.',
};

export const absoluteInstallName: Check = {
  id: 'macos.absolute-install-name',
  severity: 'error',
  title: 'Dependency on an absolute path outside macOS',
  explain:
    'The binary loads a library by an absolute path that is not part of macOS (`/usr/local/...`, `/opt/homebrew/...`, `/opt/local/...`, ' +
    '`/Users/<builder>/...`, a build directory). Users who lack that exact file get `ImportError: dlopen(...): Library not loaded: ' +
    '/opt/homebrew/opt/libomp/lib/libomp.dylib`; users who have a different build of it there load that one instead. Linking the Python ' +
    'framework or a libpython (`/Library/Frameworks/Python.framework/...`) is a special case: under any other Python the module loads a ' +
    'second interpreter and crashes (`Fatal Python error: PyThreadState_Get: no current thread`), or fails where that framework is absent.',
  fix:
    'Run `delocate-wheel`, which copies non-system libraries into the wheel and rewrites their install names to `@loader_path/...`. ' +
    'Extension modules must not link Python at all: link them with `-undefined dynamic_lookup` (what setuptools and CMake\'s ' +
    '`Python_add_library` do) so the interpreter that imports them provides the symbols.',
};

export const nonPortableRpath: Check = {
  id: 'macos.non-portable-rpath',
  severity: 'warning',
  title: 'LC_RPATH that is absolute or relative',
  explain:
    'An LC_RPATH entry that does not start with `@loader_path` or `@executable_path` is searched on users\' machines as written: an ' +
    'absolute build path (`/usr/local/lib`, `/Users/runner/...`) can load whatever library of that name happens to be there, and a ' +
    'relative one is resolved against the current working directory. delocate deletes such entries by default (`--sanitize-rpaths`).',
  fix: 'Drop the entry (`install_name_tool -delete_rpath <path> <file>`, or `delocate-wheel`), and use `@loader_path/...` for libraries shipped in the wheel.',
};

export const unsignedArm64: Check = {
  id: 'macos.unsigned-arm64',
  severity: 'error',
  title: 'arm64 binary without a code signature',
  explain:
    'On Apple silicon the kernel runs arm64 code only if it carries a valid code signature; an ad-hoc signature is enough, and every ' +
    'current linker writes one (`adhoc (linker-signed)`). This arm64 slice has no LC_CODE_SIGNATURE at all, typically because a tool ' +
    'rewrote it after linking (install_name_tool, strip, a patcher) and dropped it. Loading it kills the process: ' +
    '`Killed: 9`, with "code signature invalid" in the system log.',
  fix: 'Sign it ad hoc after the last modification: `codesign --force --sign - <file>` (delocate-wheel re-signs what it changes).',
};

/** The architecture a target names for a slice (arm64e runs where arm64 is claimed). */
function targetArch(arch: string): string {
  return arch === 'arm64e' ? 'arm64' : arch;
}

interface SliceInfo {
  bin: AuditedBinary;
  slice: MachOSlice;
  facts: BinaryFacts;
}

export const macosRule: Rule = {
  name: 'macos',
  kinds: ['wheel', 'jar', 'npm', 'node-addon'],
  checks: [minOsTooNew, missingMinOs, unresolvedDependency, absoluteInstallName, nonPortableRpath, unsignedArm64],
  run(ctx) {
    const macTargetsOf = (bin: AuditedBinary) => ctx.targetsOf(bin).filter((t) => t.os === 'macos');
    const slices: SliceInfo[] = [];
    for (const bin of ctx.binaries) {
      if (bin.parsed.format !== 'macho') continue;
      bin.parsed.slices.forEach((slice, i) => {
        const facts = bin.facts[i];
        if (facts && slice.filetypeName !== 'MH_OBJECT') slices.push({ bin, slice, facts });
      });
    }
    if (slices.length === 0) return;
    const targetsFor = (bin: AuditedBinary, arches: string[]) => {
      const mine = macTargetsOf(bin);
      const same = mine.filter((t) => arches.some((a) => targetArch(a) === t.arch));
      return same.length > 0 ? same : mine;
    };
    checkMinOs(ctx, slices, macTargetsOf, targetsFor);
    checkDependencies(ctx, slices, targetsFor);
    for (const s of slices) {
      const bad = s.slice.rpaths.filter(isNonPortableRpath);
      if (bad.length > 0) {
        ctx.report(nonPortableRpath, {
          file: s.bin.path,
          targets: targetsFor(s.bin, [s.slice.arch]).map((t) => t.id),
          message: `${s.bin.path} (${s.slice.arch}) has LC_RPATH ${bad.join(', ')}: ${bad.some((r) => r.startsWith('/')) ? 'an absolute path searched on users\' machines' : 'resolved against the working directory'}`,
          evidence: { arch: s.slice.arch, rpaths: bad, allRpaths: s.slice.rpaths },
          hint: `Delete ${bad.length === 1 ? 'it' : 'them'} (install_name_tool -delete_rpath, or delocate-wheel --sanitize-rpaths).`,
        });
      }
      if ((s.slice.arch === 'arm64' || s.slice.arch === 'arm64e') && s.facts.signature === 'none') {
        ctx.report(unsignedArm64, {
          file: s.bin.path,
          targets: targetsFor(s.bin, [s.slice.arch]).map((t) => t.id),
          message: `${s.bin.path} (${s.slice.arch}) has no code signature: Apple silicon kills the process that loads it (Killed: 9)`,
          evidence: { arch: s.slice.arch, signature: s.facts.signature },
          hint: `codesign --force --sign - ${s.bin.path.slice(s.bin.path.lastIndexOf('/') + 1)}`,
        });
      }
    }
  },
};

function checkMinOs(ctx: AuditContext, slices: SliceInfo[], macTargetsOf: (bin: AuditedBinary) => Target[], targetsFor: (bin: AuditedBinary, a: string[]) => Target[]): void {
  for (const s of slices) {
    const minOs = s.facts.minOs;
    if (!minOs) {
      ctx.report(missingMinOs, {
        file: s.bin.path,
        targets: targetsFor(s.bin, [s.slice.arch]).map((t) => t.id),
        message: `${s.bin.path} (${s.slice.arch}) has neither LC_BUILD_VERSION nor LC_VERSION_MIN_MACOSX: its minimum macOS is unknown`,
        evidence: { arch: s.slice.arch },
      });
      continue;
    }
    if (minOs.platform !== 'macos') continue;
    const source = s.slice.buildVersions.length > 0 ? 'LC_BUILD_VERSION' : 'LC_VERSION_MIN_MACOSX';
    const affected = macTargetsOf(s.bin).filter((t) => {
      if (t.arch !== targetArch(s.slice.arch) || !t.minOs) return false;
      return compareVersions(minOs.version, floorFor(t)) > 0;
    });
    if (affected.length === 0) continue;
    const worst = affected.reduce((a, b) => (compareVersions(floorFor(a), floorFor(b)) <= 0 ? a : b));
    const promised = floorFor(worst);
    ctx.report(minOsTooNew, {
      file: s.bin.path,
      targets: affected.map((t) => t.id),
      message: `${s.bin.path} (${s.slice.arch}) requires macOS ${minOs.version} (${source}) but ${worst.claims[0] ?? worst.policy ?? worst.id} promises macOS ${promised}`,
      evidence: { arch: s.slice.arch, minOs: minOs.version, source, promised, claims: [...new Set(affected.flatMap((t) => t.claims))] },
      hint:
        ctx.artifact.kind === 'jar'
          ? `Rebuild with MACOSX_DEPLOYMENT_TARGET=${promised} (-mmacosx-version-min=${promised}).`
          : ctx.artifact.kind === 'npm' || ctx.artifact.kind === 'node-addon'
          ? `Rebuild with MACOSX_DEPLOYMENT_TARGET=${promised} (node-gyp: xcode_settings.MACOSX_DEPLOYMENT_TARGET in binding.gyp), or raise engines.node to Node lines that need macOS ${minOs.version} themselves.`
          : `Rebuild with MACOSX_DEPLOYMENT_TARGET=${promised}, or tag the wheel macosx_${tagVersion(minOs.version)}_${targetArch(s.slice.arch)}.`,
    });
  }
}

/** The oldest macOS a target admits for its arch: the tag's version, and at least 11.0 on arm64. */
function floorFor(t: Target): string {
  const min = t.minOs ?? '10.0';
  return t.arch === 'arm64' && compareVersions(min, '11.0') < 0 ? '11.0' : min;
}

/** '13.2' → '13_0' (from macOS 11 on the tag's minor is 0), '10.15' → '10_15'. */
function tagVersion(v: string): string {
  const [major = '10', minor = '0'] = v.split('.');
  return Number(major) >= 11 ? `${major}_0` : `${major}_${minor}`;
}

interface Dependency {
  s: SliceInfo;
  name: string;
  resolution: InstallNameResolution;
}

function checkDependencies(ctx: AuditContext, slices: SliceInfo[], targetsFor: (bin: AuditedBinary, a: string[]) => Target[]): void {
  const files = new Set(ctx.scan.entries.filter((e) => !e.isDirectory).map((e) => e.path));
  const own = new Map(slices.map((s) => [s, s.slice.rpaths.map((r) => expandRpath(r, s.bin.path))]));
  // dyld also searches the LC_RPATHs of the images that loaded this one: found by following the
  // dependencies already resolved inside the wheel, until nothing changes.
  const loaders = new Map<string, Set<SliceInfo>>();
  const inherited = (s: SliceInfo): RpathDir[] => {
    const out: RpathDir[] = [];
    const seen = new Set<SliceInfo>([s]);
    const queue = [...(loaders.get(`${s.bin.path}\0${s.slice.arch}`) ?? [])];
    while (queue.length > 0) {
      const l = queue.shift()!;
      if (seen.has(l)) continue;
      seen.add(l);
      out.push(...(own.get(l) ?? []));
      queue.push(...(loaders.get(`${l.bin.path}\0${l.slice.arch}`) ?? []));
    }
    return out;
  };
  const jar = ctx.artifact.kind === 'jar';
  const node = ctx.artifact.kind === 'npm' || ctx.artifact.kind === 'node-addon';
  const noun = jar ? 'JAR' : node ? 'package' : 'wheel';
  // delocate repairs wheels only.
  const delocate = !jar && !node;
  let deps: Dependency[] = [];
  for (let round = 0; round < 8; round++) {
    deps = [];
    let edges = 0;
    for (const s of slices) {
      const rpaths = [...(own.get(s) ?? []), ...inherited(s)];
      for (const d of s.slice.dylibs) {
        if (d.kind === 'weak') continue;
        if (jar && jvmProvides('macos', d.name)) continue;
        const resolution = resolveInstallName(d.name, { binaryPath: s.bin.path, rpaths, files });
        deps.push({ s, name: d.name, resolution });
        if (resolution.kind === 'bundled') {
          const key = `${resolution.at}\0${s.slice.arch}`;
          const set = loaders.get(key) ?? new Set<SliceInfo>();
          if (!set.has(s)) {
            set.add(s);
            loaders.set(key, set);
            edges++;
          }
        }
      }
    }
    if (edges === 0) break;
  }
  // One finding per binary and dependency, naming the slices.
  const grouped = new Map<string, Dependency[]>();
  for (const d of deps) {
    if (d.resolution.kind !== 'unresolved' && d.resolution.kind !== 'absolute') continue;
    const key = `${d.s.bin.path}\0${d.name}\0${d.resolution.kind}`;
    grouped.set(key, [...(grouped.get(key) ?? []), d]);
  }
  for (const group of grouped.values()) {
    const first = group[0]!;
    const path = first.s.bin.path;
    const arches = [...new Set(group.map((d) => d.s.slice.arch))];
    const targets = targetsFor(first.s.bin, arches).map((t) => t.id);
    const r = first.resolution;
    if (r.kind === 'absolute') {
      ctx.report(absoluteInstallName, {
        file: path,
        targets,
        message: r.python
          ? `${path} (${arches.join(', ')}) links the Python library ${r.path}: under any other Python it is missing or a second interpreter`
          : `${path} (${arches.join(', ')}) loads ${r.path}, an absolute path outside macOS that users' machines do not have`,
        evidence: { installName: r.path, arches, python: r.python },
        hint: r.python
          ? 'Link the extension with -undefined dynamic_lookup instead of against Python.'
          : `Bundle ${r.path.slice(r.path.lastIndexOf('/') + 1)} in the ${noun} and load it through @loader_path${delocate ? ' (delocate-wheel does both)' : ''}.`,
      });
    } else if (r.kind === 'unresolved') {
      const rpaths = [...new Set(group.flatMap((d) => d.s.slice.rpaths))];
      const why =
        r.reason === 'rpath'
          ? r.tried.length > 0
            ? `tried ${r.tried.join(', ')}`
            : rpaths.length > 0
              ? `no LC_RPATH points into the ${noun} (${rpaths.join(', ')})`
              : 'the binary has no LC_RPATH'
          : r.reason === 'loader_path'
            ? r.tried.length > 0
              ? `${r.tried[0]} is not in the ${noun}`
              : `it points outside the ${noun}`
            : r.reason === 'executable_path'
              ? jar
                ? '@executable_path is the java launcher\'s directory'
                : node
                  ? '@executable_path is the directory of node (or of the Electron app) itself'
                  : '@executable_path is the Python interpreter\'s directory'
              : 'a relative install name is looked up in the current working directory';
      // npm: an LC_RPATH into another package (../../sharp-libvips-darwin-arm64/lib, node_modules/...) expects it from there,
      // which the audit of this package cannot see (deps.missing-library's 'other-package' for ELF): a warning.
      const root = path.slice(0, path.indexOf('/') + 1);
      const otherPackage = ctx.artifact.kind === 'npm' && r.reason === 'rpath' ? r.tried.filter((p) => !p.startsWith(root) || p.slice(root.length).includes('node_modules/')) : [];
      ctx.report(unresolvedDependency, {
        file: path,
        targets,
        severity: otherPackage.length > 0 ? 'warning' : undefined,
        message:
          otherPackage.length > 0
            ? `${path} (${arches.join(', ')}) loads ${first.name}, which is not in the ${noun}; expected from another package at ${otherPackage.join(', ')}`
            : `${path} (${arches.join(', ')}) loads ${first.name}, which resolves to no file in the ${noun}: ${why}`,
        evidence: { installName: first.name, arches, reason: r.reason, tried: r.tried, rpaths, ...(ctx.artifact.kind === 'npm' ? { otherPackage } : {}) },
        hint:
          otherPackage.length > 0
            ? `Make sure the package that installs ${first.name.slice(first.name.lastIndexOf('/') + 1)} is a dependency of this one (at an exact version).`
            : `Ship ${first.name.slice(first.name.lastIndexOf('/') + 1)} in the ${noun} and point an LC_RPATH at it (@loader_path/...)${delocate ? ', or run delocate-wheel' : ''}.`,
      });
    }
  }
}
