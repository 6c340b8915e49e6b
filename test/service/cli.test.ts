/**
 * The service from the command line: `distaudit serve` with nothing set
 * starts the embedded default (a private redis-server, in-process workers, a
 * default project) and stops cleanly on SIGTERM; `distaudit submit` uploads,
 * waits and exits with the verdict, as `distaudit audit` would.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main, EXIT } from '../../src/cli.ts';
import { repoRoot } from '../support/fixture-builder.ts';
import { startTestService, type TestService } from './harness.ts';
import { serviceArtifacts } from './artifacts.ts';
import { loadArtifact } from '../fixtures/load-artifacts.ts';
import type { Report } from '../../src/report/schema.ts';

const arts = serviceArtifacts();
let svc: TestService;
let token: string;
let dir: string;
const files: Record<string, string> = {};

before(async () => {
  svc = await startTestService();
  token = (await svc.project('cli')).token;
  dir = mkdtempSync(join(tmpdir(), 'distaudit-submit-'));
  for (const [k, a] of Object.entries(arts)) {
    // One directory per artifact: two of them share a file name.
    mkdirSync(join(dir, k));
    files[k] = join(dir, k, a.name);
    writeFileSync(files[k], a.bytes);
  }
});
after(async () => {
  await svc?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function run(...args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(args, (s) => (out += s), (s) => (err += s + '\n'));
  return { code, out, err };
}

test('submit uploads, waits for the verdict and exits as audit would', async () => {
  const pass = await run('submit', '--server', svc.url, '--token', token, '--fail-on', 'error', files.npm!);
  assert.equal(pass.code, EXIT.ok, pass.err);
  assert.match(pass.out, /WARN/);
  assert.match(pass.err, /submitted 1 artifact/);
  assert.match(pass.err, /done: warn/);

  const strict = await run('submit', '--server', svc.url, '--token', token, '--fail-on', 'warning', '--quiet', files.npm!);
  assert.equal(strict.code, EXIT.failed);
  assert.equal(strict.err, '');

  const fail = await run('submit', '--server', svc.url, '--token', token, '--format', 'json', files.wheelTooNew!, files.jar!);
  assert.equal(fail.code, EXIT.failed);
  const reports = JSON.parse(fail.out) as { artifact: { file: string }; overall: { verdict: string } }[];
  assert.deepEqual(reports.map((r) => [r.artifact.file, r.overall.verdict]), [[arts.wheelTooNew.name, 'fail'], [arts.jar.name, 'warn']]);

  const sarif = await run('submit', '--server', svc.url, '--token', token, '--format', 'sarif', '--fail-on', 'never', '--output', join(dir, 'out.sarif'), files.wheelTooNew!);
  assert.equal(sarif.code, EXIT.ok);
  assert.equal((JSON.parse(readFileSync(join(dir, 'out.sarif'), 'utf8')) as { version: string }).version, '2.1.0');
});

test('submit --release judges the files as one release', async () => {
  const r = await run('submit', '--server', svc.url, '--token', token, '--release', 'demo 1.0', '--format', 'json', '--fail-on', 'never', files.wheel!, files.npm!);
  assert.equal(r.code, EXIT.ok, r.err);
  const report = JSON.parse(r.out) as { name: string; matrix: { artifacts: string[] } };
  assert.equal(report.name, 'demo 1.0');
  assert.equal(report.matrix.artifacts.length, 2);
});

test('submit says why it cannot proceed', async () => {
  const bad = await run('submit', '--server', svc.url, '--token', 'dat_wrong', files.npm!);
  assert.equal(bad.code, EXIT.usage);
  assert.match(bad.err, /HTTP 401: the API token is not valid/);
  const down = await run('submit', '--server', 'http://127.0.0.1:9', '--token', token, files.npm!);
  assert.equal(down.code, EXIT.usage);
  assert.match(down.err, /cannot reach http:\/\/127\.0\.0\.1:9/);
  assert.equal((await run('submit', '--server', svc.url, files.npm!)).code, EXIT.usage, 'no token');
  assert.equal((await run('submit', '--server', svc.url, '--token', token, join(dir, 'missing.whl'))).code, EXIT.usage);
  assert.equal((await run('submit', '--server', svc.url, '--token', token, '--previous', 'x', files.npm!)).code, EXIT.usage);
});

test('serve with nothing set starts the embedded default (loads included), and stops on SIGTERM', { timeout: 20 * 60_000 }, async () => {
  const data = mkdtempSync(join(tmpdir(), 'distaudit-serve-'));
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli.ts', 'serve', '--port', '0', '--data', data], {
    cwd: repoRoot,
    env: { ...process.env, REDIS_URL: '', DISTAUDIT_ADMIN_TOKEN: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c));
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  try {
    const deadline = Date.now() + 30_000;
    while (!/listening on (http:\S+)/.test(stderr)) {
      assert.ok(Date.now() < deadline, `serve did not start: ${stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    const url = /listening on (http:\S+)/.exec(stderr)![1]!;
    const credentials = join(data, 'default-project.json');
    assert.equal(statSync(credentials).mode & 0o777, 0o600);
    assert.equal(statSync(join(data, 'admin-token')).mode & 0o777, 0o600);
    assert.ok(existsSync(join(data, 'redis', 'redis.sock')), 'a private redis-server on a unix socket');
    const { token: defaultToken } = JSON.parse(readFileSync(credentials, 'utf8')) as { token: string };
    // A real extension module (the static fixtures' modules only export PyInit): the embedded default loads it too.
    const r = await run('submit', '--server', url, '--token', defaultToken, '--format', 'json', loadArtifact('wheel-cp311').file);
    assert.equal(r.code, EXIT.ok, r.err);
    const report = JSON.parse(r.out) as Report;
    assert.equal(report.overall.verdict, 'pass');
    assert.deepEqual(
      report.loads?.outcomes.filter((o) => o.status !== 'not-run').map((o) => [o.image, o.status]),
      [['debian-bookworm-amd64', 'passed']],
    );
    assert.ok(existsSync(join(data, 'redis', 'appendonlydir')), 'Redis persists to an append-only file');
  } finally {
    child.kill('SIGTERM');
    assert.equal(await exited, 0, stderr);
    rmSync(data, { recursive: true, force: true });
  }
  assert.match(stderr, /stopping/);
});
