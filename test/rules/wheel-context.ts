/**
 * Runs wheel rules on a wheel built by test/support/wheel-builder.ts, the way
 * the pipeline will: the zip is read back (yauzl, in memory), every entry is
 * hashed, native binaries are found by their bytes and parsed, the wheel model
 * is read from the kept METADATA / WHEEL / RECORD texts and the targets are
 * derived from the filename. The AuditContext itself comes from
 * test/support/audit-context.ts (`contextFor`), so the rule sees what any rule
 * test sees.
 */
import { createHash } from 'node:crypto';
import yauzl from 'yauzl';
import type { AuditContext, Finding, Rule } from '../../src/audit/types.ts';
import type { ArchiveEntry, ArchiveScan } from '../../src/artifact/archive/types.ts';
import { readWheelModel, wheelKeepText, type WheelModel } from '../../src/artifact/wheel/model.ts';
import { wheelTargets } from '../../src/artifact/wheel/targets.ts';
import { parseBinary } from '../../src/binary/index.ts';
import { bytesSource } from '../../src/binary/source.ts';
import type { Target } from '../../src/target.ts';
import { contextFor } from '../support/audit-context.ts';
import { buildZip } from '../support/zip-writer.ts';

export interface ZipFile {
  path: string;
  isDirectory: boolean;
  bytes: Buffer;
}

/** Every entry of a zip held in memory, in archive order. */
export function readZip(bytes: Buffer): Promise<ZipFile[]> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true, decodeStrings: true }, (err, zip) => {
      if (err || !zip) return reject(err ?? new Error('no zip'));
      const out: ZipFile[] = [];
      zip.on('error', reject);
      zip.on('end', () => resolve(out));
      zip.on('entry', (e: yauzl.Entry) => {
        if (e.fileName.endsWith('/')) {
          out.push({ path: e.fileName, isDirectory: true, bytes: Buffer.alloc(0) });
          zip.readEntry();
          return;
        }
        zip.openReadStream(e, (err2, stream) => {
          if (err2 || !stream) return reject(err2 ?? new Error('no stream'));
          const chunks: Buffer[] = [];
          stream.on('data', (c: Buffer) => chunks.push(c));
          stream.on('error', reject);
          stream.on('end', () => {
            out.push({ path: e.fileName, isDirectory: false, bytes: Buffer.concat(chunks) });
            zip.readEntry();
          });
        });
      });
      zip.readEntry();
    });
  });
}

function isNative(bytes: Uint8Array): boolean {
  try {
    return parseBinary(bytesSource(bytes)) !== null;
  } catch {
    return false;
  }
}

/** The scan the archive reader would produce for these entries (every entry hashed, kept texts as memory content). */
export function scanOf(files: ZipFile[]): ArchiveScan {
  const entries: ArchiveEntry[] = files.map((f) => ({
    path: f.path,
    isDirectory: f.isDirectory,
    size: f.bytes.length,
    compressedSize: f.bytes.length,
    mode: null,
    sha256: f.isDirectory ? null : createHash('sha256').update(f.bytes).digest('hex'),
    content: wheelKeepText(f.path) ? { kind: 'memory', bytes: f.bytes } : null,
  }));
  return { format: 'zip', size: 0, sha256: '', entries, problems: [] };
}

export interface WheelUnderTest {
  model: WheelModel;
  targets: Target[];
  ctx: AuditContext;
  findings: Finding[];
}

/** UTF-8 text or null, as the pipeline decodes kept entries (invalid UTF-8 is unreadable, not replaced). */
export function utf8OrNull(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
  }
}

/**
 * Rewrites a built wheel's zip: `edit` gets the entries (path, bytes) and
 * returns the new list, e.g. without METADATA or with another WHEEL. RECORD is
 * left as it was (so it may no longer match, as after a careless post-build step).
 */
export async function editWheel(wheel: { filename: string; bytes: Buffer }, edit: (files: ZipFile[]) => ZipFile[], filename = wheel.filename): Promise<{ filename: string; bytes: Buffer }> {
  const files = edit(await readZip(wheel.bytes));
  return { filename, bytes: buildZip({ entries: files.map((f) => ({ name: f.path, data: f.bytes })) }) };
}

/** Builds the context for a wheel given as its filename and zip bytes. */
export async function wheelContext(wheel: { filename: string; bytes: Buffer }): Promise<WheelUnderTest> {
  const files = await readZip(wheel.bytes);
  const scan = scanOf(files);
  const texts = new Map(files.filter((f) => wheelKeepText(f.path)).map((f) => [f.path, utf8OrNull(f.bytes)]));
  const model = readWheelModel(wheel.filename, scan, (p) => texts.get(p) ?? null);
  const targets = wheelTargets(model);
  const binaries: Record<string, Uint8Array> = {};
  const others: Record<string, Uint8Array> = {};
  for (const f of files) {
    if (f.isDirectory) continue;
    if (isNative(f.bytes)) binaries[f.path] = f.bytes;
    else others[f.path] = f.bytes;
  }
  const { ctx, findings } = contextFor({ binaries, files: others, targets, artifact: { kind: 'wheel', wheel: model } });
  return { model, targets, ctx, findings };
}

/** Runs one rule over a built wheel; throws if it reports a check it does not declare. */
export async function runWheelRule(rule: Rule, wheel: { filename: string; bytes: Buffer }): Promise<Finding[]> {
  const w = await wheelContext(wheel);
  rule.run(w.ctx);
  for (const f of w.findings) {
    if (!rule.checks.some((c) => c.id === f.check)) throw new Error(`rule ${rule.name} reported undeclared check ${f.check}`);
  }
  return w.findings;
}
