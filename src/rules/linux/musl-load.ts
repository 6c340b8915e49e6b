/**
 * Would a library built against glibc load on a musl system (Alpine)? The
 * cheap static version of `ld-musl-x86_64.so.1 --list libfoo.so`, from the
 * bytes: musl's loader fails on
 *
 * 1. a DT_NEEDED glibc's loader name (`ld-linux-x86-64.so.2`,
 *    `ld-linux-aarch64.so.1`): `Error loading shared library
 *    ld-linux-x86-64.so.2: No such file or directory`;
 * 2. a DT_NEEDED library a musl system does not have (`libgcc_s.so.1`,
 *    `libstdc++.so.6`, `libcrypt.so.1`...), unless the artifact carries it;
 *    musl answers itself for libc.so.6, libm.so.6, libpthread.so.0,
 *    libdl.so.2, librt.so.1 (its reserved names);
 * 3. an undefined, non-weak symbol bound to a glibc library that musl does
 *    not define: glibc's fortified `__*_chk` functions, `fcntl64`, `__strdup`,
 *    `__isnan`, `gnu_get_libc_version`... (`Error relocating libfoo.so:
 *    __snprintf_chk: symbol not found`). musl binds data references at load;
 *    with RTLD_LAZY (what the JVM and Node pass) it may defer a missing
 *    function until its first call, which then fails the same way.
 *
 * Nothing is executed; the differential test compares this with musl's own
 * loader in `--list` mode.
 */
import type { ElfFile } from '../../binary/elf/parse.ts';
import { isGlibcLoaderName } from '../../policy/linux.ts';
import { MUSL_BASE_LIBRARIES, muslDefines } from '../../policy/musl.ts';
import { muslReservedName } from './loader.ts';

export type MuslLoadProblem =
  | { kind: 'glibc-loader'; library: string }
  | { kind: 'library'; library: string }
  | { kind: 'symbol'; symbol: string; version: string; library: string };

/** glibc's loader names beyond `ld-linux*` (auditwheel's rule): 32-bit PowerPC's ld.so.1, ppc64 / s390x ld64.so.1, ppc64le ld64.so.2. */
const GLIBC_LOADER = /^ld(64)?\.so\.[12]$/;

/** glibc's libraries: a symbol bound to one of these must come from musl's libc instead. */
const GLIBC_LIBS = /^(libc\.so\.6|libm\.so\.6|libpthread\.so\.0|libdl\.so\.2|librt\.so\.1|libutil\.so\.1|libresolv\.so\.2|libanl\.so\.1|libnsl\.so\.1|libcrypt\.so\.1|ld-linux[^/]*\.so\.\d+|ld64\.so\.[12])$/;

/**
 * Why the ELF file would not load on musl; empty when it would.
 * `bundled(name)`: whether the artifact itself provides a library of that
 * name where the loader finds it.
 */
export function muslLoadProblems(elf: ElfFile, bundled: (name: string) => boolean = () => false): MuslLoadProblem[] {
  const out: MuslLoadProblem[] = [];
  for (const name of elf.dynamic?.needed ?? []) {
    if (isGlibcLoaderName(name) || GLIBC_LOADER.test(name)) out.push({ kind: 'glibc-loader', library: name });
    else if (!muslReservedName(name) && !MUSL_BASE_LIBRARIES.has(name) && !/^(libc\.musl-|ld-musl-)/.test(name) && !bundled(name)) out.push({ kind: 'library', library: name });
  }
  const seen = new Set<string>();
  for (const s of elf.dynamicSymbols) {
    if (s.defined || s.index === 0 || s.name === '' || s.bindName === 'WEAK') continue;
    const v = s.version;
    if (!v || v.source !== 'needed' || !v.file || !GLIBC_LIBS.test(v.file) || !v.name.startsWith('GLIBC_')) continue;
    if (seen.has(s.name) || muslDefines(s.name)) continue;
    seen.add(s.name);
    out.push({ kind: 'symbol', symbol: s.name, version: v.name, library: v.file });
  }
  return out;
}

/** One short phrase per problem, for messages: 'needs ld-linux-x86-64.so.2', '__snprintf_chk@GLIBC_2.3.4'. */
export function muslProblemText(p: MuslLoadProblem): string {
  switch (p.kind) {
    case 'glibc-loader':
      return `NEEDED ${p.library} (glibc's loader)`;
    case 'library':
      return `NEEDED ${p.library} (not on a musl system${p.library.startsWith('libgcc_s') ? ': apk add libgcc' : p.library.startsWith('libstdc++') ? ': apk add libstdc++' : ''})`;
    case 'symbol':
      return `${p.symbol}@${p.version} (glibc-only)`;
  }
}
