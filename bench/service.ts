/**
 * The running service under load, on loopback: a real redis-server (unix
 * socket, AOF fsynced on every write, as the embedded default runs it), the
 * API, and in-process inspect workers (W audits at a time), all from the
 * built dist/ as shipped. N uploads of small real artifacts (wheels — the
 * fixtures' and, when the corpus cache has them, small real PyPI wheels —,
 * JARs, npm packages), C at a time, each a distinct byte string so the
 * result cache cannot answer; then every audit waited for until its verdict.
 *
 * The reference, measured in the same run: the same artifacts audited
 * directly in this process with auditFile(), one after another. The ratio
 * printed is the service's throughput per worker ÷ the direct throughput
 * (1.0 = the queue, the HTTP and the audit thread cost nothing).
 *
 * A second phase uploads the same bytes again (a fresh project): the reuse
 * path, where the worker answers from the earlier report.
 *
 * Fails (exit 1) if an accepted audit never finishes, an audit fails, or a
 * verdict differs from the direct audit's.
 *
 *   npm run bench -- service [--n=<24 × workers, at most 200>] [--c=16] [--workers=<cores>]
 *   (or BENCH_N, BENCH_C, BENCH_WORKERS in the environment)
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type * as AuditModule from '../src/audit/audit.ts';
import type * as ConfigModule from '../src/service/config.ts';
import type * as RedisModule from '../src/service/redis.ts';
import type * as ServeModule from '../src/service/serve.ts';
import { cacheRoot } from '../src/cache-dir.ts';
import { jniFixtures, JNI_LIBS } from '../test/fixtures/jni.ts';
import { linuxFixtures } from '../test/fixtures/linux.ts';
import { nodeAddonFixtures } from '../test/fixtures/node-addon.ts';
import { npmTarball, packageJson } from '../test/fixtures/npm.ts';
import { wheelFixtures } from '../test/fixtures/wheel.ts';
import { buildWheel } from '../test/support/wheel-builder.ts';
import { buildZip } from '../test/support/zip-writer.ts';

export interface ServiceBenchOptions {
  n?: number;
  c?: number;
  workers?: number;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ADMIN_TOKEN = 'bench-admin-token';

// ---------------------------------------------------------------- the build

function newestMtime(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const e of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, e)));
  return newest;
}

/** dist/ as shipped, rebuilt when a source is newer than it. */
function ensureBuilt(): void {
  const marker = join(ROOT, 'dist/src/cli.js');
  const sources = ['src', 'workers', 'package.json', 'tsconfig.json', 'tsconfig.build.json'].map((p) => join(ROOT, p));
  if (existsSync(marker) && statSync(marker).mtimeMs >= Math.max(...sources.map(newestMtime))) return;
  console.log('  building dist/ (npm run build)…');
  const r = spawnSync('npm', ['run', '--silent', 'build'], { cwd: ROOT, encoding: 'utf8' });
  if (r.status !== 0) {
    // tsc emits despite type errors; a half-edited tree elsewhere should not stop a measurement of what was emitted.
    if (!existsSync(join(ROOT, 'dist/src/service/serve.js'))) throw new Error(`npm run build failed: ${r.stdout}${r.stderr}`);
    console.warn(`  warning: npm run build reported errors; measuring the dist/ it emitted:\n${(r.stdout + r.stderr).split('\n').slice(0, 5).join('\n')}`);
  }
}

const fromDist = async <T>(rel: string): Promise<T> => (await import(pathToFileURL(join(ROOT, 'dist', rel)).href)) as T;

// ---------------------------------------------------------------- artifacts

interface Template {
  kind: string;
  name: string;
  /** The artifact's bytes, different for every i. */
  make(i: number): Buffer;
}

interface Artifact {
  kind: string;
  name: string;
  bytes: Buffer;
}

const M217 = 'cp311-cp311-manylinux_2_17_x86_64';
const SO = 'demo/_ext.cpython-311-x86_64-linux-gnu.so';
const MANIFEST = 'Manifest-Version: 1.0\r\nCreated-By: distaudit bench\r\n\r\n';

/** The same zip with its end record's comment set: different bytes, the same entries. */
function withZipComment(zip: Buffer, comment: string): Buffer {
  for (let at = zip.length - 22; at >= Math.max(0, zip.length - 22 - 0xffff); at--) {
    if (zip.readUInt32LE(at) === 0x06054b50 && at + 22 + zip.readUInt16LE(at + 20) === zip.length) {
      const text = Buffer.from(comment);
      const eocd = Buffer.from(zip.subarray(at, at + 22));
      eocd.writeUInt16LE(text.length, 20);
      return Buffer.concat([zip.subarray(0, at), eocd, text]);
    }
  }
  throw new Error('no zip end record');
}

/** Small real PyPI wheels from the corpus cache, if it is there (test/support/pypi.ts fills it). */
function corpusWheels(max: number): Template[] {
  const dir = join(cacheRoot(), 'corpus', 'pypi');
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith('.whl'))
    .map((f) => ({ f, size: statSync(join(dir, f)).size }))
    .filter((w) => w.size <= 300 * 1024)
    .sort((a, b) => a.size - b.size)
    .slice(0, max)
    .map(({ f }) => {
      const bytes = readFileSync(join(dir, f));
      return { kind: 'wheel (PyPI)', name: f, make: (i: number) => withZipComment(bytes, `distaudit bench variant ${i}`) };
    });
}

function templates(): Template[] {
  const wheelFx = wheelFixtures();
  const ext = readFileSync(wheelFx['ext-x86_64-glibc.so']);
  const tooNew = readFileSync(linuxFixtures()['ext-new.so']!);
  const napi = readFileSync(nodeAddonFixtures()['gyp/declared9.node']);
  const jni = readFileSync(jniFixtures()[JNI_LIBS.linuxX64]!);
  const wheel = (version: string, so: Buffer): Template => {
    const make = (i: number) => buildWheel({ tag: M217, version, files: { 'demo/__init__.py': `# bench variant ${i}\n`, [SO]: so } });
    return { kind: 'wheel', name: make(0).filename, make: (i) => make(i).bytes };
  };
  return [
    wheel('1.0', ext),
    wheel('2.0', tooNew),
    {
      kind: 'jar',
      name: 'demo-jni-1.0.jar',
      make: (i) => buildZip({ entries: [{ name: 'META-INF/MANIFEST.MF', data: MANIFEST }, { name: JNI_LIBS.linuxX64, data: jni }, { name: 'demo/bench.txt', data: `variant ${i}\n` }] }),
    },
    {
      kind: 'npm',
      name: 'demo-addon-1.2.3.tgz',
      make: (i) =>
        npmTarball({
          'package.json': packageJson({ os: ['linux'], cpu: ['x64'], description: `bench variant ${i}` }),
          'index.js': 'module.exports = 1\n',
          'prebuilds/linux-x64/demo.node': napi,
        }),
    },
    ...corpusWheels(3),
  ];
}

// ---------------------------------------------------------------- statistics

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const ms = (v: number) => (v >= 10_000 ? `${(v / 1000).toFixed(1)} s` : `${v.toFixed(0)} ms`);

/** Runs `task` over 0..n-1 with at most `c` in flight. */
async function pool(n: number, c: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(c, n) }, async () => {
      while (next < n) await task(next++);
    }),
  );
}

// ---------------------------------------------------------------- one phase over HTTP

interface AuditState {
  id: string;
  state: string;
  verdict: string | null;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  reusedFrom: string | null;
}

interface PhaseResult {
  accepted: number;
  rejected: number;
  finished: number;
  failed: number;
  wrongVerdict: number;
  reused: number;
  /** First upload sent → last verdict (server clock, same host). */
  wallMs: number;
  uploadsWallMs: number;
  uploadMs: number[];
  verdictMs: number[];
  /** Record created → a worker took it; a worker took it → verdict. */
  queuedMs: number[];
  runMs: number[];
  errors: string[];
}

async function phase(url: string, token: string, artifacts: Artifact[], expected: (string | null)[], c: number, timeoutMs: number): Promise<PhaseResult> {
  const auth = { authorization: `Bearer ${token}` };
  const sentAt: number[] = [];
  const ids: (string | null)[] = artifacts.map(() => null);
  const uploadMs: number[] = [];
  const errors: string[] = [];
  let rejected = 0;
  let lastAccepted = 0;
  const t0 = Date.now();

  await pool(artifacts.length, c, async (i) => {
    const a = artifacts[i]!;
    const form = new FormData();
    form.append('file', new Blob([a.bytes]), a.name);
    sentAt[i] = Date.now();
    const started = performance.now();
    try {
      const res = await fetch(`${url}/v1/audits`, { method: 'POST', headers: auth, body: form });
      const body = await res.text();
      if (res.status !== 202) throw new Error(`HTTP ${res.status} ${body.slice(0, 200)}`);
      ids[i] = (JSON.parse(body) as { audits: { id: string }[] }).audits[0]!.id;
      uploadMs.push(performance.now() - started);
      lastAccepted = Date.now();
    } catch (e) {
      rejected++;
      if (errors.length < 5) errors.push(`upload ${i} (${a.name}): ${(e as Error).message}`);
    }
  });

  // Every audit until it ends: the project's list, a cheap poll (one request, every record); ids it no longer holds, one by one.
  const states = new Map<string, AuditState>();
  const pending = new Set(ids.filter((id): id is string => id !== null));
  const deadline = Date.now() + timeoutMs;
  while (pending.size > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 100));
    const res = await fetch(`${url}/v1/audits?limit=${Math.min(500, artifacts.length)}`, { headers: auth });
    const seen = res.ok ? ((await res.json()) as { audits: AuditState[] }).audits : [];
    const listed = new Set<string>();
    for (const a of seen) {
      listed.add(a.id);
      if (pending.has(a.id) && (a.state === 'done' || a.state === 'failed')) {
        states.set(a.id, a);
        pending.delete(a.id);
      }
    }
    const unlisted = [...pending].filter((id) => !listed.has(id));
    await pool(unlisted.length, 8, async (k) => {
      const id = unlisted[k]!;
      const a = (await (await fetch(`${url}/v1/audits/${id}`, { headers: auth })).json()) as AuditState;
      if (a.state === 'done' || a.state === 'failed') states.set(id, a);
    });
    for (const id of states.keys()) pending.delete(id);
  }

  const verdictMs: number[] = [];
  const queuedMs: number[] = [];
  const runMs: number[] = [];
  let failed = 0;
  let wrongVerdict = 0;
  let reused = 0;
  let lastFinished = t0;
  ids.forEach((id, i) => {
    const a = id ? states.get(id) : undefined;
    if (!a) return;
    if (a.finishedAt !== null) {
      verdictMs.push(a.finishedAt - sentAt[i]!);
      lastFinished = Math.max(lastFinished, a.finishedAt);
      if (a.startedAt !== null) {
        queuedMs.push(a.startedAt - a.createdAt);
        runMs.push(a.finishedAt - a.startedAt);
      }
    }
    if (a.reusedFrom) reused++;
    if (a.state === 'failed') {
      failed++;
      if (errors.length < 5) errors.push(`audit ${id} (${artifacts[i]!.name}) failed`);
    } else if (a.verdict !== expected[i]) {
      wrongVerdict++;
      if (errors.length < 5) errors.push(`audit ${id} (${artifacts[i]!.name}): verdict ${a.verdict}, the direct audit says ${expected[i]}`);
    }
  });
  const accepted = ids.filter((id) => id !== null).length;
  return {
    accepted,
    rejected,
    finished: states.size,
    failed,
    wrongVerdict,
    reused,
    wallMs: lastFinished - t0,
    uploadsWallMs: lastAccepted - t0,
    uploadMs: uploadMs.sort((x, y) => x - y),
    verdictMs: verdictMs.sort((x, y) => x - y),
    queuedMs: queuedMs.sort((x, y) => x - y),
    runMs: runMs.sort((x, y) => x - y),
    errors,
  };
}

function report(title: string, r: PhaseResult, n: number): { auditsPerS: number } {
  const auditsPerS = r.finished / (r.wallMs / 1000);
  console.log(`  ${title}`);
  console.log(`    wall time              ${ms(r.wallMs)} (first upload sent → last verdict)`);
  console.log(`    throughput             ${auditsPerS.toFixed(1)} audits/s, ${(r.accepted / (r.uploadsWallMs / 1000)).toFixed(1)} uploads/s`);
  console.log(`    upload latency         p50 ${ms(percentile(r.uploadMs, 50))}   p95 ${ms(percentile(r.uploadMs, 95))}   (POST → 202)`);
  console.log(
    `    upload → verdict       p50 ${ms(percentile(r.verdictMs, 50))}   p95 ${ms(percentile(r.verdictMs, 95))}   max ${ms(r.verdictMs.at(-1) ?? NaN)}`,
  );
  console.log(
    `      of which queued      p50 ${ms(percentile(r.queuedMs, 50))}   p95 ${ms(percentile(r.queuedMs, 95))};   in the worker p50 ${ms(percentile(r.runMs, 50))}   p95 ${ms(percentile(r.runMs, 95))}`,
  );
  console.log(
    `    accepted ${r.accepted}/${n}, finished ${r.finished}, lost ${r.accepted - r.finished}, failed ${r.failed}, wrong verdict ${r.wrongVerdict}, rejected uploads ${r.rejected}, reused ${r.reused}`,
  );
  for (const e of r.errors) console.log(`    ! ${e}`);
  return { auditsPerS };
}

const positive = (name: string, v: string | number | undefined, fallback: number): number => {
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, not ${JSON.stringify(v)}`);
  return n;
};

// ---------------------------------------------------------------- the benchmark

export async function serviceBench(options: ServiceBenchOptions = {}): Promise<boolean> {
  const c = positive('--c', options.c ?? process.env.BENCH_C, 16);
  const workers = positive('--workers', options.workers ?? process.env.BENCH_WORKERS, os.availableParallelism());
  // Each fresh audit costs its thread ~0.5 s of module loading (see the ratio printed), so N scales with the
  // workers to keep the default run near a minute on 2 cores; --n=200 is the full run (about 2.5 minutes there).
  const n = positive('--n', options.n ?? process.env.BENCH_N, Math.min(200, 24 * workers));

  ensureBuilt();
  const { auditFile } = await fromDist<typeof AuditModule>('src/audit/audit.js');
  const { configFromEnv } = await fromDist<typeof ConfigModule>('src/service/config.js');
  const { startEmbeddedRedis } = await fromDist<typeof RedisModule>('src/service/redis.js');
  const { startService } = await fromDist<typeof ServeModule>('src/service/serve.js');

  const kinds = templates();
  const artifacts: Artifact[] = Array.from({ length: n }, (_, i) => {
    const t = kinds[i % kinds.length]!;
    return { kind: t.kind, name: t.name, bytes: t.make(i) };
  });
  const distinct = new Set(artifacts.map((a) => a.bytes.toString('base64'))).size;
  if (distinct !== n) throw new Error(`only ${distinct} of ${n} artifacts are distinct`);
  const totalKb = artifacts.reduce((s, a) => s + a.bytes.length, 0) / 1024;

  const cpus = os.cpus();
  console.log(`service on loopback: ${n} uploads, ${c} at a time, ${workers} inspect worker${workers === 1 ? '' : 's'} (audits at a time) in the API process`);
  console.log(`  machine: ${os.availableParallelism()} cores, ${cpus[0]?.model.trim() ?? 'unknown CPU'}; Node ${process.version}; dist/ as built`);
  const mix = new Map<string, number>();
  for (const a of artifacts) mix.set(`${a.kind} ${a.name}`, (mix.get(`${a.kind} ${a.name}`) ?? 0) + 1);
  console.log(`  artifacts: ${n} distinct, ${(totalKb / n).toFixed(0)} KiB on average; ${[...mix].map(([k, v]) => `${v}× ${k}`).join(', ')}`);

  const dir = mkdtempSync(join(os.tmpdir(), 'distaudit-bench-service-'));
  try {
    // The reference: the same artifacts, audited in this process one after another (also the verdicts to expect).
    const files = join(dir, 'files');
    mkdirSync(files);
    const paths = artifacts.map((a, i) => {
      const p = join(files, `${i}-${a.name}`);
      writeFileSync(p, a.bytes);
      return p;
    });
    await auditFile(paths[0]!, { fileName: artifacts[0]!.name }); // loaded and warm, as a long-running worker is
    const expected: string[] = [];
    const d0 = performance.now();
    for (let i = 0; i < n; i++) expected.push((await auditFile(paths[i]!, { fileName: artifacts[i]!.name })).overall.verdict);
    const directMs = performance.now() - d0;
    const directPerS = n / (directMs / 1000);
    const verdicts = new Map<string, number>();
    for (const v of expected) verdicts.set(v, (verdicts.get(v) ?? 0) + 1);
    console.log(`  direct auditFile(), one after another: ${ms(directMs)}, ${directPerS.toFixed(1)} audits/s (verdicts: ${[...verdicts].map(([k, v]) => `${v} ${k}`).join(', ')})`);

    const redis = await startEmbeddedRedis(join(dir, 'redis'));
    const config = configFromEnv(
      { DISTAUDIT_DATA: join(dir, 'data') },
      { port: 0, redisUrl: `unix://${redis.target.path}`, adminToken: ADMIN_TOKEN, inProcessWorkers: true, rateLimitPerMinute: 1_000_000 },
    );
    const service = await startService(config, {
      logger: false,
      tuning: { concurrency: workers, lockDurationMs: 30_000, stalledIntervalMs: 30_000 },
    });
    let ok = false;
    try {
      const project = async (name: string): Promise<string> => {
        const res = await fetch(`${service.url}/v1/projects`, {
          method: 'POST',
          headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
          body: JSON.stringify({ name }),
        });
        if (res.status !== 201) throw new Error(`creating project ${name}: HTTP ${res.status} ${await res.text()}`);
        return ((await res.json()) as { token: string }).token;
      };
      const timeoutMs = Math.max(120_000, n * 2_000);

      // One project for both phases: reports are reused only within a project.
      const token = await project('bench');
      const fresh = await phase(service.url, token, artifacts, expected, c, timeoutMs);
      const s = report(`fresh bytes (every upload audited)`, fresh, n);
      const perWorker = s.auditsPerS / workers;
      console.log(
        `    per worker             ${perWorker.toFixed(2)} audits/s ÷ direct ${directPerS.toFixed(1)} audits/s = ${(perWorker / directPerS).toFixed(3)}× (1.0: the service adds nothing; 1/${(directPerS / perWorker).toFixed(1)})`,
      );

      const again = await phase(service.url, token, artifacts, expected, c, timeoutMs);
      const r = report(`the same bytes again (reuse of the earlier reports)`, again, n);
      console.log(`    reuse vs fresh         ${(r.auditsPerS / s.auditsPerS).toFixed(1)}× the throughput; p50 upload → verdict ${ms(percentile(again.verdictMs, 50))} vs ${ms(percentile(fresh.verdictMs, 50))}`);

      const bad = [fresh, again].some((p) => p.accepted !== n || p.finished !== p.accepted || p.failed > 0 || p.wrongVerdict > 0);
      const notReused = again.reused !== again.finished;
      if (notReused) console.log(`  ! ${again.finished - again.reused} re-uploads were audited again instead of reusing the report`);
      ok = !bad && !notReused;
      console.log(`  ${ok ? 'ok: nothing lost, failed or wrong' : 'NOT ok: see above'}`);
    } finally {
      await service.stop(5000);
      await redis.stop();
    }
    return ok;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
