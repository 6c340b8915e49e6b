/**
 * ELF checks against each Linux target: the libc a binary is linked to, the
 * x86-64 ISA level it needs, the symbol versions it needs from the system
 * (naming the symbols), the symbols the policy blacklists, and its stack.
 *
 * The judgement of each target uses the policy its tag names (see
 * src/policy/linux.ts). Unlike auditwheel, versions needed from libraries
 * the wheel bundles do not count (they come with the wheel), and the
 * blacklist and ISA checks look at every ELF file, bundled libraries included.
 */
import type { Check, Rule } from '../../audit/types.ts';
import { allowsVersion, ceilingOf, policiesFor, versionFamily, type PolicyLibc } from '../../policy/linux.ts';
import { compareVersions } from '../../version.ts';
import { labels, libcContradicts, linuxContext, servesArch, type LinuxTarget } from './context.ts';
import { neededVersions, undefinedNonWeak, x86IsaLevel, type NeededVersion } from './elf-facts.ts';
import { EXTENSION_INIT_SYMBOLS } from '../python/extension-name.ts';
import { groupBy, listSome } from '../messages.ts';

export const ELF_LIBC_MISMATCH: Check = {
  id: 'elf.libc-mismatch',
  severity: 'error',
  title: 'Binary built for the other libc',
  explain:
    'A binary linked against musl sits in a manylinux (glibc) wheel, or one linked against glibc in a musllinux (Alpine) wheel — or, in a JAR, at a path its loader picks for the other libc (a glibc build under sqlite-jdbc\'s `Linux-Musl/`) — or, in an npm package, under a `musl` prebuild tag or in a package whose `libc` field says musl (a glibc build in `…-linux-x64-musl`, BoundaryML/baml#4355). ' +
    'The two C libraries are not interchangeable: on glibc systems a musl extension fails with `libc.musl-x86_64.so.1: cannot open shared object file`; ' +
    'on Alpine a glibc extension fails with `Error loading shared library libc.so.6: No such file or directory` or `Error relocating …: symbol not found`. ' +
    'The libc is read from the binary itself: its interpreter, its NEEDED entries, the GLIBC_* versions it needs.',
  fix:
    'Build manylinux wheels in a manylinux image (glibc) and musllinux wheels in a musllinux image (musl), e.g. with cibuildwheel, and tag each wheel with the libc it was built against.',
};

export const ELF_ISA_LEVEL: Check = {
  id: 'elf.isa-level',
  severity: 'error',
  title: 'Needs a newer x86-64 CPU than the tag promises',
  explain:
    'The binary declares (GNU property `x86 ISA needed`) that it needs x86-64-v2, -v3 or -v4 instructions (SSE4.2/POPCNT, AVX2/FMA, AVX-512), while an `x86_64` tag promises any x86-64 CPU. ' +
    'glibc 2.33 and later refuse to load it on an older CPU (`CPU ISA level is lower than required`); older glibc loads it and the process dies with SIGILL (`Illegal instruction`) when the code runs. ' +
    'auditwheel reports such wheels as `linux_x86_64` ("This wheel depends on unsupported ISA extensions").',
  fix:
    'Compile for the baseline (`-march=x86-64`, no `-z x86-64-v3`) and dispatch to faster code at run time (function multiversioning, `__builtin_cpu_supports`, ifuncs), or keep the binary out of the wheel.',
};

export const ELF_SYMBOL_VERSION_TOO_NEW: Check = {
  id: 'elf.symbol-version-too-new',
  severity: 'error',
  title: 'Symbol version newer than the platform tag allows',
  explain:
    'The binary needs symbol versions (GLIBC_2.34, GLIBCXX_3.4.30, CXXABI_1.3.13, GCC_7.0.0 …) from system libraries that are newer than the oldest system the tag promises to support. ' +
    'On such a system the import fails with ``version `GLIBC_2.34\' not found (required by …/_core.so)``. ' +
    'The message names the symbols that need each version: usually a function that is new (arc4random, GLIBC_2.36) or that moved (pthread_create moved into libc.so.6 in glibc 2.34), or a C++ standard library feature of a newer GCC. ' +
    'Versions needed from libraries bundled in the wheel do not count. ' +
    'On an architecture no manylinux policy covers (JAR natives for mips64el or riscv32), the GLIBC_* versions are judged against the promised glibc floor alone. ' +
    'For a Node addon the promise is the glibc the official Node builds of the oldest Node line engines.node admits need (2.28 from Node 18, 2.17 for 12–17): an addon needing no more adds no restriction of its own.',
  fix:
    'Build on the oldest system the tag names — the manylinux images do exactly this (manylinux2014 for manylinux_2_17, manylinux_2_28 for 2_28) — or raise the tag to the policy the message suggests. ' +
    'Building on a newer system and hoping is what this check catches: the linker binds every symbol to the newest version it sees.',
};

export const ELF_BLACKLISTED_SYMBOL: Check = {
  id: 'elf.blacklisted-symbol',
  severity: 'error',
  title: 'Uses a symbol the policy forbids',
  explain:
    'The binary references, without a weak fallback, a symbol that the manylinux/musllinux policy blacklists for a system library. ' +
    'For libc.so.6, libm.so.6 and libpthread.so.0 up to manylinux_2_17 these are glibc 2.18 functions (`__cxa_thread_atexit_impl`, `__issignaling`, `pthread_getattr_default_np` …) that the symbol-version check cannot see on architectures whose base version is 2.17/2.18 (aarch64): a CentOS 7 system lacks them and the import fails with `undefined symbol: __cxa_thread_atexit_impl`. ' +
    'For libz.so.1 they are zlib internals (`_tr_flush_block`, `inflate_fast`, `zcalloc` …) that distributions do not export. ' +
    'A newer GCC\'s libstdc++ linked statically, or `thread_local` objects with destructors, are the usual source of `__cxa_thread_atexit_impl`.',
  fix:
    'Build in the image of the policy (manylinux2014 for manylinux_2_17), reference the symbol weakly (`__attribute__((weak))` and a NULL check), or bundle the library that defines it. For zlib, use only its public API or bundle zlib.',
};

export const ELF_EXECUTABLE_STACK: Check = {
  id: 'elf.executable-stack',
  severity: 'error',
  title: 'Asks for an executable stack',
  explain:
    'The binary\'s PT_GNU_STACK segment is marked executable, so loading it asks the loader to make every thread stack of the process executable — usually by accident: one assembly file without a `.note.GNU-stack` section is enough. ' +
    'glibc 2.41 (Debian 13, Fedora 42) no longer does that for `dlopen`, so the import fails with `cannot enable executable stack as shared object requires: Invalid argument`; SELinux systems refuse it too. ' +
    'A binary with no PT_GNU_STACK at all gets the architecture\'s default, which glibc treats as executable on x86, PowerPC, s390x, ARM and MIPS (the same failure); on AArch64, RISC-V and LoongArch the default is not executable. ' +
    'musl never makes the stack executable: code that really needs it crashes there instead. ' +
    'A program (not a library) gets the stack it asks for from the kernel: that is a warning, a lost hardening rather than a failure.',
  fix:
    'Link with `-Wl,-z,noexecstack` and add `.section .note.GNU-stack,"",@progbits` to hand-written assembly files; `readelf -lW file.so | grep GNU_STACK` must show `RW`, not `RWE`. ' +
    'If nested-function trampolines really need an executable stack, remove them.',
};

// ---------------------------------------------------------------------------

type Ctx = Parameters<Rule['run']>[0];

function reportLibc(ctx: Ctx): void {
  const lc = linuxContext(ctx);
  for (const o of lc.objects) {
    const bad = lc.targets.filter((t) => servesArch(o, t) && libcContradicts(o, t));
    for (const [flavour, ts] of groupBy(bad, (t) => t.flavour)) {
      const { libc, evidence } = o.libc;
      const want = flavour === 'glibc' ? 'glibc' : 'musl';
      ctx.report(ELF_LIBC_MISMATCH, {
        message: `${o.path} is linked against ${libc}${evidence ? ` (${evidence})` : ''} but ${labels(ts)} promises ${want} systems`,
        file: o.path,
        targets: ts.map((t) => t.target.id),
        evidence: { libc, libcEvidence: evidence, expected: want },
        hint:
          ctx.artifact.kind === 'jar'
            ? `Put the ${want} build at ${o.path} (build it ${want === 'glibc' ? 'in a manylinux image' : 'in Alpine or with musl-gcc'}).`
            : ctx.artifact.kind === 'npm' || ctx.artifact.kind === 'node-addon'
              ? `Put a ${want} build at ${o.path} (build it ${want === 'glibc' ? 'in a manylinux image' : 'in Alpine or with musl-gcc'}), or correct the libc tag or libc field that claims ${want}.`
            : want === 'glibc'
              ? `Build ${o.path} in a manylinux image, or ship it in a musllinux wheel.`
              : `Build ${o.path} in a musllinux image (Alpine), or ship it in a manylinux wheel.`,
      });
    }
  }
}

function reportIsa(ctx: Ctx): void {
  const lc = linuxContext(ctx);
  for (const o of lc.objects) {
    const level = x86IsaLevel(o.elf);
    if (!level) continue;
    const ts = lc.targets.filter((t) => t.arch === 'x86_64' && servesArch(o, t));
    if (ts.length === 0) continue;
    ctx.report(ELF_ISA_LEVEL, {
      message: `${o.path} needs ${level} instructions (GNU property x86 ISA needed) but ${labels(ts)} promises every x86-64 CPU`,
      file: o.path,
      targets: ts.map((t) => t.target.id),
      evidence: { isaNeeded: o.elf.gnuProperties?.x86IsaNeeded ?? [], level },
      hint: `Rebuild ${o.path} for the x86-64 baseline (drop -march=${level}, -z ${level}) and select faster code at run time.`,
    });
  }
}

interface FamilyViolation {
  family: string;
  versions: NeededVersion[];
  ceiling: string | null;
  /** The most compatible policy that accepts every version of this family the file needs. */
  fits: string | null;
}

/** The most compatible policy (for this libc and arch) that allows every needed version of a family. */
function fittingPolicy(libc: PolicyLibc, t: LinuxTarget, needed: readonly NeededVersion[]): string | null {
  if (!t.arch) return null;
  const list = policiesFor(libc, t.arch);
  for (let i = list.length - 1; i >= 1; i--) {
    const p = list[i]!;
    if (needed.every((n) => allowsVersion({ policy: p, exact: true, libcCeiling: null, note: null }, n.version))) return p.tag;
  }
  return null;
}

/** Family, then numeric version (oldest first; names without a number last), then library. */
function byVersion(a: NeededVersion, b: NeededVersion): number {
  const fa = versionFamily(a.version);
  const fb = versionFamily(b.version);
  if (fa !== fb) return fa < fb ? -1 : 1;
  const va = a.version.slice(fa.length + 1);
  const vb = b.version.slice(fb.length + 1);
  const na = /^\d+(\.\d+)*$/.test(va);
  const nb = /^\d+(\.\d+)*$/.test(vb);
  if (na !== nb) return na ? -1 : 1;
  const d = na ? compareVersions(va, vb) : va < vb ? -1 : va > vb ? 1 : 0;
  return d !== 0 ? d : a.file < b.file ? -1 : a.file > b.file ? 1 : 0;
}

interface VersionJudge {
  allows(versionName: string): boolean;
  ceiling(family: string): string | null;
}

/**
 * How a target judges needed versions: by its policy; or, on an architecture
 * no manylinux policy covers (mips64el, riscv32 ... in JARs), by the glibc
 * floor it promises (GLIBC_* only: the other families have no known ceiling there).
 */
function versionJudge(t: LinuxTarget): VersionJudge | null {
  const tp = t.policy;
  if (tp) return { allows: (v) => allowsVersion(tp, v), ceiling: (family) => ceilingOf(tp, family) };
  const floor = t.flavour === 'glibc' ? t.target.libc?.minVersion : null;
  if (!floor) return null;
  return {
    allows: (v) => versionFamily(v) !== 'GLIBC' || !/^GLIBC_\d+(\.\d+)*$/.test(v) || compareVersions(v.slice(6), floor) <= 0,
    ceiling: () => floor,
  };
}

function culpritText(v: NeededVersion): string[] {
  return v.symbols.length > 0 ? v.symbols.map((s) => `${s}@${v.version}`) : [`${v.version}: no symbol uses it${v.version === 'GLIBC_ABI_DT_RELR' ? ' (recorded by the linker for packed relative relocations, -z pack-relative-relocs)' : ''}`];
}

function reportVersions(ctx: Ctx): void {
  const lc = linuxContext(ctx);
  for (const o of lc.objects) {
    const needed = neededVersions(o.elf).filter((n) => !lc.bundles(n.file));
    if (needed.length === 0) continue;
    const perTarget: { t: LinuxTarget; v: FamilyViolation }[] = [];
    for (const t of lc.targets) {
      const judge = versionJudge(t);
      if (!judge || !servesArch(o, t) || libcContradicts(o, t)) continue;
      const bad = needed.filter((n) => !judge.allows(n.version)).sort(byVersion);
      for (const [family, versions] of groupBy(bad, (n) => versionFamily(n.version))) {
        const all = needed.filter((n) => versionFamily(n.version) === family);
        perTarget.push({ t, v: { family, versions, ceiling: judge.ceiling(family), fits: t.policy ? fittingPolicy(t.policy.policy.libc, t, all) : null } });
      }
    }
    const groups = groupBy(perTarget, ({ v }) => `${v.family}\0${v.ceiling}\0${v.versions.map((n) => `${n.file}/${n.version}`).join(',')}`);
    for (const group of groups.values()) {
      const { v } = group[0]!;
      const ts = group.map((g) => g.t);
      const versions = [...new Set(v.versions.map((n) => n.version))];
      const libs = [...new Set(v.versions.map((n) => n.file))];
      const culprits = v.versions.flatMap(culpritText);
      const allWeak = v.versions.every((n) => n.weak);
      const allowed = v.ceiling ? `${v.family} ≤ ${v.ceiling}` : `no ${v.family} version named here`;
      // A stand-in policy's image has a newer glibc than the floor: name a sysroot of the floor instead.
      const tp0 = ts[0]!.policy;
      const image = tp0?.exact ? `the ${tp0.policy.name} image` : `a glibc ${v.ceiling ?? ''} sysroot`;
      ctx.report(ELF_SYMBOL_VERSION_TOO_NEW, {
        message: `${o.path} needs ${versions.join(', ')} from ${libs.join(', ')} (${listSome(culprits, 5)}) but ${labels(ts)} allows ${allowed}`,
        file: o.path,
        targets: ts.map((t) => t.target.id),
        severity: allWeak ? 'warning' : undefined,
        evidence: {
          family: v.family,
          versions: v.versions.map((n) => ({ version: n.version, library: n.file, symbols: n.symbols, weak: n.weak })),
          allowedUpTo: v.ceiling,
          policy: ts[0]!.policy?.policy.tag ?? null,
          policyNote: ts[0]!.policy?.note ?? `no manylinux policy covers ${ts[0]!.target.arch}: only GLIBC_* versions are judged, against the promised glibc ${v.ceiling}`,
          fits: v.fits,
        },
        hint: ctx.artifact.kind === 'jar' && v.family === 'GLIBC'
          ? `Build ${o.path} against glibc ${v.ceiling ?? ''} (${image}, or zig cc with a .${v.ceiling ?? ''} target) so it links against older versions: a JAR cannot narrow the systems its loader serves.`
          : (ctx.artifact.kind === 'npm' || ctx.artifact.kind === 'node-addon') && v.family === 'GLIBC'
          ? `Build ${o.path} against glibc ${v.ceiling ?? ''} (${image}; napi-rs: --use-napi-cross), or raise engines.node to Node lines whose own builds need glibc ${versions[versions.length - 1]!.slice(6)} — users of older systems fail at require().`
          : ctx.artifact.kind !== 'wheel'
          ? `Build ${o.path} in ${image} (or an older toolchain) so it links against older versions${v.family === 'GLIBCXX' || v.family === 'CXXABI' ? ', or link the C++ runtime statically (-static-libstdc++)' : ''}.`
          : v.fits
          ? `Build ${o.path} in ${image} (or an older toolchain) so it links against older versions, or claim ${v.fits} instead.`
          : `${versions.join(', ')} is not part of any ${ts[0]!.flavour === 'glibc' ? 'manylinux' : 'musllinux'} policy: stop using ${listSome(culprits, 3)}.`,
      });
    }
  }
}

function reportBlacklist(ctx: Ctx): void {
  const lc = linuxContext(ctx);
  for (const o of lc.objects) {
    const undef = undefinedNonWeak(o.elf);
    if (undef.size === 0) continue;
    const boundTo = new Map(o.elf.dynamicSymbols.filter((s) => !s.defined && s.version?.file).map((s) => [s.name, s.version!.file!]));
    const hits: { t: LinuxTarget; lib: string; symbols: string[] }[] = [];
    for (const t of lc.targets) {
      if (!t.policy || !servesArch(o, t) || libcContradicts(o, t)) continue;
      for (const lib of o.elf.dynamic?.needed ?? []) {
        const black = t.policy.policy.blacklist.get(lib);
        if (!black || lc.bundles(lib)) continue;
        const symbols = [...black].filter((s) => undef.has(s) && (boundTo.get(s) ?? lib) === lib).sort();
        if (symbols.length > 0) hits.push({ t, lib, symbols });
      }
    }
    for (const group of groupBy(hits, (h) => `${h.lib}\0${h.symbols.join(',')}`).values()) {
      const { lib, symbols } = group[0]!;
      const ts = group.map((g) => g.t);
      ctx.report(ELF_BLACKLISTED_SYMBOL, {
        message: `${o.path} uses ${listSome(symbols)} from ${lib}, which ${labels(ts)} blacklists`,
        file: o.path,
        targets: ts.map((t) => t.target.id),
        evidence: { library: lib, symbols, policy: ts[0]!.policy!.policy.tag },
        hint: lib === 'libz.so.1' ? `Use only zlib's public API in ${o.path}, or bundle zlib.` : `Build ${o.path} in the ${ts[0]!.policy!.policy.name} image, or reference ${symbols[0]} weakly with a NULL check.`,
      });
    }
  }
}

/** Architectures whose glibc default stack (no PT_GNU_STACK) is executable (DEFAULT_STACK_PERMS has PF_X). */
const EXEC_BY_DEFAULT = new Set(['x86_64', 'i686', 'ppc64le', 'ppc64', 's390x', 'armv7l']);

function reportStack(ctx: Ctx): void {
  const lc = linuxContext(ctx);
  for (const o of lc.objects) {
    if (o.elf.programHeaders.length === 0) continue; // a relocatable object is never loaded as is
    const stack = o.elf.gnuStack;
    if (stack && !stack.executable) continue;
    // A program started with exec() gets the stack it asks for; only libraries loaded with dlopen (imports) are refused.
    const program = o.binary.facts[0]?.kind === 'executable';
    const hits: LinuxTarget[] = [];
    for (const t of lc.targets) {
      if (!servesArch(o, t)) continue;
      if (stack?.executable || (t.flavour === 'glibc' && !program && o.arch && EXEC_BY_DEFAULT.has(o.arch))) hits.push(t);
    }
    for (const [flavour, ts] of groupBy(hits, (t) => (program ? 'program' : t.flavour))) {
      const what = stack ? 'has an executable stack (PT_GNU_STACK RWE)' : `has no PT_GNU_STACK, so glibc gives it ${o.arch}'s default, an executable stack`;
      const effect =
        flavour === 'program'
          ? `every thread stack of the program is executable on ${labels(ts)} (no protection against stack code injection)`
          : flavour === 'glibc'
            ? `glibc ≥ 2.41 refuses to load it ("cannot enable executable stack as shared object requires: Invalid argument") on ${labels(ts)}`
            : `musl ignores the request on ${labels(ts)}, so code that really runs on the stack crashes`;
      ctx.report(ELF_EXECUTABLE_STACK, {
        message: `${o.path} ${what}: ${effect}`,
        file: o.path,
        targets: ts.map((t) => t.target.id),
        severity: flavour === 'glibc' ? 'error' : 'warning',
        evidence: { gnuStack: stack ? 'RWE' : null, arch: o.arch, executable: program },
        hint: `Relink ${o.path} with -Wl,-z,noexecstack and mark its assembly sources with .note.GNU-stack.`,
      });
    }
  }
}

export const elfRule: Rule = {
  name: 'elf',
  // Python extension modules are told by their init function.
  definedSymbols: EXTENSION_INIT_SYMBOLS,
  kinds: ['wheel', 'jar', 'npm', 'node-addon'],
  checks: [ELF_LIBC_MISMATCH, ELF_ISA_LEVEL, ELF_SYMBOL_VERSION_TOO_NEW, ELF_BLACKLISTED_SYMBOL, ELF_EXECUTABLE_STACK],
  run(ctx) {
    reportLibc(ctx);
    reportIsa(ctx);
    reportVersions(ctx);
    reportBlacklist(ctx);
    reportStack(ctx);
  },
};
