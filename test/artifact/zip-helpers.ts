/**
 * Helpers for the zip reader's tests: temporary files, scanning bytes,
 * archives written by real tools (Python's zipfile, Info-ZIP zip, jar), and
 * the zip bombs no tool writes (a deflate stream of zeros built without
 * inflating it, and the overlapping-entries bomb).
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { constants, crc32, deflateRawSync } from 'node:zlib';
import type { ArchiveProblem, ArchiveProblemCode, ArchiveScan, ScanOptions } from '../../src/artifact/archive/types.ts';
import { scanZip } from '../../src/artifact/archive/zip.ts';
import { toolPath } from '../support/fixture-builder.ts';

/** A temporary directory; `cleanup` removes every directory made so far. */
const made: string[] = [];
export function tempDir(prefix = 'zip-test-'): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  made.push(d);
  return d;
}
export function cleanup(): void {
  for (const d of made.splice(0)) rmSync(d, { recursive: true, force: true });
}

export function sha256(b: Uint8Array | string): string {
  return createHash('sha256').update(b).digest('hex');
}

let counter = 0;
/** Writes `bytes` to a temporary file and scans it (keeping nothing unless told). */
export async function scanBytes(bytes: Uint8Array, opts: Partial<ScanOptions> = {}): Promise<ArchiveScan> {
  const dir = tempDir();
  const path = join(dir, `a${counter++}.zip`);
  writeFileSync(path, bytes);
  return scanZip(path, { keep: () => false, spoolDir: join(dir, 'spool'), ...opts });
}

export function codes(scan: ArchiveScan): ArchiveProblemCode[] {
  return scan.problems.map((p) => p.code);
}

/** The one problem with `code` (failing when there are none or several). */
export function only(scan: ArchiveScan, code: ArchiveProblemCode): ArchiveProblem {
  const found = scan.problems.filter((p) => p.code === code);
  assert.equal(found.length, 1, `expected one ${code}, got ${JSON.stringify(scan.problems, null, 1)}`);
  return found[0]!;
}

/** Asserts the problem codes, in order. */
export function assertCodes(scan: ArchiveScan, expected: ArchiveProblemCode[]): void {
  assert.deepEqual(codes(scan), expected, JSON.stringify(scan.problems, null, 1));
}

export function entry(scan: ArchiveScan, path: string) {
  const e = scan.entries.find((x) => x.path === path);
  assert.ok(e, `no entry ${path} among ${scan.entries.length} entries (${scan.entries.slice(0, 10).map((x) => x.path).join(', ')}, ...)`);
  return e;
}

/** The entry was skipped: neither hashed nor kept. */
export function notRead(scan: ArchiveScan, path: string): void {
  const e = entry(scan, path);
  assert.equal(e.sha256, null, `${path} should not have been read`);
  assert.equal(e.content, null);
}

/** Runs a Python 3 script (argv after it) and returns its stdout. */
export function python(script: string, args: string[] = []): string {
  return execFileSync(toolPath('python3'), ['-c', script, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
}

/**
 * Writes an archive with Python's zipfile. Each entry is [name, hex data, options];
 * `stream` writes through an unseekable file, so every entry gets a data
 * descriptor (general-purpose bit 3), as pip's and build's streaming writers do.
 * Returns name -> sha256 as Python computes it.
 */
export function pythonZip(
  path: string,
  entries: { name: string; data: Uint8Array | string; deflate?: boolean; zip64?: boolean }[],
  opts: { stream?: boolean } = {},
): Record<string, string> {
  const spec = entries.map((e) => ({
    name: e.name,
    data: Buffer.from(typeof e.data === 'string' ? Buffer.from(e.data) : e.data).toString('hex'),
    deflate: e.deflate ?? true,
    zip64: e.zip64 ?? false,
  }));
  const script = `
import hashlib, io, json, sys, zipfile
spec = json.load(sys.stdin)
class Unseekable(io.RawIOBase):
    def __init__(self, f): self.f = f
    def writable(self): return True
    def write(self, b): return self.f.write(b)
out = open(sys.argv[1], 'wb')
target = Unseekable(out) if sys.argv[2] == 'stream' else out
hashes = {}
with zipfile.ZipFile(target, 'w') as z:
    for e in spec:
        data = bytes.fromhex(e['data'])
        info = zipfile.ZipInfo(e['name'], date_time=(2020, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED if e['deflate'] else zipfile.ZIP_STORED
        with z.open(info, 'w', force_zip64=e['zip64']) as f:
            f.write(data)
        hashes[e['name']] = hashlib.sha256(data).hexdigest()
out.close()
print(json.dumps(hashes))
`;
  const out = execFileSync(toolPath('python3'), ['-c', script, path, opts.stream ? 'stream' : 'seek'], {
    input: JSON.stringify(spec),
    encoding: 'utf8',
    maxBuffer: 64 << 20,
  });
  return JSON.parse(out) as Record<string, string>;
}

/** The names Python's zipfile reads from an archive (its CP437 / UTF-8 decoding is the installer's). */
export function pythonNames(path: string): string[] {
  return JSON.parse(python('import json, sys, zipfile\nprint(json.dumps(zipfile.ZipFile(sys.argv[1]).namelist()))', [path])) as string[];
}

/**
 * A raw deflate stream of `total` zero bytes (a multiple of 1 MiB) and its
 * CRC-32, built from one compressed segment repeated, so a 1 GiB bomb costs
 * about 1 MiB and a few milliseconds to make. Each segment ends with a full
 * flush (no back-references across it); an empty final block ends the stream.
 */
export function deflatedZeros(total: number): { body: Buffer; crc: number } {
  const segmentSize = 1 << 20;
  assert.equal(total % segmentSize, 0);
  const zeros = Buffer.alloc(segmentSize);
  const segment = deflateRawSync(zeros, { level: 9, finishFlush: constants.Z_FULL_FLUSH });
  const n = total / segmentSize;
  const parts: Buffer[] = [];
  let crc = 0;
  for (let i = 0; i < n; i++) {
    parts.push(segment);
    crc = crc32(zeros, crc);
  }
  parts.push(deflateRawSync(Buffer.alloc(0)));
  return { body: Buffer.concat(parts), crc };
}

/** A local file header (no extra field, UTF-8 name, deflate). */
function localHeader(name: Buffer, crc: number, csize: number, usize: number): Buffer {
  const h = Buffer.alloc(30);
  h.writeUInt32LE(0x04034b50, 0);
  h.writeUInt16LE(20, 4);
  h.writeUInt16LE(0x800, 6);
  h.writeUInt16LE(8, 8);
  h.writeUInt16LE((0 << 9) | (1 << 5) | 1, 12);
  h.writeUInt32LE(crc >>> 0, 14);
  h.writeUInt32LE(csize, 18);
  h.writeUInt32LE(usize, 22);
  h.writeUInt16LE(name.length, 26);
  return Buffer.concat([h, name]);
}

/**
 * The overlapping-entries zip bomb (D. Fifield, "A better zip bomb", 2019):
 * `n` entries whose data all end in one shared compressed kernel. Entry i's
 * data is a stored deflate block quoting entry i+1's local header, followed by
 * entry i+1's data, so every entry is valid and inflates to (the headers it
 * quotes +) the whole kernel: the archive inflates to n × kernel.
 */
export function overlapBomb(n: number, kernel: Buffer): Buffer {
  const names = Array.from({ length: n }, (_, i) => Buffer.from(`f${String(i).padStart(4, '0')}`));
  const kernelDeflated = deflateRawSync(kernel);
  // Backwards: each entry's sizes and CRC depend on the next one's local header.
  const lh: Buffer[] = new Array<Buffer>(n);
  const csize: number[] = new Array<number>(n);
  const usize: number[] = new Array<number>(n);
  const crcs: number[] = new Array<number>(n);
  let content = kernel;
  csize[n - 1] = kernelDeflated.length;
  usize[n - 1] = kernel.length;
  crcs[n - 1] = crc32(kernel);
  lh[n - 1] = localHeader(names[n - 1]!, crcs[n - 1]!, csize[n - 1]!, usize[n - 1]!);
  for (let i = n - 2; i >= 0; i--) {
    const next = lh[i + 1]!;
    csize[i] = 5 + next.length + csize[i + 1]!;
    usize[i] = next.length + usize[i + 1]!;
    crcs[i] = crc32(content, crc32(next));
    content = Buffer.concat([next, content]);
    lh[i] = localHeader(names[i]!, crcs[i]!, csize[i]!, usize[i]!);
  }
  const parts: Buffer[] = [];
  const offsets: number[] = [];
  let at = 0;
  for (let i = 0; i < n; i++) {
    offsets.push(at);
    parts.push(lh[i]!);
    at += lh[i]!.length;
    if (i < n - 1) {
      const sb = Buffer.alloc(5);
      const len = lh[i + 1]!.length;
      sb.writeUInt8(0, 0); // BFINAL 0, BTYPE 00 (stored), padding to the byte
      sb.writeUInt16LE(len, 1);
      sb.writeUInt16LE(~len & 0xffff, 3);
      parts.push(sb);
      at += 5;
    }
  }
  parts.push(kernelDeflated);
  at += kernelDeflated.length;
  const cdAt = at;
  const central: Buffer[] = [];
  for (let i = 0; i < n; i++) {
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE((3 << 8) | 20, 4);
    cd.writeUInt16LE(20, 6);
    cd.writeUInt16LE(0x800, 8);
    cd.writeUInt16LE(8, 10);
    cd.writeUInt16LE((0 << 9) | (1 << 5) | 1, 14);
    cd.writeUInt32LE(crcs[i]! >>> 0, 16);
    cd.writeUInt32LE(csize[i]!, 20);
    cd.writeUInt32LE(usize[i]!, 24);
    cd.writeUInt16LE(names[i]!.length, 28);
    cd.writeUInt32LE((0o100644 << 16) >>> 0, 38);
    cd.writeUInt32LE(offsets[i]!, 42);
    central.push(cd, names[i]!);
  }
  const cdBytes = Buffer.concat(central);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(n, 8);
  eocd.writeUInt16LE(n, 10);
  eocd.writeUInt32LE(cdBytes.length, 12);
  eocd.writeUInt32LE(cdAt, 16);
  return Buffer.concat([...parts, cdBytes, eocd]);
}

/** Points central-directory entry `index` of a zip written by buildZip at another local header offset. */
export function repointEntry(zip: Buffer, index: number, localOffset: number): Buffer {
  const out = Buffer.from(zip);
  const eocdAt = out.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  let at = out.readUInt32LE(eocdAt + 16);
  for (let i = 0; i < index; i++) at += 46 + out.readUInt16LE(at + 28) + out.readUInt16LE(at + 30) + out.readUInt16LE(at + 32);
  out.writeUInt32LE(localOffset, at + 42);
  return out;
}
