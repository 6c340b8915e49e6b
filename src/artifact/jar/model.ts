/**
 * The JAR model: what a JAR (and each JAR nested in it, one level deep) says
 * about itself, read from a scan (reader.ts): its manifest (main attributes,
 * Bundle-NativeCode), its Maven pom.properties, the classes it holds (the
 * names the JVM resolves `Java_` exports against), and its native libraries
 * with the platform each one's path claims (conventions.ts). Nothing here
 * judges: the rules in src/rules/jar/ do, and targets.ts turns the claims into
 * targets.
 *
 * @example
 * // scan: scanJar's result, with the entries for which jarKeepText(path) is true kept
 * const jar = readJarModel('sqlite-jdbc-3.46.1.0.jar', scan);
 * jar.name;                        // 'org.xerial:sqlite-jdbc'
 * jar.natives[0]?.claim?.platform; // 'Linux-Android/x86_64'
 */
import { readFileSync } from 'node:fs';
import type { ArchiveEntry, ArchiveScan } from '../archive/types.ts';
import { decodeUtf8 } from '../../binary/reader.ts';
import { nativePathClaim, type NativePathClaim } from './conventions.ts';
import { attributeValue, parseBundleNativeCode, parseManifest, type BundleNativeCode, type Manifest } from './manifest.ts';
import { archiveOf, innerPath, NESTED_SEPARATOR, type JarScan } from './reader.ts';
import type { ScannedNative } from '../natives.ts';

export interface JarManifest {
  /** Entry path ('META-INF/MANIFEST.MF', 'BOOT-INF/lib/x.jar!/META-INF/MANIFEST.MF'). */
  path: string;
  manifest: Manifest;
  mainClass: string | null;
  /** `Multi-Release: true` (case-insensitive, as the JDK reads it). */
  multiRelease: boolean;
  automaticModuleName: string | null;
  implementationTitle: string | null;
  implementationVersion: string | null;
  /** The symbolic name without its directives ('org.example.demo' of 'org.example.demo;singleton:=true'). */
  bundleSymbolicName: string | null;
  bundleVersion: string | null;
  /** The parsed header; null when the manifest has none. */
  bundleNativeCode: BundleNativeCode | null;
}

export interface PomProperties {
  path: string;
  groupId: string | null;
  artifactId: string | null;
  version: string | null;
}

export interface JarArchive {
  /** '' for the uploaded JAR itself; the nested JAR's entry path otherwise ('BOOT-INF/lib/jna-5.14.0.jar'). */
  path: string;
  /** What its entries' paths start with: '' or 'BOOT-INF/lib/jna-5.14.0.jar!/'. */
  prefix: string;
  manifest: JarManifest | null;
  poms: PomProperties[];
  /** Paths of its file entries, relative to it ('com/sun/jna/Native.class'). */
  files: string[];
}

export interface JarClass {
  /** Binary name in internal form: 'org/example/demo/Native_Lib$Inner'. */
  name: string;
  /** Entry path of the class file. */
  path: string;
  /** The Java release of a multi-release entry (META-INF/versions/<N>/); null for the base entry. */
  release: number | null;
}

export interface JarNative {
  /** Entry path (with '!/' inside a nested JAR). */
  path: string;
  /** The nested JAR holding it ('' for the JAR itself). */
  archive: string;
  /** The platform its path claims, by library convention; null for an unknown layout. */
  claim: NativePathClaim | null;
  /** Facts the scan read, for natives whose path names no platform or no architecture; null otherwise. */
  scanned: ScannedNative | null;
}

export interface JarModel {
  /** The file name as uploaded. */
  filename: string;
  /** The JAR itself first, then each nested JAR read. */
  archives: JarArchive[];
  nestedJars: string[];
  /** JARs inside nested JARs, which were not read. */
  deeperJars: string[];
  /** Every class file of every archive, on the class path a launcher builds (BOOT-INF/classes/, WEB-INF/classes/ and nested JARs included), sorted by name (base entries before versioned ones). */
  classes: JarClass[];
  natives: JarNative[];
  /** groupId:artifactId of the JAR's own pom.properties, else its manifest's Implementation-Title or Bundle-SymbolicName. */
  name: string | null;
  version: string | null;
  /** Native path conventions recognised, sorted. */
  conventions: string[];
}

const MANIFEST = /^META-INF\/MANIFEST\.MF$/i;
const POM = /^META-INF\/maven\/[^/]+\/[^/]+\/pom\.properties$/;

/** Entries the model needs the bytes of: every archive's manifest and pom.properties. */
export function jarKeepText(path: string): boolean {
  const inner = innerPath(path);
  return MANIFEST.test(inner) || POM.test(inner);
}

/** Largest manifest or pom.properties read (a signed JAR's manifest holds one section per entry). */
const MAX_TEXT = 64 * 1024 * 1024;

function keptBytes(e: ArchiveEntry | undefined): Uint8Array | null {
  const c = e?.content;
  if (!c) return null;
  if (c.kind === 'memory') return c.bytes;
  return c.size <= MAX_TEXT ? readFileSync(c.path) : null;
}

/** java.util.Properties, as far as pom.properties uses it: `key=value` / `key: value` lines, `#` and `!` comments. */
export function parsePomProperties(path: string, text: string): PomProperties {
  const values = new Map<string, string>();
  for (const raw of text.split(/\r\n|\r|\n/)) {
    const line = raw.trimStart();
    if (line === '' || line.startsWith('#') || line.startsWith('!')) continue;
    const m = /^([^=:\s]+)\s*[=:\s]\s*(.*)$/.exec(line);
    if (m) values.set(m[1]!, m[2]!.trim());
  }
  const get = (k: string) => (values.get(k) || null);
  return { path, groupId: get('groupId'), artifactId: get('artifactId'), version: get('version') };
}

function readManifest(path: string, bytes: Uint8Array): JarManifest {
  const manifest = parseManifest(bytes);
  const main = manifest.main;
  const get = (name: string) => {
    const v = attributeValue(main, name);
    return v === null ? null : v.trim() || null;
  };
  const nativeCode = attributeValue(main, 'Bundle-NativeCode');
  return {
    path,
    manifest,
    mainClass: get('Main-Class'),
    multiRelease: (get('Multi-Release') ?? '').toLowerCase() === 'true',
    automaticModuleName: get('Automatic-Module-Name'),
    implementationTitle: get('Implementation-Title'),
    implementationVersion: get('Implementation-Version'),
    bundleSymbolicName: get('Bundle-SymbolicName')?.split(';')[0]?.trim() || null,
    bundleVersion: get('Bundle-Version'),
    bundleNativeCode: nativeCode === null ? null : parseBundleNativeCode(nativeCode),
  };
}

/** Class-path roots a launcher adds inside the JAR itself (Spring Boot, WAR). */
const CLASS_ROOTS = ['BOOT-INF/classes/', 'WEB-INF/classes/'];
const VERSIONED = /^META-INF\/versions\/(\d{1,4})\/(.+)$/;

/** The class an entry defines, by its path; null for anything else. */
function classOf(path: string): JarClass | null {
  if (!path.endsWith('.class')) return null;
  let rel = innerPath(path);
  if (archiveOf(path) === '') {
    const root = CLASS_ROOTS.find((r) => rel.startsWith(r));
    if (root) rel = rel.slice(root.length);
  }
  let release: number | null = null;
  const v = VERSIONED.exec(rel);
  if (v) {
    release = Number(v[1]);
    rel = v[2]!;
  } else if (rel.startsWith('META-INF/')) {
    return null;
  }
  const name = rel.slice(0, -'.class'.length);
  if (name === '' || name.split('/').some((p) => p === '')) return null;
  return { name, path, release };
}

/** The name and version the JAR gives itself (its own pom.properties first; of several, the one the file name names). */
function identity(filename: string, own: JarArchive | undefined): { name: string | null; version: string | null } {
  const poms = (own?.poms ?? []).filter((p) => p.groupId && p.artifactId);
  const base = filename.replace(/\.(jar|war|ear)$/i, '');
  const pom = poms.length === 1 ? poms[0] : (poms.find((p) => base === `${p.artifactId}-${p.version}` || base.startsWith(`${p.artifactId}-${p.version}-`)) ?? null);
  const m = own?.manifest;
  if (pom) return { name: `${pom.groupId}:${pom.artifactId}`, version: pom.version ?? m?.implementationVersion ?? m?.bundleVersion ?? null };
  return { name: m?.implementationTitle ?? m?.bundleSymbolicName ?? null, version: m?.implementationVersion ?? m?.bundleVersion ?? null };
}

/**
 * Reads the model from a scan of the JAR: scanJar's, which says which entries
 * are native code and which nested JARs were read (a plain zip scan gives a
 * model without natives or nested JARs).
 */
export function readJarModel(filename: string, scan: ArchiveScan | JarScan): JarModel {
  const info = 'jar' in scan ? scan.jar : { natives: [], scanned: {}, nestedJars: [], deeperJars: [] };
  const archives: JarArchive[] = [{ path: '', prefix: '', manifest: null, poms: [], files: [] }];
  for (const n of info.nestedJars) archives.push({ path: n, prefix: `${n}${NESTED_SEPARATOR}`, manifest: null, poms: [], files: [] });
  const archiveByPath = new Map(archives.map((a) => [a.path, a]));
  const classes: JarClass[] = [];
  for (const e of scan.entries) {
    if (e.isDirectory) continue;
    const a = archiveByPath.get(archiveOf(e.path));
    if (!a) continue;
    const rel = innerPath(e.path);
    a.files.push(rel);
    if (MANIFEST.test(rel) && a.manifest === null) {
      const b = keptBytes(e);
      if (b) a.manifest = readManifest(e.path, b);
    } else if (POM.test(rel)) {
      const b = keptBytes(e);
      if (b) a.poms.push(parsePomProperties(e.path, decodeUtf8(b)));
    }
    const c = classOf(e.path);
    if (c) classes.push(c);
  }
  classes.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : (x.release ?? 0) - (y.release ?? 0) || (x.path < y.path ? -1 : x.path > y.path ? 1 : 0)));
  const natives: JarNative[] = info.natives.map((path) => ({
    path,
    archive: archiveOf(path),
    claim: nativePathClaim(innerPath(path)),
    scanned: info.scanned[path] ?? null,
  }));
  const { name, version } = identity(filename, archives[0]);
  return {
    filename,
    archives,
    nestedJars: info.nestedJars,
    deeperJars: info.deeperJars,
    classes,
    natives,
    name,
    version,
    conventions: [...new Set(natives.flatMap((n) => (n.claim ? [n.claim.convention] : [])))].sort(),
  };
}
