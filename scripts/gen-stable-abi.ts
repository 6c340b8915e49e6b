/**
 * Regenerates src/policy/stable-abi.data.ts from a copy of CPython's
 * Misc/stable_abi.toml.
 *
 *   node --import tsx scripts/gen-stable-abi.ts path/to/stable_abi.toml <cpython-commit>
 *
 * The commit is the one the TOML was taken from; it goes into the data file's
 * header so every fact can be traced back.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseStableAbiToml, renderStableAbiData } from '../src/policy/stable-abi.codegen.ts';

const [tomlPath, commit] = process.argv.slice(2);
if (!tomlPath || !commit || !/^[0-9a-f]{40}$/.test(commit)) {
  console.error('usage: node --import tsx scripts/gen-stable-abi.ts <stable_abi.toml> <40-hex cpython commit>');
  process.exit(2);
}
const items = parseStableAbiToml(readFileSync(tomlPath, 'utf8'));
const out = join(fileURLToPath(new URL('..', import.meta.url)), 'src/policy/stable-abi.data.ts');
writeFileSync(out, renderStableAbiData(items, { repository: 'python/cpython', path: 'Misc/stable_abi.toml', commit }));
console.log(`wrote ${out}: ${items.length} items`);
