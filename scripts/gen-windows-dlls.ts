/**
 * Regenerates src/policy/windows-dlls.data.ts from the shared reference list
 * of Windows system DLLs.
 *
 *   node --import tsx scripts/gen-windows-dlls.ts [../shared/reference/windows10-system32-dlls.txt]
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderWindowsDllData } from '../src/policy/windows-dlls.codegen.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const input = process.argv[2] ?? join(root, '../shared/reference/windows10-system32-dlls.txt');
const out = join(root, 'src/policy/windows-dlls.data.ts');
writeFileSync(out, renderWindowsDllData(readFileSync(input, 'utf8'), 'shared/reference/windows10-system32-dlls.txt'));
console.log(`wrote ${out}`);
