/**
 * Helpers for the tarball reader's tests: scanning bytes, tar blocks written
 * by hand (for the headers no tool writes), gzip around them, a gzip bomb that
 * costs a megabyte to make, and two independent listings to compare with:
 * npm's own tar parser (node-tar, from the npm that comes with Node: the
 * reader that installs packages) and GNU tar.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { constants, crc32, deflateRawSync, gzipSync } from 'node:zlib';
import { scanTar } from '../../src/artifact/archive/tar.ts';
import type { ArchiveScan, ScanOptions } from '../../src/artifact/archive/types.ts';
import { toolPath } from '../support/fixture-builder.ts';
import { tempDir } from './zip-helpers.ts';

export const BLOCK = 512;
/** The end-of-archive marker: two zero blocks. */
export const EOA = Buffer.alloc(2 * BLOCK);

let counter = 0;
/** Writes `bytes` to a temporary file and scans it (keeping nothing unless told). */
export async function scanTarBytes(bytes: Uint8Array, opts: Partial<ScanOptions> = {}): Promise<ArchiveScan> {
  const path = writeTemp(bytes);
  return scanTar(path, { keep: () => false, spoolDir: join(tempDir('tar-test-'), 'spool'), ...opts });
}

export function writeTemp(bytes: Uint8Array, name = `t${counter++}.tgz`): string {
  const path = join(tempDir('tar-test-'), name);
  writeFileSync(path, bytes);
  return path;
}

export interface HeaderSpec {
  name: string | Uint8Array;
  size?: number;
  /** The typeflag character ('0' regular, '5' directory, 'x' pax, ...); '\0' for an old-style NUL flag. */
  type?: string;
  mode?: number;
  linkname?: string | Uint8Array;
  /** The ustar prefix field. */
  prefix?: string | Uint8Array;
  /** 'ustar' (magic `ustar\0` version `00`, the default), 'gnu' (`ustar  \0`) or 'v7' (no magic). */
  magic?: 'ustar' | 'gnu' | 'v7';
  /** The raw 12 bytes of the size field (overrides `size`). */
  sizeField?: Uint8Array;
  /** Added to the correct checksum (to corrupt it). */
  checksumDelta?: number;
}

function bytesOf(s: string | Uint8Array): Buffer {
  return typeof s === 'string' ? Buffer.from(s, 'utf8') : Buffer.from(s);
}

/** One 512-byte header block, with a correct checksum unless told otherwise. */
export function header(spec: HeaderSpec): Buffer {
  const b = Buffer.alloc(BLOCK);
  bytesOf(spec.name).copy(b, 0, 0, 100);
  b.write(`${(spec.mode ?? 0o644).toString(8).padStart(7, '0')}\0`, 100, 'latin1');
  b.write('0000000\0', 108, 'latin1');
  b.write('0000000\0', 116, 'latin1');
  if (spec.sizeField) Buffer.from(spec.sizeField).copy(b, 124, 0, 12);
  else b.write(`${(spec.size ?? 0).toString(8).padStart(11, '0')}\0`, 124, 'latin1');
  b.write('14000000000\0', 136, 'latin1');
  const type = spec.type ?? '0';
  b[156] = type === '\0' ? 0 : type.charCodeAt(0);
  if (spec.linkname !== undefined) bytesOf(spec.linkname).copy(b, 157, 0, 100);
  const magic = spec.magic ?? 'ustar';
  if (magic === 'ustar') b.write('ustar\u000000', 257, 'latin1');
  if (magic === 'gnu') b.write('ustar  \0', 257, 'latin1');
  if (spec.prefix !== undefined) bytesOf(spec.prefix).copy(b, 345, 0, 155);
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (const x of b) sum += x;
  b.write(`${(sum + (spec.checksumDelta ?? 0)).toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  return b;
}

/** Data padded to whole blocks. */
export function padded(data: string | Uint8Array): Buffer {
  const d = bytesOf(data);
  return Buffer.concat([d, Buffer.alloc((BLOCK - (d.length % BLOCK)) % BLOCK)]);
}

/** A regular file: header and padded data. */
export function file(name: string | Uint8Array, data: string | Uint8Array, spec: Partial<HeaderSpec> = {}): Buffer {
  const d = bytesOf(data);
  return Buffer.concat([header({ name, size: d.length, ...spec }), padded(d)]);
}

/** One pax record: `<length> <key>=<value>\n`, the length counting itself. */
export function paxRecord(key: string, value: string | Uint8Array): Buffer {
  const body = Buffer.concat([Buffer.from(` ${key}=`), bytesOf(value), Buffer.from('\n')]);
  let len = body.length + 1;
  while (String(len).length + body.length !== len) len++;
  return Buffer.concat([Buffer.from(String(len)), body]);
}

/** A pax extended header ('x', or 'g' for a global one) with its records. */
export function pax(records: [string, string | Uint8Array][] | Buffer, type: 'x' | 'g' = 'x'): Buffer {
  const body = Buffer.isBuffer(records) ? records : Buffer.concat(records.map(([k, v]) => paxRecord(k, v)));
  return Buffer.concat([header({ name: type === 'g' ? 'pax_global_header' : 'PaxHeader/x', size: body.length, type }), padded(body)]);
}

/** A GNU long-name ('L') or long-link ('K') header. */
export function gnuLong(value: string | Uint8Array, type: 'L' | 'K' = 'L'): Buffer {
  const v = Buffer.concat([bytesOf(value), Buffer.from([0])]);
  return Buffer.concat([header({ name: '././@LongLink', size: v.length, type, magic: 'gnu' }), padded(v)]);
}

export function tar(...parts: Buffer[]): Buffer {
  return Buffer.concat([...parts, EOA]);
}

export function gz(b: Uint8Array): Buffer {
  return gzipSync(b);
}

/**
 * A gzip member holding a tar whose one entry is `size` zero bytes (a
 * multiple of 1 MiB), built from one compressed segment repeated: a 1 GiB
 * bomb costs about 1 MiB. The trailer's CRC is not computed (0): a reader
 * that stops early never reaches it.
 */
export function gzipBomb(size: number, name = 'package/bomb.bin'): Buffer {
  const segmentSize = 1 << 20;
  assert.equal(size % segmentSize, 0);
  const zeros = Buffer.alloc(segmentSize);
  const head = deflateRawSync(header({ name, size }), { finishFlush: constants.Z_FULL_FLUSH });
  const segment = deflateRawSync(zeros, { level: 9, finishFlush: constants.Z_FULL_FLUSH });
  const parts: Buffer[] = [Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]), head];
  for (let i = 0; i < size / segmentSize; i++) parts.push(segment);
  parts.push(deflateRawSync(EOA));
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE((size + BLOCK * 3) % 2 ** 32, 4);
  return Buffer.concat([...parts, trailer]);
}

/** A gzip member of `data` with a corrupt trailer CRC. */
export function gzBadCrc(data: Uint8Array): Buffer {
  const g = gzipSync(data);
  g.writeUInt32LE((crc32(data) ^ 0xdeadbeef) >>> 0, g.length - 8);
  return g;
}

// ---------------------------------------------------------------------------
// Independent listings

export interface Listed {
  path: string;
  size: number;
  isDirectory: boolean;
}

type NodeTarEntry = { type: string; path: string; size: number; meta: boolean; resume(): void };
type NodeTarParser = {
  on(ev: 'entry' | 'ignoredEntry', f: (e: NodeTarEntry) => void): void;
  on(ev: 'end' | 'close', f: () => void): void;
  end(b: Uint8Array): void;
};
let nodeTar: { version: string; Parser: new (opts: { onwarn(code: string, message: string): void }) => NodeTarParser } | null = null;

/** node-tar, the parser `npm install` extracts packages with (pinned as a devDependency at npm 11's version line). */
export function npmTar(): NonNullable<typeof nodeTar> {
  if (nodeTar) return nodeTar;
  const req = createRequire(import.meta.url);
  const version = (req('tar/package.json') as { version: string }).version;
  // The walker follows tar 7.5 (npm 11); tar 6 still applied pending pax keys to the extension headers after them.
  assert.ok(Number(version.split('.')[0]) >= 7, `tar is ${version}; the tests compare with tar >= 7 (npm >= 11)`);
  nodeTar = { version, Parser: (req('tar') as { Parser: NonNullable<typeof nodeTar>['Parser'] }).Parser };
  return nodeTar;
}

/**
 * What npm's tar parser reads from `bytes` (gzip or plain): the entries it
 * would extract or skip (extension headers aside), and its warnings.
 */
export function npmList(bytes: Uint8Array): Promise<{ entries: Listed[]; types: string[]; warnings: string[] }> {
  const { Parser } = npmTar();
  return new Promise((resolve) => {
    const entries: Listed[] = [];
    const types: string[] = [];
    const warnings: string[] = [];
    const p = new Parser({ onwarn: (code, message) => warnings.push(`${code}: ${message}`) });
    const add = (e: NodeTarEntry) => {
      if (!e.meta) {
        entries.push({ path: e.path, size: e.size, isDirectory: e.type === 'Directory' });
        types.push(e.type);
      }
    };
    p.on('entry', (e) => {
      add(e);
      e.resume();
    });
    p.on('ignoredEntry', add);
    let done = false;
    const finish = () => {
      if (!done) resolve({ entries, types, warnings });
      done = true;
    };
    p.on('end', finish);
    p.on('close', finish);
    try {
      p.end(bytes);
    } catch (e) {
      // A zlib error on data that follows the gzip stream is thrown from end(): npm install fails with it.
      warnings.push(`throws: ${(e as Error).message}`);
      finish();
    }
  });
}

/** What GNU tar lists (`tar -tf`, decompressing as needed). */
export function gnuTarList(path: string): { names: string[]; ok: boolean; stderr: string } {
  try {
    const out = execFileSync(toolPath('tar'), ['-tf', path], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { names: out.split('\n').filter((l) => l.length > 0), ok: true, stderr: '' };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string };
    return { names: (err.stdout ?? '').split('\n').filter((l) => l.length > 0), ok: false, stderr: err.stderr ?? '' };
  }
}

/** The scan's entries in the form npmList gives them. */
export function listing(scan: ArchiveScan): Listed[] {
  return scan.entries.map((e) => ({ path: e.path, size: e.compressedSize, isDirectory: e.isDirectory }));
}

/** Asserts that npm's parser reads exactly the entries the scan lists, without a warning. */
export async function assertNpmAgrees(bytes: Uint8Array, scan: ArchiveScan): Promise<void> {
  const npm = await npmList(bytes);
  assert.deepEqual(npm.warnings, [], 'npm warns');
  assert.deepEqual(listing(scan), npm.entries, "the scan's entries are not npm's");
}
