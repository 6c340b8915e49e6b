/**
 * What reading an archive (a wheel or JAR zip, an npm tarball) produces,
 * whatever the container format: every entry with its inflated size and
 * sha256, the content of the entries the caller asked to keep, and every
 * problem found on the way. Reading never throws for bad input: a hostile or
 * corrupt archive yields problems (and, if nothing can be read, a fatal one).
 */
import type { ByteSource } from '../../binary/source.ts';

export interface ArchiveLimits {
  /** Entries in the archive. */
  maxEntries: number;
  /** Inflated bytes of one entry. */
  maxEntrySize: number;
  /** Inflated bytes of all entries together. */
  maxTotalSize: number;
  /** Inflated / compressed, for entries that inflate beyond `ratioFloor` bytes (zip bombs). */
  maxRatio: number;
  ratioFloor: number;
  /** Bytes of an entry name. */
  maxPathLength: number;
  /** Kept entries up to this size stay in memory; larger ones are spooled to a file. */
  maxInMemory: number;
}

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  maxEntries: 200_000,
  maxEntrySize: 8 * 1024 ** 3,
  maxTotalSize: 32 * 1024 ** 3,
  maxRatio: 1000,
  ratioFloor: 1024 * 1024,
  maxPathLength: 4096,
  maxInMemory: 16 * 1024 * 1024,
};

export type ArchiveProblemCode =
  /** Not an archive of the expected kind, or its directory cannot be read at all. */
  | 'unreadable'
  /** An entry name with `..` segments, an absolute path, a drive letter or backslashes. */
  | 'path-traversal'
  /** A name that is empty, too long, not UTF-8, or holds control characters or NUL. */
  | 'invalid-name'
  | 'symlink'
  /** A hard link, device, FIFO or other non-regular, non-directory entry. */
  | 'special-file'
  | 'duplicate-entry'
  /** Two names that differ only in case (they collide on case-insensitive file systems). */
  | 'case-collision'
  | 'encrypted-entry'
  | 'unsupported-compression'
  | 'entry-too-large'
  | 'compression-ratio'
  | 'total-too-large'
  | 'too-many-entries'
  /** The local header disagrees with the central directory (name, method, sizes). */
  | 'header-mismatch'
  /** The inflated size or CRC differs from what the headers declare, or the data is corrupt. */
  | 'corrupt-entry'
  /** Two entries share bytes (one entry's data holds another's header): the overlap zip-bomb construction. */
  | 'overlapping-entries'
  | 'leading-data'
  | 'trailing-data'
  /** Bytes between entries that no header accounts for (a place to hide content). */
  | 'hidden-data';

export interface ArchiveProblem {
  code: ArchiveProblemCode;
  /** The entry concerned, if any. */
  path: string | null;
  message: string;
  /** True when the problem stopped the reading of the whole archive. */
  fatal: boolean;
}

/** An entry's content kept for the caller: in memory, or spooled to a temporary file. */
export type KeptContent = { kind: 'memory'; bytes: Uint8Array } | { kind: 'file'; path: string; size: number };

export interface ArchiveEntry {
  /** The name as stored (forward slashes). */
  path: string;
  isDirectory: boolean;
  /** Inflated size as read (or as declared when the entry was not read). */
  size: number;
  compressedSize: number;
  /** Unix mode from the external attributes, when the archive records one. */
  mode: number | null;
  /** sha256 of the inflated bytes, hex; null when the entry was not read (rejected or a directory). */
  sha256: string | null;
  /** Present when the caller asked to keep this entry and it was read in full. */
  content: KeptContent | null;
}

export interface ArchiveScan {
  /** 'file': a bare file read as a one-entry archive (a `.node` addon). */
  format: 'zip' | 'tar' | 'file';
  /** Size and sha256 of the archive file itself. */
  size: number;
  sha256: string;
  entries: ArchiveEntry[];
  problems: ArchiveProblem[];
}

export interface ScanOptions {
  limits?: Partial<ArchiveLimits>;
  /**
   * Whether to keep an entry's content, decided from its path and first bytes
   * (up to 64 bytes; fewer for a shorter entry). Every entry is hashed either way.
   */
  keep(path: string, head: Uint8Array): boolean;
  /** Directory for kept entries larger than `limits.maxInMemory`; the caller removes it. */
  spoolDir: string;
  /**
   * Called as soon as a kept entry has been read in full and verified (size,
   * CRC-32), in archive order. Return true when done with the content: the
   * scan then frees it at once (memory, or the spooled file) and the entry's
   * `content` is null. This keeps peak memory at one entry, not all of them.
   */
  consume?(path: string, content: KeptContent, sha256: string): boolean;
  /** Told how far the reading has come, in the reader's own units (zip: entries, tar: compressed bytes). */
  progress?(done: number, total: number): void;
}

/** A random-access source over kept content; `close` releases a spooled file's descriptor. */
export type ContentSource = ByteSource & { close(): void };
