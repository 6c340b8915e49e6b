/**
 * A small zip writer for tests. It writes normal archives, and on request the
 * malformed ones no library will produce: duplicate names, traversal paths,
 * symlink entries, the encryption flag, a local header whose name differs from
 * the central directory's, declared sizes that lie, data before the first
 * entry or after the end record. (APPNOTE.TXT 4.3: local file header, data,
 * central directory, end of central directory record; no zip64.)
 */
import { crc32, deflateRawSync } from 'node:zlib';

export interface ZipEntrySpec {
  name: string;
  data?: Uint8Array | string;
  /** Default: deflate for files, store for directories. */
  method?: 'store' | 'deflate';
  /** Unix mode in the external attributes, e.g. 0o100644, 0o120777 (symlink), 0o040755 (directory). */
  mode?: number;
  /** Sets general-purpose bit 0 (the data itself is not encrypted). */
  encrypted?: boolean;
  /** The name written in the local header, when it should differ from the central directory's. */
  localName?: string;
  /** The uncompressed size written in both headers, when it should lie. */
  declaredSize?: number;
  /** A raw compression method number (overrides `method` in the headers). */
  rawMethod?: number;
}

export interface ZipSpec {
  entries: ZipEntrySpec[];
  /** Bytes before the first local header. */
  prefix?: Uint8Array;
  /** Bytes after the end-of-central-directory record. */
  suffix?: Uint8Array;
  /** Bytes between the last entry's data and the central directory. */
  gap?: Uint8Array;
}

const DOS_TIME = 0; // 1980-01-01 00:00, for reproducible archives
const DOS_DATE = (0 << 9) | (1 << 5) | 1;

export function buildZip(spec: ZipSpec): Buffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  const push = (b: Buffer) => {
    parts.push(b);
    offset += b.length;
  };
  if (spec.prefix) push(Buffer.from(spec.prefix));
  for (const e of spec.entries) {
    const raw = typeof e.data === 'string' ? Buffer.from(e.data) : Buffer.from(e.data ?? new Uint8Array(0));
    const isDir = e.name.endsWith('/');
    const method = e.method ?? (isDir ? 'store' : 'deflate');
    const body = method === 'deflate' ? deflateRawSync(raw) : raw;
    const methodNo = e.rawMethod ?? (method === 'deflate' ? 8 : 0);
    const flags = (e.encrypted ? 1 : 0) | 0x800; // bit 11: names are UTF-8
    const crc = crc32(raw);
    const size = e.declaredSize ?? raw.length;
    const name = Buffer.from(e.name);
    const localName = Buffer.from(e.localName ?? e.name);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(flags, 6);
    local.writeUInt16LE(methodNo, 8);
    local.writeUInt16LE(DOS_TIME, 10);
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(localName.length, 26);
    local.writeUInt16LE(0, 28);
    const localOffset = offset;
    push(local);
    push(localName);
    push(body);

    const mode = e.mode ?? (isDir ? 0o040755 : 0o100644);
    const cd = Buffer.alloc(46);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE((3 << 8) | 20, 4); // made by: Unix
    cd.writeUInt16LE(20, 6);
    cd.writeUInt16LE(flags, 8);
    cd.writeUInt16LE(methodNo, 10);
    cd.writeUInt16LE(DOS_TIME, 12);
    cd.writeUInt16LE(DOS_DATE, 14);
    cd.writeUInt32LE(crc, 16);
    cd.writeUInt32LE(body.length, 20);
    cd.writeUInt32LE(size, 24);
    cd.writeUInt16LE(name.length, 28);
    cd.writeUInt16LE(0, 30); // extra
    cd.writeUInt16LE(0, 32); // comment
    cd.writeUInt16LE(0, 34); // disk
    cd.writeUInt16LE(0, 36); // internal attributes
    cd.writeUInt32LE((mode << 16) >>> 0, 38);
    cd.writeUInt32LE(localOffset, 42);
    central.push(cd, name);
  }
  if (spec.gap) push(Buffer.from(spec.gap));
  const cdOffset = offset;
  const cdBytes = Buffer.concat(central);
  push(cdBytes);
  const eocd = Buffer.alloc(22);
  eocd.writeUInt32LE(0x06054b50, 0);
  eocd.writeUInt16LE(spec.entries.length, 8);
  eocd.writeUInt16LE(spec.entries.length, 10);
  eocd.writeUInt32LE(cdBytes.length, 12);
  eocd.writeUInt32LE(cdOffset, 16);
  push(eocd);
  if (spec.suffix) push(Buffer.from(spec.suffix));
  return Buffer.concat(parts);
}
