/**
 * `npm run bench [-- <name>...] [--key=value...]`: elf (default) — parse
 * throughput vs readelf; zip — scanning a large zip vs `unzip -p`; wheel —
 * auditing a large real wheel vs auditwheel show and unzip -p; fuzz — a long
 * fuzz run with a fresh seed; service — the running service under concurrent
 * uploads vs direct audits (--n=N --c=16 --workers=<cores>); load — the
 * bwrap driver's overhead per runtime above a bare start, and image build and
 * restore times (--n=15).
 */
import { elfThroughput } from './elf-throughput.ts';
import { fuzzLong } from './fuzz-long.ts';
import { loadBench } from './load.ts';
import { serviceBench } from './service.ts';
import { zipScan } from './zip-scan.ts';
import { wheelAudit } from './wheel-audit.ts';

const args = process.argv.slice(2);
const names = args.filter((a) => !a.startsWith('--'));
const options = new Map(
  args
    .filter((a) => a.startsWith('--'))
    .map((a) => {
      const eq = a.indexOf('=');
      return eq < 0 ? [a.slice(2), ''] : [a.slice(2, eq), a.slice(eq + 1)];
    }),
);
const num = (key: string): number | undefined => (options.has(key) ? Number(options.get(key)) : undefined);
const wanted = names.length > 0 ? names : ['elf'];
let ok = true;
for (const name of wanted) {
  if (name === 'elf') elfThroughput();
  else if (name === 'fuzz') ok = (await fuzzLong()) && ok;
  else if (name === 'zip') zipScan();
  else if (name === 'wheel') ok = wheelAudit() && ok;
  else if (name === 'load') ok = (await loadBench({ n: num('n') })) && ok;
  else if (name === 'service') ok = (await serviceBench({ n: num('n'), c: num('c'), workers: num('workers') })) && ok;
  else {
    console.error(`unknown benchmark '${name}' (elf, zip, wheel, fuzz, service, load)`);
    process.exit(2);
  }
}
process.exitCode = ok ? 0 : 1;
