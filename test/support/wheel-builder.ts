/**
 * Builds wheels for tests from a spec: package files (bytes or text), tags,
 * and the .dist-info METADATA / WHEEL / RECORD a correct build tool writes —
 * or, on request, the broken variants the audit must catch (RECORD missing,
 * a tampered hash, a file left out of RECORD, a weak hash, METADATA that
 * disagrees with the filename, extra raw zip entries).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildZip, type ZipEntrySpec } from './zip-writer.ts';

export interface WheelSpec {
  /** Distribution name (default 'demo'). */
  name?: string;
  version?: string;
  /** The filename's tag triple(s), e.g. 'cp311-cp311-manylinux_2_17_x86_64' (compressed sets allowed). */
  tag: string;
  /** Files of the wheel other than .dist-info, path → content. */
  files: Record<string, Uint8Array | string>;
  /** Root-Is-Purelib (default false). */
  purelib?: boolean;
  /** Overrides in METADATA. */
  metadata?: { name?: string; version?: string };
  /** `Tag:` lines of WHEEL (default: the filename's tags, expanded). */
  wheelTags?: string[];
  record?: {
    omit?: boolean;
    /** Paths left out of RECORD. */
    exclude?: string[];
    /** path → the hash field to write instead of the right one. */
    hashes?: Record<string, string>;
    /** Lines appended to RECORD as written. */
    extraLines?: string[];
  };
  /** Raw zip entries added after everything else. */
  extraEntries?: ZipEntrySpec[];
}

function b64url(digest: Buffer): string {
  return digest.toString('base64url');
}

/** Expands 'cp38.cp39-abi3-a.b' into ['cp38-abi3-a', 'cp38-abi3-b', 'cp39-abi3-a', 'cp39-abi3-b']. */
export function expandTags(tag: string): string[] {
  const [py = '', abi = '', plat = ''] = tag.split('-');
  const out: string[] = [];
  for (const p of py.split('.')) for (const a of abi.split('.')) for (const x of plat.split('.')) out.push(`${p}-${a}-${x}`);
  return out;
}

export function buildWheel(spec: WheelSpec): { filename: string; bytes: Buffer } {
  const name = spec.name ?? 'demo';
  const version = spec.version ?? '1.0';
  const distInfo = `${name}-${version}.dist-info`;
  const files: [string, Buffer][] = Object.entries(spec.files).map(([p, c]) => [p, Buffer.from(typeof c === 'string' ? c : c)]);
  const metadata = `Metadata-Version: 2.1\nName: ${spec.metadata?.name ?? name}\nVersion: ${spec.metadata?.version ?? version}\n\n`;
  const tags = spec.wheelTags ?? expandTags(spec.tag);
  const wheel = `Wheel-Version: 1.0\nGenerator: distaudit-tests\nRoot-Is-Purelib: ${spec.purelib ? 'true' : 'false'}\n${tags.map((t) => `Tag: ${t}\n`).join('')}`;
  files.push([`${distInfo}/METADATA`, Buffer.from(metadata)], [`${distInfo}/WHEEL`, Buffer.from(wheel)]);

  const entries: ZipEntrySpec[] = files.map(([p, data]) => ({ name: p, data }));
  if (!spec.record?.omit) {
    const excluded = new Set(spec.record?.exclude ?? []);
    const lines = files
      .filter(([p]) => !excluded.has(p))
      .map(([p, data]) => `${p},${spec.record?.hashes?.[p] ?? `sha256=${b64url(createHash('sha256').update(data).digest())}`},${data.length}`);
    lines.push(`${distInfo}/RECORD,,`, ...(spec.record?.extraLines ?? []));
    entries.push({ name: `${distInfo}/RECORD`, data: lines.join('\n') + '\n' });
  }
  entries.push(...(spec.extraEntries ?? []));
  return { filename: `${name.replace(/[-_.]+/g, '_')}-${version}-${spec.tag}.whl`, bytes: buildZip({ entries }) };
}

/** Writes the wheel into `dir` and returns its path. */
export function writeWheel(dir: string, spec: WheelSpec): string {
  mkdirSync(dir, { recursive: true });
  const { filename, bytes } = buildWheel(spec);
  const path = join(dir, filename);
  writeFileSync(path, bytes);
  return path;
}
