/**
 * Reading a JAR (or a WAR / EAR) from an untrusted upload: the zip reader
 * (../archive/zip.ts) on the file, then on every nested JAR one level deep
 * (Spring Boot's BOOT-INF/lib/*.jar, a WAR's WEB-INF/lib/*.jar, lib/*.jar, an
 * EAR's modules: any entry named *.jar or *.war whose bytes are not native
 * code), merged into one scan. A nested entry is named `outer.jar!/inner/path`
 * (the JDK's jar: URL spelling), and so are its problems. JARs nested deeper
 * are listed, not read.
 *
 *     const scan = await scanJar('app.jar', { keep, consume, spoolDir });
 *     scan.entries.map((e) => e.path);  // [..., 'BOOT-INF/lib/jna.jar', 'BOOT-INF/lib/jna.jar!/com/sun/jna/linux-x86-64/libjnidispatch.so', ...]
 *     scan.jar.nestedJars;              // ['BOOT-INF/lib/jna.jar']
 *
 * Limits are shared: each nested JAR is read with the entry count and the
 * inflated bytes the JAR and the nested JARs before it left over, so nesting
 * cannot multiply the budget (and at most MAX_NESTED_JARS are opened). A
 * nested JAR that is not a readable zip is a problem of the artifact, never an
 * exception. The caller's `keep` and `consume` see nested entries under their
 * `!/` names; a nested JAR's own bytes are held only until it has been read
 * (spooled to the spool directory when they were kept in memory) and then
 * freed.
 *
 * Beside the entries the scan records, per native binary (found by its magic
 * bytes when its content is handed over, never by its name), the facts of the
 * ones whose path does not say their platform in full (an unknown layout, or
 * a convention without an architecture in the path), so targets can be made
 * from them before the rules run.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { scanZip } from '../archive/zip.ts';
import { formatBytes, resolveLimits } from '../archive/limits.ts';
import type { ArchiveEntry, ArchiveLimits, ArchiveProblem, ArchiveScan, KeptContent, ScanOptions } from '../archive/types.ts';
import { isNativeContent, scanNative, type ScannedNative } from '../natives.ts';
import { nativePathClaim } from './conventions.ts';
import type { ArtifactReader } from '../kinds.ts';
import { jarKeepText, readJarModel } from './model.ts';
import { jarBinaryTargets, jarTargets } from './targets.ts';

/** Between a nested JAR's path and an entry inside it. */
export const NESTED_SEPARATOR = '!/';
/** Entry names read as nested archives (one level deep). */
const NESTED_ARCHIVE = /\.(jar|war)$/i;
/** Nested JARs opened at most (real fat JARs carry a few hundred). */
export const MAX_NESTED_JARS = 4096;

/** What the scan read of one native binary: its facts (per slice), and the ELF OS/ABI byte (FreeBSD marks its files). */
export interface JarScanInfo {
  /** Every entry whose content is an ELF, Mach-O or PE binary, by full path, in scan order. */
  natives: string[];
  /** Facts of the natives whose path does not name their platform in full (see nativePathClaim). */
  scanned: Record<string, ScannedNative>;
  /** Nested JARs read, in entry order. */
  nestedJars: string[];
  /** JARs inside nested JARs: not read (one level only). */
  deeperJars: string[];
}

export interface JarScan extends ArchiveScan {
  jar: JarScanInfo;
}

/** The path inside the innermost archive: 'a.jar!/lib/x.so' → 'lib/x.so'. */
export function innerPath(path: string): string {
  const at = path.lastIndexOf(NESTED_SEPARATOR);
  return at < 0 ? path : path.slice(at + NESTED_SEPARATOR.length);
}

/** The nested JAR an entry belongs to ('' for the artifact itself): 'a.jar!/lib/x.so' → 'a.jar'. */
export function archiveOf(path: string): string {
  const at = path.lastIndexOf(NESTED_SEPARATOR);
  return at < 0 ? '' : path.slice(0, at);
}

/** Whether the scan must read a native's facts now: its path names no platform, or no architecture. */
function needsFacts(path: string): boolean {
  const claim = nativePathClaim(innerPath(path));
  return claim === null || (claim.os !== null && claim.arch === null);
}

/** Bytes an entry accounts for against the total limit (what was inflated). */
function inflated(entries: readonly ArchiveEntry[]): number {
  return entries.reduce((n, e) => n + (e.isDirectory || e.sha256 === null ? 0 : e.size), 0);
}

function release(content: KeptContent): void {
  if (content.kind === 'file') rmSync(content.path, { force: true });
}

export async function scanJar(path: string, options: ScanOptions): Promise<JarScan> {
  const limits = resolveLimits(options.limits);
  const info: JarScanInfo = { natives: [], scanned: {}, nestedJars: [], deeperJars: [] };
  const held = new Map<string, KeptContent>();

  /** The caller's options for entries under `prefix` ('' or 'x.jar!/'), recording natives and holding nested JARs. */
  const wrap = (prefix: string, entryLimits: ArchiveLimits): ScanOptions => ({
    limits: entryLimits,
    spoolDir: options.spoolDir,
    keep(p, head) {
      if (NESTED_ARCHIVE.test(p)) {
        if (prefix === '') return true;
        info.deeperJars.push(prefix + p);
      }
      return options.keep(prefix + p, head);
    },
    consume(p, content, sha256) {
      const full = prefix + p;
      if (isNativeContent(content)) {
        info.natives.push(full);
        if (needsFacts(full)) {
          const facts = scanNative(content, () => false, () => ({}));
          if (facts) info.scanned[full] = facts;
        }
        return options.consume?.(full, content, sha256) ?? false;
      }
      if (prefix === '' && NESTED_ARCHIVE.test(p)) {
        held.set(p, content);
        return false;
      }
      return options.consume?.(full, content, sha256) ?? false;
    },
  });

  const outer = await scanZip(path, wrap('', limits));
  const entries: ArchiveEntry[] = outer.entries.map((e) => ({ ...e }));
  const problems: ArchiveProblem[] = [...outer.problems];
  let usedEntries = outer.entries.length;
  let usedBytes = inflated(outer.entries);
  let tempDir: string | null = null;
  let opened = 0;

  for (const e of entries) {
    const content = held.get(e.path);
    if (!content) continue;
    held.delete(e.path);
    e.content = null;
    const name = e.path;
    const skip = (code: ArchiveProblem['code'], message: string) => {
      problems.push({ code, path: name, message, fatal: false });
      release(content);
    };
    if (opened >= MAX_NESTED_JARS) {
      skip('too-many-entries', `more than ${MAX_NESTED_JARS} nested JARs: ${name} was not read`);
      continue;
    }
    const entriesLeft = limits.maxEntries - usedEntries;
    const bytesLeft = limits.maxTotalSize - usedBytes;
    if (entriesLeft <= 0) {
      skip('too-many-entries', `the JAR and the nested JARs before ${name} use up the limit of ${limits.maxEntries} entries: ${name} was not read`);
      continue;
    }
    if (bytesLeft <= 0) {
      skip('total-too-large', `the JAR and the nested JARs before ${name} inflate to the ${formatBytes(limits.maxTotalSize)} total limit: ${name} was not read`);
      continue;
    }
    opened++;
    let file: string;
    if (content.kind === 'file') {
      file = content.path;
    } else {
      if (tempDir === null) {
        mkdirSync(options.spoolDir, { recursive: true });
        tempDir = mkdtempSync(join(options.spoolDir, 'nested-'));
      }
      file = join(tempDir, `jar-${opened}.jar`);
      writeFileSync(file, content.bytes, { mode: 0o600 });
    }
    const prefix = `${name}${NESTED_SEPARATOR}`;
    let inner: ArchiveScan;
    try {
      inner = await scanZip(file, wrap(prefix, { ...limits, maxEntries: entriesLeft, maxTotalSize: bytesLeft }));
    } finally {
      if (content.kind === 'memory') rmSync(file, { force: true });
      else release(content);
    }
    info.nestedJars.push(name);
    for (const x of inner.entries) entries.push({ ...x, path: prefix + x.path });
    for (const p of inner.problems) {
      problems.push({ code: p.code, path: p.path === null ? name : prefix + p.path, message: `in the nested JAR ${name}: ${p.message}`, fatal: false });
    }
    usedEntries += inner.entries.length;
    usedBytes += inflated(inner.entries);
  }
  // Nested JARs never reached (the outer scan stopped early) are freed too.
  for (const content of held.values()) release(content);
  if (tempDir !== null) rmSync(tempDir, { recursive: true, force: true });
  return { ...outer, entries, problems, jar: info };
}

// ---------------------------------------------------------------------------
// The JAR kind as the audit pipeline sees it (src/artifact/kinds.ts)

/** JARs and the archives built the same way: web applications (.war) and enterprise archives (.ear). */
export const jarReader: ArtifactReader = {
  kind: 'jar',
  matches: (fileName) => /\.(jar|war|ear)$/i.test(fileName),
  scan: scanJar,
  keepText: jarKeepText,
  model: (fileName, scan) => ({ kind: 'jar', jar: readJarModel(fileName, scan) }),
  targets: (model) => (model.kind === 'jar' ? jarTargets(model.jar) : []),
  binaryTargets: (model, targets, bin) => (model.kind === 'jar' ? jarBinaryTargets(model.jar, targets, bin) : [...targets]),
  summary(ctx) {
    if (ctx.artifact.kind !== 'jar') return {};
    const j = ctx.artifact.jar;
    return { jar: { name: j.name, version: j.version, nestedJars: j.nestedJars, conventions: j.conventions } };
  },
};
