/**
 * Small hand-made Mach-O structures for tests (code-signature blobs, headers,
 * load commands): big-endian code-signature blobs as in xnu cs_blobs.h, and
 * little-endian 64-bit images.
 */

export function blob(magic: number, payload: Buffer): Buffer {
  const b = Buffer.alloc(8 + payload.length);
  b.writeUInt32BE(magic, 0);
  b.writeUInt32BE(b.length, 4);
  payload.copy(b, 8);
  return b;
}

export interface CdSpec {
  version: number;
  flags: number;
  hashType: number;
  hashSize: number;
  pageLog2: number;
  codeLimit: number;
  identifier: string;
  team: string | null;
  nSpecial: number;
  execSegFlags?: number;
  runtime?: number;
}

export function codeDirectory(c: CdSpec): Buffer {
  const headerSize = c.version >= 0x20500 ? 96 : c.version >= 0x20400 ? 88 : 52;
  const ident = Buffer.from(`${c.identifier}\0`);
  const team = c.team ? Buffer.from(`${c.team}\0`) : Buffer.alloc(0);
  const nCode = Math.ceil(c.codeLimit / 2 ** c.pageLog2);
  const identOffset = headerSize;
  const teamOffset = c.team ? identOffset + ident.length : 0;
  const hashOffset = identOffset + ident.length + team.length + c.nSpecial * c.hashSize;
  const b = Buffer.alloc(hashOffset + nCode * c.hashSize, 0x5a);
  b.fill(0, 0, headerSize);
  b.writeUInt32BE(0xfade0c02, 0);
  b.writeUInt32BE(b.length, 4);
  b.writeUInt32BE(c.version, 8);
  b.writeUInt32BE(c.flags, 12);
  b.writeUInt32BE(hashOffset, 16);
  b.writeUInt32BE(identOffset, 20);
  b.writeUInt32BE(c.nSpecial, 24);
  b.writeUInt32BE(nCode, 28);
  b.writeUInt32BE(c.codeLimit, 32);
  b.writeUInt8(c.hashSize, 36);
  b.writeUInt8(c.hashType, 37);
  b.writeUInt8(0, 38);
  b.writeUInt8(c.pageLog2, 39);
  b.writeUInt32BE(teamOffset, 48);
  if (c.version >= 0x20400) {
    b.writeBigUInt64BE(0n, 64);
    b.writeBigUInt64BE(0x4000n, 72);
    b.writeBigUInt64BE(BigInt(c.execSegFlags ?? 0), 80);
  }
  if (c.version >= 0x20500) b.writeUInt32BE(c.runtime ?? 0, 88);
  ident.copy(b, identOffset);
  team.copy(b, identOffset + ident.length);
  return b;
}

export function superBlob(entries: [number, Buffer][]): Buffer {
  const head = Buffer.alloc(12 + 8 * entries.length);
  head.writeUInt32BE(0xfade0cc0, 0);
  head.writeUInt32BE(entries.length, 8);
  let off = head.length;
  entries.forEach(([type, b], i) => {
    head.writeUInt32BE(type, 12 + 8 * i);
    head.writeUInt32BE(off, 16 + 8 * i);
    off += b.length;
  });
  const all = Buffer.concat([head, ...entries.map(([, b]) => b)]);
  all.writeUInt32BE(all.length, 4);
  return all;
}

// ---------------------------------------------------------------------------
// Little-endian 64-bit images

/** Where `machO64` puts its data area (tables, strings, signature). */
export const DATA_AT = 0x400;

/** A load command: cmd, cmdsize (default: header + payload padded to 8), payload. */
export function lc(cmd: number, payload: Buffer | number[], cmdsize?: number): Buffer {
  const p = Buffer.isBuffer(payload) ? payload : Buffer.from(payload);
  const size = Math.ceil((8 + p.length) / 8) * 8;
  const b = Buffer.alloc(size);
  b.writeUInt32LE(cmd, 0);
  b.writeUInt32LE(cmdsize ?? size, 4);
  p.copy(b, 8);
  return b;
}

export const u32le = (...vals: number[]): Buffer => {
  const b = Buffer.alloc(4 * vals.length);
  vals.forEach((v, i) => b.writeUInt32LE(v >>> 0, 4 * i));
  return b;
};

export interface ImageSpec {
  commands: Buffer[];
  /** Bytes placed at DATA_AT. */
  data?: Buffer;
  ncmds?: number;
  sizeofcmds?: number;
  filetype?: number;
  flags?: number;
  cputype?: number;
  /** Total size (default: just past the data). */
  size?: number;
}

/** An arm64 MH_DYLIB (by default) with the given load commands and data. */
export function machO64(spec: ImageSpec): Buffer {
  const cmds = Buffer.concat(spec.commands);
  if (32 + cmds.length > DATA_AT) throw new Error('commands overflow the header area');
  const data = spec.data ?? Buffer.alloc(0);
  const b = Buffer.alloc(spec.size ?? DATA_AT + data.length);
  b.writeUInt32LE(0xfeedfacf, 0);
  b.writeInt32LE(spec.cputype ?? 0x0100000c, 4);
  b.writeUInt32LE(0, 8);
  b.writeUInt32LE(spec.filetype ?? 6, 12);
  b.writeUInt32LE(spec.ncmds ?? spec.commands.length, 16);
  b.writeUInt32LE(spec.sizeofcmds ?? cmds.length, 20);
  b.writeUInt32LE(spec.flags ?? 0x85, 24);
  cmds.copy(b, 32, 0, Math.min(cmds.length, b.length - 32));
  if (b.length > DATA_AT) data.copy(b, DATA_AT, 0, Math.min(data.length, b.length - DATA_AT));
  return b;
}

/** A dylib_command payload (after cmd/cmdsize): name offset 24 and the name. */
export function dylibPayload(name: string, nameOffset = 24): Buffer {
  const head = u32le(nameOffset, 2, 0x10000, 0x10000);
  return Buffer.concat([head, Buffer.from(`${name}\0`)]);
}

/** nlist_64 entries. */
export function nlist64(entries: { strx: number; type: number; sect?: number; desc?: number; value?: number }[]): Buffer {
  const b = Buffer.alloc(16 * entries.length);
  entries.forEach((e, i) => {
    b.writeUInt32LE(e.strx, 16 * i);
    b.writeUInt8(e.type, 16 * i + 4);
    b.writeUInt8(e.sect ?? 0, 16 * i + 5);
    b.writeUInt16LE(e.desc ?? 0, 16 * i + 6);
    b.writeBigUInt64LE(BigInt(e.value ?? 0), 16 * i + 8);
  });
  return b;
}

/** A fat file: FAT_MAGIC header with the given arches, then `body` bytes at their offsets. */
export function fat(arches: { cputype: number; cpusubtype?: number; offset: number; size: number; align?: number }[], body: { at: number; bytes: Buffer }[], size: number, nfat = arches.length): Buffer {
  const b = Buffer.alloc(size);
  b.writeUInt32BE(0xcafebabe, 0);
  b.writeUInt32BE(nfat, 4);
  arches.forEach((a, i) => {
    const e = 8 + 20 * i;
    if (e + 20 > size) return;
    b.writeInt32BE(a.cputype, e);
    b.writeUInt32BE(a.cpusubtype ?? 0, e + 4);
    b.writeUInt32BE(a.offset >>> 0, e + 8);
    b.writeUInt32BE(a.size >>> 0, e + 12);
    b.writeUInt32BE(a.align ?? 12, e + 16);
  });
  for (const { at, bytes } of body) bytes.copy(b, at);
  return b;
}
