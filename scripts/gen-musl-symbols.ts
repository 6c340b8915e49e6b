/**
 * Regenerates src/policy/musl-symbols.data.ts from the machine's musl C library
 * (Debian: apt-get install musl; the version is read from dpkg when not given).
 *
 *   node --import tsx scripts/gen-musl-symbols.ts [/lib/x86_64-linux-musl/libc.so] [1.2.3]
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderMuslSymbolData } from '../src/policy/musl-symbols.codegen.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const input = process.argv[2] ?? '/lib/x86_64-linux-musl/libc.so';
const version = process.argv[3] ?? execFileSync('dpkg-query', ['-W', '-f', '${Version}', 'musl'], { encoding: 'utf8' }).replace(/-[^-]*$/, '');
const out = join(root, 'src/policy/musl-symbols.data.ts');
writeFileSync(out, renderMuslSymbolData(readFileSync(input), input, version));
console.log(`wrote ${out}`);
