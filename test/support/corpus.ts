/**
 * The real-world corpus: pinned registry artifacts with facts read by
 * independent tools (test/corpus/*.json, copied from the team's shared corpus).
 * Artifacts are fetched once into cacheRoot()/corpus with `npm pack`, and the
 * sha256 is checked before anything reads them: a mismatch means the registry
 * served something else, which is reported, never papered over.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { extract } from 'tar-stream';
import { cacheRoot } from '../../src/cache-dir.ts';
import { repoRoot } from './fixture-builder.ts';

export interface CorpusBinaryFacts {
  path: string;
  format: 'elf' | 'macho' | 'pe';
  arch: string;
  libc?: 'glibc' | 'musl';
  needed?: string[];
  imports?: string[];
  max_glibc?: string;
  max_glibcxx?: string;
  macos_min?: string;
  signature?: string;
  runpath_or_rpath?: string;
  addon?: string;
  min_napi?: number;
  node_module_version?: number;
  runtime?: string;
}

export interface CorpusArtifact {
  spec: string;
  sha256: string;
  binaries: CorpusBinaryFacts[];
  /** package.json's os / cpu / libc, for a per-platform package. */
  claims?: { os: string; cpu: string; libc?: string };
  notes?: string;
}

export function npmCorpus(): CorpusArtifact[] {
  const data = JSON.parse(readFileSync(join(repoRoot, 'test/corpus/npm.json'), 'utf8')) as { artifacts: CorpusArtifact[] };
  return data.artifacts;
}

/** Where the shared corpus lives beside the checkout, if it does (development machines). */
export function sharedCorpusCopy(name: string): string | null {
  const p = join(repoRoot, '..', 'shared', 'corpus', name);
  return existsSync(p) ? p : null;
}

function sha256File(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Fetches an npm artifact into the cache (once) and returns the verified tarball path. */
export function fetchNpm(artifact: CorpusArtifact): string {
  const dir = join(cacheRoot(), 'corpus', 'npm');
  const file = join(dir, `${artifact.sha256}.tgz`);
  if (existsSync(file) && sha256File(file) === artifact.sha256) return file;
  const tmp = join(dir, `tmp-${process.pid}-${Date.now()}`);
  mkdirSync(tmp, { recursive: true });
  try {
    let out: string;
    try {
      out = execFileSync('npm', ['pack', artifact.spec, '--json', '--pack-destination', tmp], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 120_000,
      });
    } catch (e) {
      const err = e as { stderr?: string; message: string };
      throw new Error(`corpus: npm pack ${artifact.spec} failed (is the npm registry reachable?): ${err.stderr || err.message}`, { cause: e });
    }
    const [info] = JSON.parse(out) as { filename: string }[];
    if (!info) throw new Error(`corpus: npm pack ${artifact.spec} printed no file`);
    const got = join(tmp, info.filename);
    const sum = sha256File(got);
    if (sum !== artifact.sha256) {
      throw new Error(`corpus: ${artifact.spec} has sha256 ${sum}, the corpus pins ${artifact.sha256}: the registry served different bytes`);
    }
    renameSync(got, file);
    return file;
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

/** Reads the wanted members of a .tgz into memory (streamed; other members are skipped unread). */
export async function readTgzMembers(tgz: string, wanted: Set<string> | ((name: string) => boolean)): Promise<Map<string, Buffer>> {
  const want = typeof wanted === 'function' ? wanted : (name: string) => wanted.has(name);
  const found = new Map<string, Buffer>();
  const ex = extract();
  ex.on('entry', (header, stream, next) => {
    if (header.type === 'file' && want(header.name)) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => chunks.push(c as Buffer));
      stream.on('end', () => {
        found.set(header.name, Buffer.concat(chunks));
        next();
      });
    } else {
      stream.on('end', () => next());
      stream.resume();
    }
  });
  await pipeline(createReadStream(tgz), createGunzip(), ex);
  return found;
}
