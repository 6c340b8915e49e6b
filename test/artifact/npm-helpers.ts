/**
 * Helpers for the npm tests: the model of a package read from a real tarball
 * (scanned by the npm kind's own scan, package.json kept as the audit keeps
 * it), and the audit of a package by the whole pipeline.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readNpmModel, npmKeepText, type NpmModel } from '../../src/artifact/npm/model.ts';
import { scanNpm } from '../../src/artifact/npm/reader.ts';
import { contentSource } from '../../src/artifact/archive/tar.ts';
import { decodeUtf8 } from '../../src/binary/reader.ts';
import { mightBeNative } from '../../src/binary/sniff.ts';
import { auditFile } from '../../src/audit/audit.ts';
import type { Report } from '../../src/report/schema.ts';
import { npmTarball, packageJson, type PackageFiles } from '../fixtures/npm.ts';
import { tempDir } from './zip-helpers.ts';

let counter = 0;

/** Writes a package tarball of `files` (package.json from `pj` name/version defaults, unless `pj` is null) and returns its path. */
export function writePackage(files: PackageFiles, pj: Record<string, unknown> | null = {}, name = 'demo-addon-1.2.3.tgz'): string {
  const dir = join(tempDir('npm-test-'), String(counter++));
  mkdirSync(dir);
  const path = join(dir, name);
  writeFileSync(path, npmTarball(pj === null ? files : { 'package.json': packageJson(pj), ...files }));
  return path;
}

/** The model of a package, scanned the way the audit scans it. */
export async function modelOf(files: PackageFiles, pj: Record<string, unknown> | null = {}): Promise<NpmModel> {
  const path = writePackage(files, pj);
  const kept = new Map<string, Uint8Array>();
  const scan = await scanNpm(path, {
    keep: (p, head) => npmKeepText(p) || mightBeNative(head),
    consume: (p, content) => {
      if (npmKeepText(p)) {
        const src = contentSource(content);
        kept.set(p, src.read(0, src.size));
        src.close();
      }
      return true;
    },
    spoolDir: mkdtempSync(join(tmpdir(), 'npm-spool-')),
  });
  return readNpmModel('demo-addon-1.2.3.tgz', scan, (p) => {
    const b = kept.get(p);
    return b ? decodeUtf8(b) : null;
  });
}

/** The full audit of a package of `files`. */
export function auditPackage(files: PackageFiles, pj: Record<string, unknown> | null = {}): Promise<Report> {
  return auditFile(writePackage(files, pj));
}

/** The findings of one check, as 'file: message' lines (for readable assertion failures). */
export function findingsOf(r: Report, check: string): Report['findings'] {
  return r.findings.filter((f) => f.check === check);
}
