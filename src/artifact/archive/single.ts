/**
 * A bare file (a `.node` addon uploaded on its own) read as a one-entry
 * archive, so the audit pipeline treats every kind alike: its name, size and
 * sha256, and the file itself as the kept content — never copied, and never
 * deleted when the consumer is done with it (it is the caller's file).
 */
import { createHash } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { basename } from 'node:path';
import { DEFAULT_ARCHIVE_LIMITS, type ArchiveEntry, type ArchiveProblem, type ArchiveScan, type KeptContent, type ScanOptions } from './types.ts';
import { withFile } from '../../binary/source.ts';

export async function scanSingle(path: string, options: ScanOptions): Promise<ArchiveScan> {
  const limits = { ...DEFAULT_ARCHIVE_LIMITS, ...options.limits };
  const size = statSync(path).size;
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  const sha256 = hash.digest('hex');
  const name = basename(path);
  const problems: ArchiveProblem[] = [];
  let content: KeptContent | null = null;
  if (size > limits.maxEntrySize) {
    problems.push({ code: 'entry-too-large', path: name, message: `${name} is ${size} bytes, beyond the ${limits.maxEntrySize}-byte limit; not read`, fatal: false });
  } else {
    const head = withFile(path, (src) => src.read(0, Math.min(64, src.size)));
    if (options.keep(name, head)) content = { kind: 'file', path, size };
  }
  // The consumer may be done with the content; there is nothing to free (the file is not ours).
  if (content && options.consume?.(name, content, sha256)) content = null;
  const entry: ArchiveEntry = { path: name, isDirectory: false, size, compressedSize: size, mode: null, sha256, content };
  return { format: 'file', size, sha256, entries: [entry], problems };
}
