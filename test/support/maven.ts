/**
 * Fetching Maven artifacts (JARs, WARs) by their coordinates, for the JAR
 * corpus (test/corpus/maven-jars.json). The corpus stores coordinates, never
 * URLs: the URL follows from them by the Maven 2 repository layout
 *
 *     <repo>/<groupId with . → />/<artifactId>/<version>/<artifactId>-<version>[-<classifier>].<extension>
 *
 * with <repo> Maven Central (https://repo1.maven.org/maven2), or a mirror
 * named by DISTAUDIT_MAVEN_REPO. Each artifact is downloaded once into
 * cacheRoot()/corpus/maven/<file name>, and its sha256 is checked against the
 * pin before anything reads it; a cached file is re-hashed on every call (a
 * corrupted cache is fetched again). A mismatch means the repository served
 * other bytes: an error naming both sums, never papered over.
 *
 * An artifact not pinned yet (the corpus script's first run) is checked
 * against the `.sha1` the repository publishes beside it, then pinned by the
 * sha256 of what arrived.
 *
 * @example
 * const jar = await fetchMaven({ coordinates: 'io.netty:netty-transport-native-epoll:4.1.118.Final:linux-x86_64', sha256: '…' });
 * // ~/.cache/distaudit/corpus/maven/netty-transport-native-epoll-4.1.118.Final-linux-x86_64.jar
 */
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { cacheRoot } from '../../src/cache-dir.ts';
import type { ElfLibc, NativeFormat, NativeToolFacts } from '../../scripts/corpus/native-facts.ts';
import { repoRoot } from './fixture-builder.ts';
import type { CorpusAbout } from './pypi.ts';

export const MAVEN_CENTRAL = 'https://repo1.maven.org/maven2';

/** Largest artifact fetched (the corpus keeps well below; a larger answer is a wrong URL or a broken mirror). */
export const MAX_MAVEN_ARTIFACT = 512 * 1024 * 1024;

export interface MavenCoordinates {
  groupId: string;
  artifactId: string;
  version: string;
  classifier: string | null;
  /** File extension: 'jar' unless the artifact is packaged otherwise ('war'). */
  extension: string;
}

/** One coordinate part: letters, digits and `_ . -`, not starting with a dot (so never `..`). */
const PART = /^[A-Za-z0-9_-][A-Za-z0-9_.-]*$/;

/**
 * `groupId:artifactId:version[:classifier]` (the order Maven's own tooling prints
 * resolved artifacts in), with the extension given apart ('jar' by default).
 */
export function parseCoordinates(coordinates: string, extension = 'jar'): MavenCoordinates {
  const parts = coordinates.split(':');
  if (parts.length !== 3 && parts.length !== 4) throw new Error(`maven: ${coordinates} is not groupId:artifactId:version[:classifier]`);
  for (const p of [...parts, extension]) {
    if (!PART.test(p) || p.includes('..')) throw new Error(`maven: ${JSON.stringify(p)} in ${coordinates} is not a plain coordinate part`);
  }
  const [groupId, artifactId, version, classifier] = parts as [string, string, string, string | undefined];
  return { groupId, artifactId, version, classifier: classifier ?? null, extension };
}

/** The file name the repository layout gives the artifact. */
export function mavenFileName(c: MavenCoordinates): string {
  return `${c.artifactId}-${c.version}${c.classifier ? `-${c.classifier}` : ''}.${c.extension}`;
}

/** The repository (DISTAUDIT_MAVEN_REPO, else Maven Central), without a trailing slash. */
export function mavenRepository(): string {
  return (process.env.DISTAUDIT_MAVEN_REPO || MAVEN_CENTRAL).replace(/\/+$/, '');
}

export function mavenUrl(c: MavenCoordinates, repository = mavenRepository()): string {
  return `${repository}/${c.groupId.replaceAll('.', '/')}/${c.artifactId}/${c.version}/${mavenFileName(c)}`;
}

export function mavenCacheDir(): string {
  return join(cacheRoot(), 'corpus', 'maven');
}

async function hashFile(path: string, algorithm: 'sha256' | 'sha1'): Promise<string> {
  const h = createHash(algorithm);
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

export function sha256OfFile(path: string): Promise<string> {
  return hashFile(path, 'sha256');
}

async function get(url: string): Promise<Response> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(600_000), redirect: 'follow' });
  } catch (e) {
    throw new Error(`maven: GET ${url} failed (is ${mavenRepository()} reachable?): ${(e as Error).message}`, { cause: e });
  }
  if (!res.ok) throw new Error(`maven: GET ${url} answered ${res.status} ${res.statusText}`);
  return res;
}

/** The `.sha1` the repository publishes beside the artifact (its first 40 hex digits; some files add the name after). */
async function publishedSha1(url: string): Promise<string> {
  const text = await (await get(`${url}.sha1`)).text();
  const m = /^\s*([0-9a-fA-F]{40})\b/.exec(text);
  if (!m?.[1]) throw new Error(`maven: ${url}.sha1 holds no SHA-1: ${JSON.stringify(text.slice(0, 100))}`);
  return m[1].toLowerCase();
}

/** Streams the body into `file`, hashing as it goes, and stops past MAX_MAVEN_ARTIFACT. */
async function download(url: string, file: string): Promise<{ sha256: string; sha1: string; size: number }> {
  const res = await get(url);
  if (!res.body) throw new Error(`maven: GET ${url} returned no body`);
  const sha256 = createHash('sha256');
  const sha1 = createHash('sha1');
  let size = 0;
  const meter = new Transform({
    transform(chunk: Buffer, _enc, done) {
      size += chunk.length;
      if (size > MAX_MAVEN_ARTIFACT) return done(new Error(`maven: ${url} is larger than ${MAX_MAVEN_ARTIFACT} bytes`));
      sha256.update(chunk);
      sha1.update(chunk);
      done(null, chunk);
    },
  });
  await pipeline(Readable.fromWeb(res.body as WebReadableStream<Uint8Array>), meter, createWriteStream(file, { mode: 0o644 }));
  return { sha256: sha256.digest('hex'), sha1: sha1.digest('hex'), size };
}

/**
 * The artifact's path in the cache, fetched when absent or corrupt.
 * `expectedSha256` null: not pinned yet — the download must match the
 * repository's published `.sha1`, and the caller pins its sha256.
 */
export async function downloadMaven(coordinates: string, extension: string, expectedSha256: string | null): Promise<string> {
  const c = parseCoordinates(coordinates, extension);
  const dir = mavenCacheDir();
  const file = join(dir, mavenFileName(c));
  if (existsSync(file)) {
    const have = await sha256OfFile(file);
    if (expectedSha256 === null ? (await hashFile(file, 'sha1')) === (await publishedSha1(mavenUrl(c))) : have === expectedSha256) return file;
  }
  mkdirSync(dir, { recursive: true });
  const tmp = join(dir, `tmp-${process.pid}-${Date.now()}-${Math.random().toString(36).slice(2)}`);
  try {
    const url = mavenUrl(c);
    const got = await download(url, tmp);
    if (expectedSha256 !== null) {
      if (got.sha256 !== expectedSha256) {
        throw new Error(`corpus: ${coordinates} (${url}) has sha256 ${got.sha256}, the corpus pins ${expectedSha256}: the repository served different bytes`);
      }
    } else {
      const sha1 = await publishedSha1(url);
      if (got.sha1 !== sha1) throw new Error(`corpus: ${coordinates} (${url}) has SHA-1 ${got.sha1}, the repository publishes ${sha1}: the download is corrupt`);
    }
    renameSync(tmp, file);
    return file;
  } finally {
    rmSync(tmp, { force: true });
  }
}

/** A pinned corpus artifact: fetched once, sha256 checked. */
export function fetchMaven(a: { coordinates: string; extension?: string; sha256: string }): Promise<string> {
  return downloadMaven(a.coordinates, a.extension ?? 'jar', a.sha256);
}

// ---------------------------------------------------------------------------
// The JAR corpus file (test/corpus/maven-jars.json), written by scripts/corpus/jar-facts.ts

export const MAVEN_CORPUS_FILE = join(repoRoot, 'test/corpus/maven-jars.json');

/** One clause of Bundle-NativeCode (OSGi core, 3.10): library paths, then `key=value` parameters (osname, processor, osversion, language, selection-filter). */
export interface BundleNativeCodeClause {
  paths: string[];
  /** Parameter name as written → its values in order (a clause may repeat osname / processor); quotes removed. */
  parameters: Record<string, string[]>;
}

export interface BundleNativeCodeFacts {
  /** The header's value with continuation lines joined. */
  raw: string;
  clauses: BundleNativeCodeClause[];
  /** A trailing `*` clause: the bundle may resolve without any native code. */
  optional: boolean;
  /** Paths named by some clause that are not entries of the archive (`jar tf`), sorted, unique. */
  missing: string[];
}

export interface JarCorpusArchive {
  /** '' for the artifact itself; the nested JAR's entry path ('BOOT-INF/lib/x.jar'). */
  path: string;
  /** sha256 of a nested JAR's bytes; absent for the artifact itself (see the artifact's sha256). */
  sha256?: string;
  /** Lines `jar tf` prints (files and directories). */
  entries: number;
  /** Entries `jar tf` prints that end in `.class` (META-INF/versions/ and module-info included). */
  classFiles: number;
  /** sha256 of those entry names, sorted (code-unit order), joined with '\n'. */
  classListSha256: string;
  /** Entries named META-INF/maven/<groupId>/<artifactId>/pom.properties, sorted. */
  pomProperties: string[];
  /** The main section's Bundle-NativeCode, parsed; null when META-INF/MANIFEST.MF has none (or there is no manifest). */
  bundleNativeCode: BundleNativeCodeFacts | null;
  /** The zip's layout as Python zipfile reads it (scripts/corpus/inspect_archive.py zip_structure). */
  structure: ZipStructureFacts;
}

export interface ZipStructureFacts {
  /** Central directory records. */
  entries: number;
  /** Bytes before the first local header (a launch script, a stub). */
  leadingBytes: number;
  /** Of those, the bytes the recorded offsets do not count (a file prepended with cat rather than by the archiver). */
  offsetsUncounted: number;
  /** Names the central directory lists more than once. */
  duplicateNames: string[];
  /** Names whose central record points at a local header another record points at too. */
  sharedLocalHeaders: string[];
  /** Bytes between one entry's data and the next local header (or the central directory) that no header accounts for. */
  hiddenData: { after: string; bytes: number }[];
  /** Entries named like directories (trailing '/') whose Unix mode names another file type; zipfile and `jar` read them as directories. */
  directoriesWithOtherModes: { name: string; mode: string }[];
}

export interface JniFacts {
  /** Defined exports named Java_*. */
  javaExports: number;
  /** The classes those exports bind (decoded JNI mangling, dotted binary names), sorted, unique. */
  classes: string[];
  /** Of those, the ones no archive of the artifact holds as a class file (class-path view: BOOT-INF/classes/, WEB-INF/classes/, nested JARs). */
  missingClasses: string[];
  /** Java_* exports whose mangling does not decode. */
  undecodable: string[];
  /** A JNI_OnLoad export (dynamic RegisterNatives is possible). */
  jniOnLoad: boolean;
  /**
   * How the JNI exports (Java_*, JNI_OnLoad*) are spelled as stored, with the
   * name part elided: 'Java_…', '_Java_…@N' (MSVC stdcall), 'Java_…@N' (MinGW
   * stdcall without --kill-at) → count. Mach-O names without their C underscore.
   */
  spellings: Record<string, number>;
}

export interface JarCorpusNative extends NativeToolFacts {
  /** Entry path; inside a nested JAR 'outer.jar!/inner/path'. */
  path: string;
  /** The nested JAR holding it, '' for the artifact itself. */
  archive: string;
  sha256: string;
  size: number;
  /** By magic bytes (Python zipfile), never by name. */
  format: NativeFormat;
  /** ELF only (null otherwise): scripts/corpus/native-facts.ts libcOf's rule on the tool facts. */
  libc: ElfLibc;
  jni: JniFacts;
}

/**
 * What kind of defect: a library whose machine / class / byte order / float
 * ABI is not what its path (the loader's choice) needs ('placement'); a
 * Bundle-NativeCode header naming absent files or the wrong processor
 * ('bundle-native-code'); a glibc floor out of line with the other builds
 * ('glibc-floor'); a library nothing can bind to ('jni'); files the loader
 * never asks for ('stale').
 */
export type KnownDefectKind = 'placement' | 'bundle-native-code' | 'glibc-floor' | 'jni' | 'stale';

export interface KnownDefect {
  kind: KnownDefectKind;
  /** The entry the defect is about, when one is. */
  path: string | null;
  /** What is wrong, as the tools show it. */
  what: string;
}

export interface JarCorpusJar {
  /** groupId:artifactId:version[:classifier]. */
  coordinates: string;
  /** Absent for 'jar'. */
  extension?: string;
  /** The file name the repository layout gives it. */
  filename: string;
  sha256: string;
  size: number;
  why: string;
  /** Defects of the published artifact the facts show (checked by the script when recorded). */
  knownDefects: KnownDefect[];
  /** The artifact first, then each nested JAR (one level deep) in path order. */
  archives: JarCorpusArchive[];
  /** JARs inside nested JARs (not read by a launcher either). */
  deeperJars: string[];
  natives: JarCorpusNative[];
}

export interface JarCorpus {
  about: CorpusAbout;
  jars: JarCorpusJar[];
  /** Artifacts published together that a user combines (a JAR's classifier JARs): judged as one release. */
  releases: { name: string; coordinates: string[] }[];
}

export function readMavenCorpus(file = MAVEN_CORPUS_FILE): JarCorpus {
  return JSON.parse(readFileSync(file, 'utf8')) as JarCorpus;
}
