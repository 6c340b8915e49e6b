/**
 * Helpers for the JAR rule tests: write a JAR (zip-writer) with a manifest
 * and the given entries, audit it with the real pipeline (`auditFile`), and
 * read the findings of one check.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { auditFile, type AuditOptions } from '../../src/audit/audit.ts';
import type { Finding } from '../../src/audit/types.ts';
import type { Report } from '../../src/report/schema.ts';
import { buildZip, type ZipEntrySpec } from '../support/zip-writer.ts';

const dirs: string[] = [];

/** Removes the JARs written so far (call from `after`). */
export function cleanupJars(): void {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

export const MANIFEST_TEXT = 'Manifest-Version: 1.0\r\nCreated-By: distaudit tests\r\n\r\n';

/** Entries: path → bytes or text; a META-INF/MANIFEST.MF is added unless given. */
export type JarFiles = Record<string, Uint8Array | string>;

export function jarBytes(files: JarFiles, extra: ZipEntrySpec[] = []): Buffer {
  const entries: ZipEntrySpec[] = [];
  if (!('META-INF/MANIFEST.MF' in files)) entries.push({ name: 'META-INF/MANIFEST.MF', data: MANIFEST_TEXT });
  for (const [name, data] of Object.entries(files)) entries.push({ name, data });
  return buildZip({ entries: [...entries, ...extra] });
}

/** Writes bytes under `filename` in a fresh directory; returns the path. */
export function writeArtifact(filename: string, bytes: Uint8Array): string {
  const dir = mkdtempSync(join(tmpdir(), 'jar-rules-'));
  dirs.push(dir);
  const path = join(dir, filename);
  writeFileSync(path, bytes);
  return path;
}

export async function auditJar(files: JarFiles, filename = 'demo-1.0.jar', options: AuditOptions = {}): Promise<Report> {
  return auditFile(writeArtifact(filename, jarBytes(files)), options);
}

export const summary = (r: Report) => JSON.stringify(r.findings.map((f) => `${f.check} ${f.file ?? '-'}: ${f.message}`), null, 1);

/** The findings of `check`, after asserting no rule failed. */
export function findings(r: Report, check: string): Finding[] {
  assert.deepEqual(r.findings.filter((f) => f.check === 'audit.internal-error'), [], summary(r));
  return r.findings.filter((f) => f.check === check);
}

/** The compiled classes of org.example.demo (Native_Lib, its Inner class, Main) from the JNI fixtures, at their JAR paths. */
export function demoClassFiles(nativeLibClass: string): JarFiles {
  const dir = dirname(nativeLibClass);
  const out: JarFiles = {};
  for (const name of ['Native_Lib.class', 'Native_Lib$Inner.class', 'Main.class']) out[`org/example/demo/${name}`] = readFileSync(join(dir, name));
  return out;
}
