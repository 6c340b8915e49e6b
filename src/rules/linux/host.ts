/**
 * The machine auditwheel runs on, as its lddtree sees it (lddtree.py
 * `load_ld_paths`, `parse_ld_so_conf`, `find_lib`): for glibc, the
 * directories of /etc/ld.so.conf (with `include` globs) that exist, then /lib,
 * /lib64/, /usr/lib, /usr/lib64; for musl, /etc/ld-musl-*.path split on ':'
 * (as auditwheel reads it), else /lib, /usr/local/lib, /usr/lib; plus
 * AUDITWHEEL_LD_LIBRARY_PATH and LD_LIBRARY_PATH. Libraries are parsed with
 * distaudit's ELF parser.
 *
 * Only for reproducing `auditwheel show` on this machine (the differential
 * tests): the audit itself never looks at the machine it runs on.
 *
 * @example
 *   deservedPlatformTag(binaries, 'x86_64', 'glibc', { host: localHost() });
 */
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { parseElf } from '../../binary/elf/parse.ts';
import { BinaryParseError } from '../../binary/errors.ts';
import { withFile } from '../../binary/source.ts';
import type { PolicyLibc } from '../../policy/linux.ts';
import type { HostLibrary, HostSystem } from './deserved-tag.ts';
import { basename, dirname } from './layout.ts';

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function norm(p: string): string {
  const parts: string[] = [];
  for (const x of p.split('/')) {
    if (x === '' || x === '.') continue;
    if (x === '..') parts.pop();
    else parts.push(x);
  }
  return `/${parts.join('/')}`;
}

/** Expands a glob with '*' / '?' in its last component only (what ld.so.conf includes use). */
function globLast(pattern: string): string[] {
  const dir = dirname(pattern) || '/';
  const re = new RegExp(`^${basename(pattern).replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`);
  try {
    return readdirSync(dir).filter((n) => re.test(n) && !n.startsWith('.')).sort().map((n) => `${dir}/${n}`);
  } catch {
    return [];
  }
}

function parseLdSoConf(file: string, root: string, depth = 0): string[] {
  if (depth > 8 || !existsSync(file)) return [];
  const out: string[] = [];
  for (const raw of readFileSync(file, 'utf8').split('\n')) {
    const line = raw.split('#', 1)[0]!.trim();
    if (!line) continue;
    if (line.startsWith('include ')) {
      let pat = line.slice(8);
      pat = pat.startsWith('/') ? `${root}${pat.replace(/^\/+/, '')}` : `${dirname(file)}/${pat}`;
      for (const f of globLast(pat)) out.push(...parseLdSoConf(f, root, depth + 1));
    } else out.push(norm(`${root}${line}`));
  }
  return depth === 0 ? [...new Set(out)].filter(isDir) : out;
}

function envDirs(): string[] {
  const value = [process.env.AUDITWHEEL_LD_LIBRARY_PATH, process.env.LD_LIBRARY_PATH].filter((v) => v).join(':');
  const dirs = value.split(':').filter((d) => d !== '').map(norm);
  return [...new Set(dirs)].filter(isDir);
}

/** This machine, seen the way auditwheel's lddtree sees it. */
export function localHost(root = '/'): HostSystem {
  const cache = new Map<string, HostLibrary | null>();
  return {
    confDirs(libc: PolicyLibc | null): string[] {
      if (libc === 'musl') {
        const conf = globLast(`${root}etc/ld-musl-*.path`);
        if (conf.length === 0) return [`${root}lib`, `${root}usr/local/lib`, `${root}usr/lib`].map(norm);
        return readFileSync(conf[0]!, 'utf8').split(':').map((s) => s.trim()).filter((s) => s !== '').map((s) => norm(`${root}${s}`));
      }
      return [...parseLdSoConf(`${root}etc/ld.so.conf`, root), '/lib', '/lib64', '/usr/lib', '/usr/lib64'];
    },
    envDirs,
    isDir,
    open(path: string): HostLibrary | null {
      if (cache.has(path)) return cache.get(path)!;
      let result: HostLibrary | null = null;
      try {
        // lddtree.readlink: follow links of the last component only (directory links such as /lib → /usr/lib stay).
        let real = norm(path);
        for (let hops = 0; hops < 40 && lstatSync(real).isSymbolicLink(); hops++) {
          const target = readlinkSync(real);
          real = norm(target.startsWith('/') ? target : `${dirname(real)}/${target}`);
        }
        if (statSync(real).isFile()) {
          const elf = withFile(real, (src) => parseElf(src));
          result = { realpath: real, elf };
        }
      } catch (e) {
        // Missing files, and files that are not ELF (a linker script named libc.so), are not libraries.
        if (!(e instanceof BinaryParseError) && !(e instanceof Error && 'code' in e)) throw e;
      }
      cache.set(path, result);
      return result;
    },
  };
}
