/**
 * ELF parse throughput over every ELF file on the machine, beside
 * `readelf -W -d -V` over the same files in the same run. Both read from a warm
 * page cache; readelf gets the files in batches so its process start-up is
 * amortised. Prints files/s, MB/s, the ratio, and our peak RSS.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { parseElf } from '../src/binary/elf/parse.ts';
import { withFile } from '../src/binary/source.ts';
import { systemElfFiles } from '../test/support/system-elf.ts';

const READELF_BATCH = 100;

/** Reads a file through a 1 MiB buffer, so warming the page cache does not inflate our RSS. */
function warm(path: string, buf: Buffer): void {
  const fd = openSync(path, 'r');
  try {
    while (readSync(fd, buf, 0, buf.length, null) > 0);
  } finally {
    closeSync(fd);
  }
}

function rate(files: number, bytes: number, ms: number): string {
  return `${((files * 1000) / ms).toFixed(0).padStart(7)} files/s ${((bytes / 1e6) * (1000 / ms)).toFixed(0).padStart(6)} MB/s  (${(ms / 1000).toFixed(2)} s)`;
}

export function elfThroughput(): void {
  const files = systemElfFiles();
  const bytes = files.reduce((s, f) => s + statSync(f).size, 0);
  const buf = Buffer.allocUnsafe(1 << 20);
  for (const f of files) warm(f, buf); // warm the page cache for both sides
  console.log(`ELF throughput over ${files.length} files, ${(bytes / 1e6).toFixed(0)} MB (every ELF in the system library and binary directories)`);

  let anomalies = 0;
  let failures = 0;
  const t0 = performance.now();
  for (const f of files) {
    try {
      anomalies += withFile(f, (src) => parseElf(src)).anomalies.length;
    } catch {
      failures++;
    }
  }
  const ours = performance.now() - t0;

  const t1 = performance.now();
  for (let i = 0; i < files.length; i += READELF_BATCH) {
    try {
      execFileSync('readelf', ['-W', '-d', '-V', ...files.slice(i, i + READELF_BATCH)], { stdio: ['ignore', 'ignore', 'ignore'], maxBuffer: 1 << 30 });
    } catch {
      // readelf exits non-zero after warnings about unusual files; its work is done.
    }
  }
  const readelf = performance.now() - t1;

  console.log(`  distaudit parseElf (full parse: dynamic, versions, symbols, notes)  ${rate(files.length, bytes, ours)}`);
  console.log(`  readelf -W -d -V                                                   ${rate(files.length, bytes, readelf)}`);
  console.log(`  ratio: distaudit is ${(readelf / ours).toFixed(2)}× the speed of readelf; ${failures} files failed to parse, ${anomalies} anomalies`);
  console.log(`  peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`);
}
