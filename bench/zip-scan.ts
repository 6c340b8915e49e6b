/**
 * The zip reader on a large archive, beside `unzip -p` of the same file in
 * the same run. Builds a ~300 MB zip (Info-ZIP zip, default level) in a
 * temporary directory from random and compressible files, like the binaries
 * and data of a big wheel, then times:
 *   - `unzip -p <zip> > /dev/null` (inflating every entry, nothing else);
 *   - scanZip keeping nothing (inflate + CRC-32 + sha256 of every entry + sha256 of the archive);
 *   - scanZip keeping every entry (the same, plus spooling all of it to disk).
 * Each scan runs in a child process so its peak RSS is its own.
 *
 *   node --import tsx bench/zip-scan.ts [inflated MB, default 380: a ~300 MB archive]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scanZip } from '../src/artifact/archive/zip.ts';

const WORDS = 'elf symbol version glibc needed rpath runpath soname wheel manylinux musllinux python abi tag record hash'.split(' ');

/** Writes `size` bytes: random (incompressible, like stripped code) or text-like (compressible ~4-6×). */
function writeFile(path: string, size: number, kind: 'random' | 'text'): void {
  const fd = openSync(path, 'w');
  try {
    const chunk = 1 << 20;
    for (let done = 0; done < size; done += chunk) {
      const n = Math.min(chunk, size - done);
      let buf: Buffer;
      if (kind === 'random') buf = randomBytes(n);
      else {
        const r = randomBytes(n);
        buf = Buffer.allocUnsafe(n);
        let at = 0;
        let i = 0;
        while (at < n) {
          const w = WORDS[r[i++ % n]! % WORDS.length]!;
          at += buf.write(`${w}${r[i++ % n]! % 10 === 0 ? '\n' : ' '}`, at);
        }
      }
      writeSync(fd, buf);
    }
  } finally {
    closeSync(fd);
  }
}

function time(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

interface ChildResult {
  ms: number;
  maxRssMB: number;
  entries: number;
  problems: number;
}

function scanInChild(zip: string, keep: boolean, spoolDir: string): ChildResult {
  const self = fileURLToPath(import.meta.url);
  const r = spawnSync(process.execPath, ['--import', 'tsx', self, '--child', zip, keep ? 'keep' : 'none', spoolDir], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`scan child failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildResult;
}

async function child(zip: string, keep: string, spoolDir: string): Promise<void> {
  const t0 = performance.now();
  const scan = await scanZip(zip, { keep: () => keep === 'keep', spoolDir });
  const ms = performance.now() - t0;
  const out: ChildResult = { ms, maxRssMB: process.resourceUsage().maxRSS / 1024, entries: scan.entries.length, problems: scan.problems.length };
  console.log(JSON.stringify(out));
}

export function zipScan(sizeMB = 380): void {
  const dir = mkdtempSync(join(tmpdir(), 'distaudit-zip-bench-'));
  try {
    const tree = join(dir, 'tree');
    mkdirSync(join(tree, 'pkg/libs'), { recursive: true });
    const files = 20;
    const each = Math.floor((sizeMB * 1024 * 1024) / files);
    // Three in four large files random (like stripped code), one in four text: the archive is about 0.8 × sizeMB.
    for (let i = 0; i < files; i++) writeFile(join(tree, i % 4 ? `pkg/libs/lib${i}.so` : `pkg/data${i}.txt`), each, i % 4 ? 'random' : 'text');
    for (let i = 0; i < 2000; i++) writeFile(join(tree, `pkg/mod${i}.py`), 2000 + (i % 7) * 500, 'text');
    const zip = join(dir, 'big.zip');
    execFileSync('zip', ['-q', '-r', zip, 'pkg'], { cwd: tree });
    rmSync(tree, { recursive: true });
    const zipSize = statSync(zip).size;
    console.log(`zip scan over ${(zipSize / 1e6).toFixed(0)} MB (${files} large entries, 3/4 random, 1/4 text, + 2000 small .py; ${((files * each) / 1e6).toFixed(0)} MB inflated)`);

    // Flush the writes of the set-up (they would slow the spooling run down), then warm the page cache for every contender.
    execFileSync('sync');
    execFileSync('sh', ['-c', `cat "${zip}" > /dev/null`]);
    const unzipMs = Math.min(time(() => execFileSync('sh', ['-c', `unzip -p "${zip}" > /dev/null`])), time(() => execFileSync('sh', ['-c', `unzip -p "${zip}" > /dev/null`])));
    const none = [scanInChild(zip, false, join(dir, 'spool')), scanInChild(zip, false, join(dir, 'spool'))].sort((a, b) => a.ms - b.ms)[0]!;
    const kept = [scanInChild(zip, true, join(dir, 'spool-keep1')), scanInChild(zip, true, join(dir, 'spool-keep2'))].sort((a, b) => a.ms - b.ms)[0]!;

    const line = (label: string, ms: number, extra = '') => console.log(`  ${label.padEnd(52)} ${(ms / 1000).toFixed(2).padStart(6)} s${extra}`);
    line('unzip -p > /dev/null', unzipMs);
    line('scanZip, keeping nothing (inflate + CRC + sha256)', none.ms, `  ${(none.ms / unzipMs).toFixed(2)}× unzip  peak RSS ${none.maxRssMB.toFixed(0)} MB  (${none.entries} entries, ${none.problems} problems)`);
    line('scanZip, keeping and spooling everything', kept.ms, `  ${(kept.ms / unzipMs).toFixed(2)}× unzip  peak RSS ${kept.maxRssMB.toFixed(0)} MB`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') {
  await child(process.argv[3]!, process.argv[4]!, process.argv[5]!);
} else if (process.argv[1] === fileURLToPath(import.meta.url)) {
  zipScan(Number(process.argv[2] ?? 380));
}
