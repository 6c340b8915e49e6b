/**
 * What happens to an entry's bytes as an archive reader streams them, whatever
 * the format: every byte is hashed (sha256); the first 64 bytes go to the
 * caller's `keep` decision; kept content stays in memory up to
 * `maxInMemory` (and while the scan's in-memory budget lasts), and is
 * otherwise spooled to a file in the spool directory. Nothing here ever
 * allocates from a declared size: buffers grow only with bytes actually read.
 */
import { createHash, type Hash } from 'node:crypto';
import { mkdirSync, mkdtempSync, openSync, closeSync, writeSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { bytesSource, fileSource } from '../../binary/source.ts';
import type { ContentSource, KeptContent } from './types.ts';

/** Bytes of an entry's start that `keep` sees. */
export const HEAD_BYTES = 64;

/** A random-access source over kept content; close it when done (it holds a descriptor for spooled content). */
export function contentSource(c: KeptContent): ContentSource {
  if (c.kind === 'memory') return { ...bytesSource(c.bytes), close() {} };
  return fileSource(c.path);
}

/**
 * Where one scan spools kept content: a private directory created inside the
 * caller's spool directory on first use. File names are entry numbers, never
 * derived from entry names.
 */
export class Spool {
  private dir: string | null = null;
  constructor(private readonly parent: string) {}

  /** Creates a new, empty spool file and returns its path and descriptor. */
  create(index: number): { path: string; fd: number } {
    if (this.dir === null) {
      mkdirSync(this.parent, { recursive: true });
      this.dir = mkdtempSync(join(this.parent, 'archive-'));
    }
    const path = join(this.dir, `entry-${index}`);
    return { path, fd: openSync(path, 'wx', 0o600) };
  }
}

/** Frees kept content the caller is done with: memory goes back to the budget, a spooled file is deleted. */
export function releaseContent(c: KeptContent, budget: MemoryBudget): void {
  if (c.kind === 'memory') budget.remaining += c.bytes.length;
  else rmSync(c.path, { force: true });
}

/** How much kept content the scan may still hold in memory. */
export interface MemoryBudget {
  remaining: number;
}

/** The outcome of a completed entry. */
export interface CollectedEntry {
  size: number;
  sha256: string;
  content: KeptContent | null;
}

/**
 * Receives one entry's bytes in order. `write` accepts a chunk (it copies what
 * it keeps); `finish` ends the entry; `discard` abandons it (a corrupt or
 * oversized entry) and removes anything spooled.
 */
export class EntryCollector {
  private readonly hash: Hash = createHash('sha256');
  private size = 0;
  private decided = false;
  private keeping = false;
  /** Chunks seen before the keep decision, or kept in memory after it. */
  private chunks: Uint8Array[] = [];
  private buffered = 0;
  private spool: { path: string; fd: number } | null = null;

  constructor(
    private readonly opts: {
      index: number;
      path: string;
      keep: (path: string, head: Uint8Array) => boolean;
      maxInMemory: number;
      spool: Spool;
      budget: MemoryBudget;
    },
  ) {}

  get bytes(): number {
    return this.size;
  }

  write(chunk: Uint8Array): void {
    if (chunk.length === 0) return;
    this.hash.update(chunk);
    this.size += chunk.length;
    if (this.decided && !this.keeping) return;
    if (this.spool) {
      writeAll(this.spool.fd, chunk);
      return;
    }
    // Buffers handed to us by streams may be reused or pooled: copy what we hold on to.
    this.chunks.push(Uint8Array.prototype.slice.call(chunk));
    this.buffered += chunk.length;
    if (!this.decided && this.buffered >= HEAD_BYTES) this.decide();
    if (this.keeping && !this.spool && (this.buffered > this.opts.maxInMemory || this.buffered > this.opts.budget.remaining)) this.spill();
  }

  finish(): CollectedEntry {
    if (!this.decided) this.decide();
    const sha256 = this.hash.digest('hex');
    let content: KeptContent | null = null;
    if (this.spool) {
      closeSync(this.spool.fd);
      content = { kind: 'file', path: this.spool.path, size: this.size };
      this.spool = null;
    } else if (this.keeping) {
      const bytes = new Uint8Array(this.buffered);
      let at = 0;
      for (const c of this.chunks) {
        bytes.set(c, at);
        at += c.length;
      }
      this.opts.budget.remaining -= bytes.length;
      content = { kind: 'memory', bytes };
    }
    this.chunks = [];
    return { size: this.size, sha256, content };
  }

  discard(): void {
    this.chunks = [];
    if (this.spool) {
      closeSync(this.spool.fd);
      rmSync(this.spool.path, { force: true });
      this.spool = null;
    }
  }

  private decide(): void {
    this.decided = true;
    const head = new Uint8Array(Math.min(HEAD_BYTES, this.buffered));
    let at = 0;
    for (const c of this.chunks) {
      if (at >= head.length) break;
      const n = Math.min(c.length, head.length - at);
      head.set(c.subarray(0, n), at);
      at += n;
    }
    this.keeping = this.opts.keep(this.opts.path, head);
    if (!this.keeping) {
      this.chunks = [];
      this.buffered = 0;
    }
  }

  private spill(): void {
    this.spool = this.opts.spool.create(this.opts.index);
    for (const c of this.chunks) writeAll(this.spool.fd, c);
    this.chunks = [];
    this.buffered = 0;
  }
}

function writeAll(fd: number, chunk: Uint8Array): void {
  let done = 0;
  while (done < chunk.length) done += writeSync(fd, chunk, done, chunk.length - done);
}
