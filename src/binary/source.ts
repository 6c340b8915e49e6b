/**
 * Random-access byte sources. Parsers read through this interface so a
 * several-hundred-megabyte library never has to be in memory whole: a file
 * source reads only the ranges asked for.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** A range of bytes in a source: what a later check re-reads (hashing, decoding code). */
export interface ByteRange {
  offset: number;
  length: number;
}

export interface ByteSource {
  readonly size: number;
  /**
   * Exactly `length` bytes at `offset`. Callers guarantee the range lies inside
   * `[0, size)` (the Reader checks before calling); a source may throw if not.
   */
  read(offset: number, length: number): Uint8Array;
}

export interface ClosableSource extends ByteSource {
  close(): void;
}

function checkRange(size: number, offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > size) {
    throw new RangeError(`read [${offset}, +${length}) outside source of ${size} bytes`);
  }
}

/** A source over bytes already in memory; reads are zero-copy views. */
export function bytesSource(bytes: Uint8Array): ByteSource {
  return {
    size: bytes.byteLength,
    read(offset, length) {
      checkRange(bytes.byteLength, offset, length);
      return bytes.subarray(offset, offset + length);
    },
  };
}

/** A source over a file, read with positional reads; nothing is cached. */
export function fileSource(path: string): ClosableSource {
  const fd = openSync(path, 'r');
  let size: number;
  try {
    size = fstatSync(fd).size;
  } catch (e) {
    closeSync(fd);
    throw e;
  }
  return {
    size,
    read(offset, length) {
      checkRange(size, offset, length);
      const out = Buffer.allocUnsafe(length);
      let done = 0;
      while (done < length) {
        const n = readSync(fd, out, done, length - done, offset + done);
        if (n === 0) throw new RangeError(`file ${path} shrank while reading at ${offset + done}`);
        done += n;
      }
      return out;
    },
    close() {
      closeSync(fd);
    },
  };
}

/**
 * A window `[offset, offset + length)` of another source, addressed from 0:
 * one slice of a fat Mach-O, one file inside an archive held in memory.
 */
export function windowSource(parent: ByteSource, offset: number, length: number): ByteSource {
  checkRange(parent.size, offset, length);
  return {
    size: length,
    read(o, n) {
      checkRange(length, o, n);
      return parent.read(offset + o, n);
    },
  };
}

/** Runs `use` with a file source and always closes it. */
export function withFile<T>(path: string, use: (src: ByteSource) => T): T {
  const src = fileSource(path);
  try {
    return use(src);
  } finally {
    src.close();
  }
}
