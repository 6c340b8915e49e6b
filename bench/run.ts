/**
 * `npm run bench [-- <name>...]`: elf (default) — parse throughput vs readelf;
 * fuzz — a long fuzz run with a fresh seed.
 */
import { elfThroughput } from './elf-throughput.ts';
import { fuzzLong } from './fuzz-long.ts';

const names = process.argv.slice(2);
const wanted = names.length > 0 ? names : ['elf'];
let ok = true;
for (const name of wanted) {
  if (name === 'elf') elfThroughput();
  else if (name === 'fuzz') ok = (await fuzzLong()) && ok;
  else {
    console.error(`unknown benchmark '${name}' (elf, fuzz)`);
    process.exit(2);
  }
}
process.exitCode = ok ? 0 : 1;
