/**
 * Musl availability: for every native library of a JAR and every Linux
 * architecture it is built for on glibc, does anything load on a musl system
 * (Alpine) of that architecture? What the loader picks there depends on its
 * convention (src/artifact/jar/targets.ts): sqlite-jdbc (and snappy-java on
 * x86_64) look for a separate musl build; JNA, zstd-jni, lz4-java, netty,
 * Conscrypt and the rest load the same file as on glibc, which then must pass
 * the musl-loadability test of src/rules/linux/musl-load.ts (no glibc loader
 * NEEDED, no glibc-only symbols, no libgcc_s / libstdc++).
 *
 * A musl build under a path that claims musl is checked by the Linux rules
 * like any other binary (a glibc build there is elf.libc-mismatch).
 */
import type { AuditedBinary, Check, Rule } from '../../audit/types.ts';
import type { Arch } from '../../binary/arch.ts';
import { innerPath } from '../../artifact/jar/reader.ts';
import { muslLookup, nativePlatforms, type NativeFacts } from '../../artifact/jar/targets.ts';
import { linuxContext } from '../linux/context.ts';
import { muslLoadProblems, muslProblemText } from '../linux/musl-load.ts';
import { jarOf, nativeBinaries, type Ctx, type NativeBinary } from './common.ts';
import { listSome } from '../messages.ts';

export const JAR_NO_MUSL_BUILD: Check = {
  id: 'jar.no-musl-build',
  severity: 'warning',
  title: 'Nothing in the JAR loads on musl (Alpine) for an architecture',
  explain:
    'The JAR carries a native library for Linux on this architecture, but nothing its loader would load on a musl system (Alpine, the `-alpine` JRE images). ' +
    'Either the library tells musl apart and the JAR lacks the musl build it looks for (sqlite-jdbc\'s `Linux-Musl/<arch>`: `No native library found for os.name=Linux-Musl`), or — JNA, zstd-jni, lz4-java, netty and most others — the loader picks the same file as on glibc, and that glibc build would not load on musl: ' +
    'it needs glibc\'s loader (`Error loading shared library ld-linux-x86-64.so.2`, snappy-java on Alpine), glibc-only functions (`Error relocating …: __fprintf_chk: symbol not found`, zstd-jni#38; `__strndup`, netty#6841; `__isnan`, sqlite-jdbc#187), or libraries a musl system lacks (`libgcc_s.so.1`, zstd-jni#157). ' +
    'Alpine users hit this most; the message names what fails. A glibc build that needs none of that loads on musl, and is not reported.',
  fix:
    'Ship a musl build where the loader looks for one, or build the one Linux library so it loads on both: against an old glibc without `_FORTIFY_SOURCE` (the `__*_chk` functions) and without `_FILE_OFFSET_BITS=64` on 64-bit (`fcntl64`), with `-static-libgcc` (and `-static-libstdc++`), never linking glibc\'s loader by name.',
};

/** The library a native is a build of: same convention, same library, in the same archive — whatever the platform. */
function libraryKey(n: NativeBinary['native']): string {
  const file = innerPath(n.path).split('/').pop()!;
  const stem = file.replace(/^lib/, '').replace(/\.(so|dylib|jnilib|dll|a)(\.[0-9.]+)?$/i, '');
  const c = n.claim;
  if (!c) return `${n.archive}|?|${stem}`;
  if (c.convention === 'netty') return `${n.archive}|netty|${c.shadedPrefix ?? ''}${c.library ?? ''}`;
  if (c.convention === 'conscrypt') return `${n.archive}|conscrypt`;
  return `${n.archive}|${c.convention}|${c.relocatedPrefix}|${stem}`;
}

interface Served {
  nb: NativeBinary;
  arch: Arch;
  libc: 'glibc' | 'musl';
  libcBlind: boolean;
}

function factsOf(nb: NativeBinary): NativeFacts | null {
  if (nb.bin) return { facts: nb.bin.facts, elfOsAbi: nb.bin.parsed.format === 'elf' ? nb.bin.parsed.header.osabi : null };
  return nb.native.scanned;
}

/** Why a binary the loader picks on musl `arch` would not load there; empty when it would. */
function whyNot(bin: AuditedBinary | null, arch: Arch, bundles: (name: string) => boolean): string[] {
  if (!bin) return ['it cannot be parsed'];
  const f = bin.facts[0]!;
  if (bin.parsed.format !== 'elf') return [`it is not an ELF file (${f.format})`];
  if (f.arch !== arch) return [`it is ${f.arch}, not ${arch}`];
  if (f.libc === 'bionic') return ['it is an Android (bionic) build'];
  if (f.libc !== 'glibc') return [];
  return muslLoadProblems(bin.parsed, bundles).map(muslProblemText);
}

function reportMusl(ctx: Ctx): void {
  const jar = jarOf(ctx);
  if (!jar) return;
  const lc = linuxContext(ctx);
  const groups = new Map<string, Served[]>();
  for (const nb of nativeBinaries(ctx, jar)) {
    for (const s of nativePlatforms(nb.native.path, nb.native.claim, factsOf(nb))) {
      const libc = s.platform.libc;
      if (s.platform.os !== 'linux' || (libc !== 'glibc' && libc !== 'musl')) continue;
      const key = libraryKey(nb.native);
      groups.set(key, [...(groups.get(key) ?? []), { nb, arch: s.platform.arch, libc, libcBlind: s.libcBlind }]);
    }
  }
  for (const served of groups.values()) {
    const arches = [...new Set(served.filter((s) => s.libc === 'glibc').map((s) => s.arch))];
    for (const arch of arches) {
      const glibc = served.filter((s) => s.arch === arch && s.libc === 'glibc');
      const musl = served.filter((s) => s.arch === arch && s.libc === 'musl');
      const verdicts = musl.map((s) => ({ s, why: whyNot(s.nb.bin, arch, (n) => lc.bundles(n)) }));
      if (verdicts.some((v) => v.why.length === 0)) continue;
      const target = ctx.targets.find((t) => t.os === 'linux' && t.arch === arch && t.libc?.kind === 'musl');
      const first = glibc[0]!.nb.native;
      let message: string;
      let hint: string;
      if (verdicts.length === 0) {
        const lookups = [...new Set(glibc.flatMap((g) => (g.nb.native.claim && muslLookup(g.nb.native.claim) ? [muslLookup(g.nb.native.claim)!] : [])))];
        message = `${first.path} has no musl build for ${arch}: on musl systems (Alpine) ${lookups.length > 0 ? `the loader looks in ${lookups.join(', ')}, which the JAR lacks` : 'the loader finds nothing to load'}`;
        hint = lookups.length > 0 ? `Ship a musl build at ${lookups[0]}.` : JAR_NO_MUSL_BUILD.fix;
      } else {
        const parts = verdicts.map((v) => `${v.s.nb.native.path}${v.s.libcBlind ? ' (loaded on musl too: its loader does not tell musl from glibc)' : ''} would not load there: ${listSome(v.why, 5)}`);
        message = `nothing loads on musl ${arch} (Alpine): ${parts.join('; ')}`;
        hint = `Build ${innerPath(verdicts[0]!.s.nb.native.path).split('/').pop()} so it also loads on musl (no _FORTIFY_SOURCE, no _FILE_OFFSET_BITS=64 on 64-bit, -static-libgcc, no NEEDED ld-linux), or ship a musl build where the loader looks for one.`;
      }
      ctx.report(JAR_NO_MUSL_BUILD, {
        message,
        file: verdicts[0]?.s.nb.native.path ?? first.path,
        targets: target ? [target.id] : [],
        evidence: {
          arch,
          glibcBuilds: glibc.map((g) => g.nb.native.path),
          muslCandidates: verdicts.map((v) => ({ path: v.s.nb.native.path, sameFileAsGlibc: v.s.libcBlind, problems: v.why })),
        },
        hint,
      });
    }
  }
}

export const muslRule: Rule = {
  name: 'jar-musl',
  kinds: ['jar'],
  checks: [JAR_NO_MUSL_BUILD],
  run: reportMusl,
};
