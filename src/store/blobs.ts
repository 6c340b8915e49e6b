/**
 * The content-addressed blob store on the filesystem: an artifact's bytes
 * live at blobs/<sha256[0:2]>/<sha256>, written once, never changed.
 *
 * A write streams into a private temporary file while hashing, fsyncs it,
 * then renames it into place and fsyncs the directory: a blob either exists
 * whole or not at all, and a crash or an over-size upload leaves no
 * half-written blob behind (only a temporary file, removed on the spot, or
 * at a later start once it is a day old).
 */
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { open, rename, rm, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';

export class BlobTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`larger than the ${limit}-byte limit`);
  }
}

export interface StoredBlob {
  sha256: string;
  size: number;
}

const SHA256 = /^[0-9a-f]{64}$/;
/** A temporary file untouched this long belongs to no write in progress. */
const STALE_TMP_MS = 24 * 3600 * 1000;

export class BlobStore {
  private readonly tmp: string;
  constructor(readonly root: string) {
    this.tmp = join(root, 'tmp');
    mkdirSync(join(root, 'blobs'), { recursive: true });
    mkdirSync(this.tmp, { recursive: true });
    // Temporary files of writes a crash interrupted: nobody will finish them. Other processes share
    // the store (API and workers), so only files too old to be anyone's write in progress go.
    const stale = Date.now() - STALE_TMP_MS;
    for (const f of readdirSync(this.tmp)) {
      const p = join(this.tmp, f);
      if ((statSync(p, { throwIfNoEntry: false })?.mtimeMs ?? Infinity) < stale) rmSync(p, { force: true });
    }
  }

  path(sha256: string): string {
    if (!SHA256.test(sha256)) throw new Error(`not a sha256: ${sha256}`);
    return join(this.root, 'blobs', sha256.slice(0, 2), sha256);
  }

  has(sha256: string): boolean {
    return SHA256.test(sha256) && existsSync(this.path(sha256));
  }

  /** Streams `source` into the store; throws BlobTooLarge past `maxBytes`, leaving nothing behind. */
  async put(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, maxBytes = Infinity): Promise<StoredBlob> {
    const tmp = join(this.tmp, randomBytes(12).toString('hex'));
    const fh = await open(tmp, 'wx', 0o600);
    const hash = createHash('sha256');
    let size = 0;
    let ok = false;
    try {
      for await (const chunk of source) {
        size += chunk.length;
        if (size > maxBytes) throw new BlobTooLarge(maxBytes);
        hash.update(chunk);
        await fh.write(chunk);
      }
      await fh.sync();
      ok = true;
    } finally {
      await fh.close();
      if (!ok) await rm(tmp, { force: true });
    }
    const sha256 = hash.digest('hex');
    const dest = this.path(sha256);
    const dir = join(this.root, 'blobs', sha256.slice(0, 2));
    mkdirSync(dir, { recursive: true });
    if (existsSync(dest)) await unlink(tmp);
    else {
      await rename(tmp, dest);
      await syncDir(dir);
    }
    return { sha256, size };
  }

  /** Whether a blob can be written now: a real write, sync and removal (for /readyz). */
  async checkWritable(): Promise<void> {
    const probe = join(this.tmp, `probe-${randomBytes(6).toString('hex')}`);
    const fh = await open(probe, 'wx', 0o600);
    try {
      await fh.write('ok');
      await fh.sync();
    } finally {
      await fh.close();
      await rm(probe, { force: true });
    }
  }

  async size(sha256: string): Promise<number> {
    return (await stat(this.path(sha256))).size;
  }
}

async function syncDir(dir: string): Promise<void> {
  const d = await open(dir, 'r');
  try {
    await d.sync();
  } finally {
    await d.close();
  }
}
