/**
 * Which loads are planned, and why the others are not: real static reports
 * of real artifacts, planned against manifests shaped like the five images
 * (the manifests are the planner's input data; the image tests check that the
 * real images have these facts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditFile } from '../../src/audit/audit.ts';
import { planLoads, pythonModuleName } from '../../src/load/plan.ts';
import { predictingFinding } from '../../src/load/predict.ts';
import type { ImageManifest } from '../../src/load/types.ts';
import { serviceArtifacts } from '../service/artifacts.ts';

function manifest(id: ImageManifest['id'], arch: 'x86_64' | 'arm64', libc: ['glibc' | 'musl', string], py: [string, string] | null, node: [string, number, number] | null, java: number | null): ImageManifest {
  return {
    format: 1,
    id,
    title: id,
    arch,
    libc: { kind: libc[0], version: libc[1] },
    emulated: arch === 'arm64',
    runtimes: {
      python: py ? { version: py[0], tag: py[1], path: '/usr/bin/python3', extSuffix: `.${py[1]}.so` } : null,
      node: node ? { version: node[0], moduleVersion: node[1], napi: node[2], path: '/usr/bin/node' } : null,
      java: java ? { version: `${java}.0.1`, major: java, path: '/usr/bin/java' } : null,
    },
    sources: {},
    builtAt: '',
    buildSeconds: 0,
    size: 0,
    packedSize: 0,
  };
}

const IMAGES = [
  manifest('debian-bullseye-amd64', 'x86_64', ['glibc', '2.31'], ['3.9.2', 'cp39'], ['12.22.12', 72, 8], 11),
  manifest('debian-bookworm-amd64', 'x86_64', ['glibc', '2.36'], ['3.11.2', 'cp311'], ['18.20.4', 108, 9], 17),
  manifest('debian-trixie-amd64', 'x86_64', ['glibc', '2.41'], ['3.13.5', 'cp313'], ['20.19.2', 115, 9], 21),
  manifest('musl-amd64', 'x86_64', ['musl', '1.2.3'], ['3.11.4', 'cp311'], null, null),
  manifest('debian-bookworm-arm64', 'arm64', ['glibc', '2.36'], ['3.11.2', 'cp311'], ['18.20.4', 108, 9], 17),
];

const arts = serviceArtifacts();
const dir = mkdtempSync(join(tmpdir(), 'plan-'));
async function reportOf(a: { name: string; bytes: Buffer }) {
  const file = join(dir, a.name);
  writeFileSync(file, a.bytes);
  return auditFile(file);
}

const rows = (plan: ReturnType<typeof planLoads>) => plan.map((p) => [p.image, p.probe, p.notRun ?? 'run']);

test('a cp311 manylinux wheel is imported by Python 3.11 only; 3.9 and 3.13 are not-run, saying why', async () => {
  const plan = planLoads(await reportOf(arts.wheel), IMAGES);
  assert.deepEqual(
    rows(plan).map(([i, p, r]) => [i, p, r === 'run' ? 'run' : String(r).replace(/.*the extension is built for (cp\d+).*/, 'not-run $1')]),
    [
      ['debian-bullseye-amd64', 'python', 'not-run cp311'],
      ['debian-bookworm-amd64', 'python', 'run'],
      ['debian-trixie-amd64', 'python', 'not-run cp311'],
    ],
  );
  assert.equal(plan.find((p) => !p.notRun)!.module, 'demo._ext');
});

test('an N-API prebuild in linux-x64/ is loaded by every glibc x86_64 Node, and on musl by the N-API harness (node-gyp-build picks it there too); arm64 does not stand for it', async () => {
  const plan = planLoads(await reportOf(arts.npm), IMAGES);
  assert.deepEqual(rows(plan), [
    ['debian-bullseye-amd64', 'node', 'run'],
    ['debian-bookworm-amd64', 'node', 'run'],
    ['debian-trixie-amd64', 'node', 'run'],
    ['musl-amd64', 'node', 'run'],
  ]);
});

test('a JNI library is loaded with System.load where the image has Java', async () => {
  const plan = planLoads(await reportOf(arts.jar), IMAGES);
  const run = plan.filter((p) => !p.notRun);
  assert.ok(run.length >= 3);
  assert.ok(run.every((p) => p.probe === 'java'));
});

test('targets no image here can stand for are not-run with the reason, never dropped', async () => {
  const report = await reportOf(arts.wheel);
  const plan = planLoads(report, IMAGES.filter((i) => i.arch === 'arm64'));
  assert.equal(plan.length, 1);
  assert.equal(plan[0]!.image, null);
  assert.match(plan[0]!.notRun!, /no image for linux-x86_64-glibc here \(images: debian-bookworm-arm64\)/);
});

test('an image older than the target\'s glibc floor does not stand for it', async () => {
  const report = await reportOf(arts.wheel);
  const target = { ...report.targets[0]!, libc: { kind: 'glibc' as const, minVersion: '2.34' } };
  const plan = planLoads({ ...report, targets: [target] }, IMAGES);
  assert.match(plan.find((p) => p.image === 'debian-bullseye-amd64')!.notRun!, /glibc 2\.31, older than the target's floor 2\.34/);
});

test('Python module names come from the installed path; bundled libraries are not modules', () => {
  assert.equal(pythonModuleName('pkg/sub/_core.cpython-311-x86_64-linux-gnu.so'), 'pkg.sub._core');
  assert.equal(pythonModuleName('pkg/_core.abi3.so'), 'pkg._core');
  assert.equal(pythonModuleName('demo-1.0.data/platlib/fast.abi3.so'), 'fast');
  assert.equal(pythonModuleName('demo-1.0.data/scripts/tool.so'), null);
  assert.equal(pythonModuleName('pkg.libs/libhelper-abc123.so.1'), null);
  assert.equal(pythonModuleName('pkg/libfoo.so'), null);
});

test('a load failure is linked to the finding that names what the loader named; none → a surprise', async () => {
  const report = await reportOf(arts.wheelTooNew);
  const bin = report.binaries[0]!.path;
  const target = report.targets[0]!.id;
  const version = 'GLIBC_2.34';
  const found = predictingFinding({ binary: bin, target, class: 'symbol-version', detail: { version } }, report.findings);
  assert.equal(found?.check, 'elf.symbol-version-too-new');
  assert.equal(predictingFinding({ binary: bin, target, class: 'undefined-symbol', detail: { symbol: 'nope' } }, report.findings), null);
  assert.equal(predictingFinding({ binary: 'other.so', target, class: 'symbol-version', detail: { version } }, report.findings), null);
});
