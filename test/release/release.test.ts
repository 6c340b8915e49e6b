/**
 * A release judged as a whole: the coverage matrix, the common platforms left
 * uncovered, version skew, mixed projects, and npm platform packages that are
 * missing or pinned to another version.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { auditRelease, judgeRelease } from '../../src/release/release.ts';
import { COMMON_PLATFORMS } from '../../src/target.ts';
import { renderReleaseMarkdown, renderReleaseText } from '../../src/release/render.ts';
import type { Report } from '../../src/report/schema.ts';
import { main, EXIT } from '../../src/cli.ts';
import { buildWheel, type WheelSpec } from '../support/wheel-builder.ts';
import { repoRoot } from '../support/fixture-builder.ts';
import { elfFixtures } from '../fixtures/elf.ts';

const dir = mkdtempSync(join(tmpdir(), 'distaudit-release-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

function wheel(spec: WheelSpec): string {
  const w = buildWheel(spec);
  const path = join(dir, w.filename);
  writeFileSync(path, w.bytes);
  return path;
}

const so = () => readFileSync(elfFixtures()['hash-both.so']!);

/** A minimal report for judgeRelease: one platform per target, with a verdict. */
function report(file: string, platforms: [string, string, string | null, 'pass' | 'warn' | 'fail'][], identity: Partial<Pick<Report, 'wheel' | 'npm'>> = {}): Report {
  const targets = platforms.map(([os, arch, libc], i) => ({
    id: `t${i}`,
    os: os as Report['targets'][number]['os'],
    arch: arch as Report['targets'][number]['arch'],
    libc: libc ? { kind: libc as 'glibc' | 'musl', minVersion: null } : null,
    minOs: null,
    policy: null,
    python: null,
    node: null,
    claims: [],
  }));
  return {
    schemaVersion: 1,
    tool: { name: 'distaudit', version: '0' },
    artifact: { file, kind: 'wheel', size: 0, sha256: '' },
    targets,
    binaries: [],
    findings: [],
    verdicts: platforms.map(([, , , v], i) => ({ target: `t${i}`, verdict: v, errors: 0, warnings: 0, infos: 0 })),
    overall: { verdict: 'pass', errors: 0, warnings: 0, infos: 0 },
    checksRun: [],
    durationMs: 0,
    ...identity,
  };
}

const wheelId = (distribution: string, version: string) => ({ wheel: { distribution, version, tags: [], pure: false, deservedPlatformTags: null } });

test('the matrix has one row per platform and one column per artifact; a platform an artifact does not claim is null', () => {
  const { matrix } = judgeRelease([
    report('a.whl', [['linux', 'x86_64', 'glibc', 'pass']], wheelId('demo', '1.0')),
    report('b.whl', [['linux', 'arm64', 'glibc', 'fail'], ['linux', 'arm64', 'glibc', 'pass']], wheelId('demo', '1.0')),
  ]);
  assert.deepEqual(matrix.platforms, ['linux-arm64-glibc', 'linux-x86_64-glibc']);
  assert.deepEqual(matrix.artifacts, ['a.whl', 'b.whl']);
  // The worst verdict of an artifact's targets on one platform.
  assert.deepEqual(matrix.cells, [
    [null, 'fail'],
    ['pass', null],
  ]);
});

test('release.missing-platform names each common platform no artifact covers', () => {
  const { findings } = judgeRelease([report('a.whl', [['linux', 'x86_64', 'glibc', 'pass'], ['macos', 'arm64', null, 'pass']], wheelId('demo', '1.0'))]);
  const missing = findings.filter((f) => f.check === 'release.missing-platform').map((f) => f.evidence.platform);
  assert.deepEqual(missing, COMMON_PLATFORMS.filter((p) => p !== 'linux-x86_64-glibc' && p !== 'macos-arm64'));
  assert.ok(findings.every((f) => f.severity === 'warning'));
  // A pure release (no native platform) has no gaps.
  assert.deepEqual(judgeRelease([report('a.whl', [], wheelId('demo', '1.0'))]).findings, []);
  // The hint names what to build in the release's own kind of artifact.
  const hint = (r: Report) => judgeRelease([r]).findings.find((f) => f.evidence.platform === 'windows-arm64')!.hint;
  assert.equal(hint(report('a.whl', [['linux', 'x86_64', 'glibc', 'pass']])), 'Build for windows-arm64 too (e.g. a win_arm64 wheel), or document that it is not supported.');
  const jar = { ...report('a.jar', [['linux', 'x86_64', 'glibc', 'pass']]), artifact: { file: 'a.jar', kind: 'jar' as const, size: 0, sha256: '' } };
  assert.equal(hint(jar), 'Build for windows-arm64 too (e.g. a windows-aarch64 DLL), or document that it is not supported.');
});

test('release.version-skew and release.mixed-projects', () => {
  const skew = judgeRelease([report('a.whl', [], wheelId('demo', '1.0')), report('b.whl', [], wheelId('demo', '1.1'))]).findings;
  assert.deepEqual(skew.map((f) => f.check), ['release.version-skew']);
  assert.match(skew[0]!.message, /a\.whl is 1\.0, b\.whl is 1\.1/);
  const mixed = judgeRelease([report('a.whl', [], wheelId('demo', '1.0')), report('b.whl', [], wheelId('other', '1.0'))]).findings;
  assert.deepEqual(mixed.map((f) => f.check), ['release.mixed-projects']);
  // Spellings of one name are one project.
  assert.deepEqual(judgeRelease([report('a.whl', [], wheelId('My_Demo', '1.0')), report('b.whl', [], wheelId('my-demo', '1.0'))]).findings, []);
});

test('npm: every platform package the root pins is in the release at exactly the pinned version', () => {
  const npm = (name: string, version: string, platformPackages: Record<string, string> = {}) => ({ npm: { name, version, layouts: [], platformPackages, engines: null } });
  const root = report('demo-1.0.0.tgz', [], npm('demo', '1.0.0', { 'demo-linux-x64-gnu': '1.0.0', 'demo-darwin-arm64': '1.0.0' }));
  const linux = report('demo-linux-x64-gnu-1.0.0.tgz', [], npm('demo-linux-x64-gnu', '1.0.0'));
  const darwinOld = report('demo-darwin-arm64-0.9.0.tgz', [], npm('demo-darwin-arm64', '0.9.0'));
  const complete = judgeRelease([root, linux, report('demo-darwin-arm64-1.0.0.tgz', [], npm('demo-darwin-arm64', '1.0.0'))]).findings;
  assert.deepEqual(complete, [], 'platform packages pinned by the root are not another project');
  const gaps = judgeRelease([root, linux]).findings;
  assert.deepEqual(gaps.map((f) => [f.check, f.evidence.package]), [['release.missing-package', 'demo-darwin-arm64']]);
  const skewed = judgeRelease([root, linux, darwinOld]).findings.map((f) => f.check);
  assert.ok(skewed.includes('release.pin-mismatch') && skewed.includes('release.version-skew'), JSON.stringify(skewed));
});

test('end to end: the wheels of one release, audited together, validate against docs/release.schema.json', async () => {
  const x86 = wheel({ tag: 'py3-none-manylinux_2_17_x86_64', files: { 'demo/__init__.py': '', 'demo/libx.so': so() } });
  const arm = wheel({ tag: 'py3-none-manylinux_2_17_aarch64', files: { 'demo/__init__.py': '' } });
  const r = await auditRelease([x86, arm]);
  assert.equal(r.artifacts.length, 2);
  assert.deepEqual(r.matrix.platforms, ['linux-arm64-glibc', 'linux-x86_64-glibc']);
  assert.equal(r.findings.filter((f) => f.check === 'release.missing-platform').length, COMMON_PLATFORMS.length - 2);
  const ajv = new Ajv2020({ strict: false });
  const validate = ajv.compile(JSON.parse(readFileSync(join(repoRoot, 'docs/release.schema.json'), 'utf8')));
  assert.ok(validate(JSON.parse(JSON.stringify(r))), JSON.stringify(validate.errors));
  const text = renderReleaseText(r);
  assert.match(text, /linux-arm64-glibc +\S+ +\S+/);
  assert.match(text, /\[1\] demo-1\.0-py3-none-manylinux_2_17_x86_64\.whl/);
  assert.match(renderReleaseMarkdown(r), /\| `linux-x86_64-glibc` \| \S+ \| — \|/);
});

test('the release command: formats, gate and exit codes', async () => {
  const a = wheel({ tag: 'py3-none-manylinux_2_17_x86_64', version: '2.0', files: { 'demo/__init__.py': '' } });
  const b = wheel({ tag: 'py3-none-manylinux_2_17_aarch64', version: '2.1', files: { 'demo/__init__.py': '' } });
  let out = '';
  let err = '';
  const run = (...args: string[]) => main(args, (s) => (out += s), (s) => (err += s));
  assert.equal(await run('release', a, b), EXIT.failed, 'version skew is an error');
  assert.match(out, /release\.version-skew/);
  out = '';
  assert.equal(await run('release', '--fail-on', 'never', '--format', 'json', a, b), EXIT.ok);
  assert.equal((JSON.parse(out) as { artifacts: unknown[] }).artifacts.length, 2);
  assert.equal(await run('release'), EXIT.usage);
  assert.equal(await run('release', '--format', 'sarif', a), EXIT.usage);
  assert.equal(await run('release', join(dir, 'missing.whl')), EXIT.usage);
  assert.match(err, /no such file/);
});
