/**
 * What musl's dynamic loader can give a library built elsewhere (usually
 * against glibc): the symbols musl's C library defines (generated from
 * Debian's musl 1.2.3 for x86_64, see musl-symbols.data.ts), and the library
 * names a musl system answers for. musl resolves symbols by name only (it
 * ignores symbol versions), so a glibc library whose imports musl defines
 * loads there; one that imports a glibc-only name (`__snprintf_chk`,
 * `fcntl64`, `__strdup`, `gnu_get_libc_version`...) does not: `Error relocating
 * libfoo.so: __snprintf_chk: symbol not found`.
 *
 * Limits, stated where they are used: the list is one musl release on one
 * architecture (per-architecture differences are a handful of syscall
 * wrappers); musl 1.2.4 removed the LFS64 names (`stat64`, `fopen64`...) from
 * its headers but keeps them for binaries already linked to them.
 */
import { MUSL_EXPORTED_NAMES, MUSL_SYMBOLS_SOURCE } from './musl-symbols.data.ts';

/** The musl release the symbol list comes from. */
export const MUSL_SYMBOLS_VERSION: string = MUSL_SYMBOLS_SOURCE.version;

let exported: ReadonlySet<string> | null = null;

/**
 * What musl's libc.so defines on other architectures than the x86_64 the list
 * was read from (musl's arch/ and src/ trees): the TLS entry points of i386
 * (`___tls_get_addr`), s390x (`__tls_get_offset`) and the rest
 * (`__tls_get_addr`), and MIPS's cache flush calls.
 */
const OTHER_ARCH_EXPORTS = new Set(['___tls_get_addr', '__tls_get_addr', '__tls_get_offset', '_flush_cache', 'cacheflush', 'cachectl', '__cachectl']);

/** Whether musl's C library defines `name` (on some architecture). */
export function muslDefines(name: string): boolean {
  exported ??= new Set(MUSL_EXPORTED_NAMES.split('\n').filter((n) => n !== ''));
  return exported.has(name) || OTHER_ARCH_EXPORTS.has(name);
}

/**
 * Libraries a plain musl system (Alpine's base image) has beside libc itself:
 * zlib (a dependency of apk). Everything else a glibc build names —
 * libgcc_s.so.1, libstdc++.so.6, libcrypt.so.1, libresolv.so.2 — needs a
 * package installed, and is missing from minimal JRE images.
 */
export const MUSL_BASE_LIBRARIES: ReadonlySet<string> = new Set(['libz.so.1']);
