/**
 * `npm run bench [-- <name>...]`: elf (default) — parse throughput vs readelf;
 * zip — scanning a large zip vs `unzip -p`; wheel — auditing a large real wheel vs
 * auditwheel show and unzip -p; fuzz — a long fuzz run with a fresh seed.
 */
import { elfThroughput } from './elf-throughput.ts';
import { fuzzLong } from './fuzz-long.ts';
import { zipScan } from './zip-scan.ts';
import { wheelAudit } from './wheel-audit.ts';

const names = process.argv.slice(2);
const wanted = names.length > 0 ? names : ['elf'];
let ok = true;
for (const name of wanted) {
  if (name === 'elf') elfThroughput();
  else if (name === 'fuzz') ok = (await fuzzLong()) && ok;
  else if (name === 'zip') zipScan();
  else if (name === 'wheel') ok = wheelAudit() && ok;
  else {
    console.error(`unknown benchmark '${name}' (elf, zip, wheel, fuzz)`);
    process.exit(2);
  }
}
process.exitCode = ok ? 0 : 1;
