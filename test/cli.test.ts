import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main, EXIT } from '../src/cli.ts';
import { elfFixtures } from './fixtures/elf.ts';
import { machoFixtures } from './fixtures/macho.ts';
import { repoRoot } from './support/fixture-builder.ts';
import { buildWheel } from './support/wheel-builder.ts';

async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, (s) => (out += s), (s) => (err += s + '\n'));
  return { code, out, err };
}

test('inspect prints a readable summary with the facts an auditor looks at first', async () => {
  const r = await run('inspect', elfFixtures()['libconsumer.so']!);
  assert.equal(r.code, EXIT.ok);
  assert.match(r.out, /ELF 64-bit LE shared-library, x86_64/);
  assert.match(r.out, /needs\s+libdep\.so\.1/);
  assert.match(r.out, /runpath\s+\$ORIGIN/);
  assert.match(r.out, /requires\s+.*DEP 3\.0/);
});

test('inspect --json prints everything the parser read, per slice for a fat Mach-O', async () => {
  const r = await run('inspect', '--json', machoFixtures()['greet-universal.dylib']);
  assert.equal(r.code, EXIT.ok);
  const j = JSON.parse(r.out) as { format: string; facts: { arch: string }[]; parsed: { fat: unknown; slices: unknown[] } };
  assert.equal(j.format, 'macho-fat');
  assert.deepEqual(j.facts.map((f) => f.arch), ['x86_64', 'arm64']);
  assert.equal(j.parsed.slices.length, 2);
});

test('inspect of several files with --json prints an array', async () => {
  const e = elfFixtures();
  const j = JSON.parse((await run('inspect', '--json', e['glibc-x86_64.so']!, e['musl-x86_64.so']!)).out) as unknown[];
  assert.equal(j.length, 2);
});

test('inspect --relocations lists each ELF dynamic relocation', async () => {
  const j = JSON.parse((await run('inspect', '--json', '--relocations', elfFixtures()['copyreloc-x86_64']!)).out) as { parsed: { relocations: { entries?: { category: string }[] }[] } };
  assert.ok(j.parsed.relocations.some((t) => t.entries?.some((e) => e.category === 'copy')));
});

test('a file that is not a binary, or is missing, fails with exit 1 and says why', async () => {
  const notBinary = await run('inspect', join(repoRoot, 'package.json'));
  assert.equal(notBinary.code, EXIT.failed);
  assert.match(notBinary.out, /not a native binary/);
  const missing = await run('inspect', '/nonexistent/libfoo.so');
  assert.equal(missing.code, EXIT.failed);
  assert.match(missing.err, /no such file/);
});

test('a file whose header is cut off reports the offset and reason, not a stack trace', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'distaudit-cli-'));
  try {
    const path = join(dir, 'truncated.so');
    writeFileSync(path, readFileSync(elfFixtures()['glibc-x86_64.so']!).subarray(0, 40));
    const t = await run('inspect', path);
    assert.equal(t.code, EXIT.failed);
    assert.match(t.out, /error: elf: .* \(at offset 0x[0-9a-f]+\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad usage exits 2 with the usage text', async () => {
  assert.equal((await run()).code, EXIT.usage);
  assert.equal((await run('inspect')).code, EXIT.usage);
  const unknown = await run('frobnicate');
  assert.equal(unknown.code, EXIT.usage);
  assert.match(unknown.err, /unknown command 'frobnicate'/);
  const badFlag = await run('inspect', '--bogus', 'x');
  assert.equal(badFlag.code, EXIT.usage);
  assert.match(badFlag.err, /Unknown option '--bogus'/);
});

test('the bin entry runs as a program and sets the exit code', async () => {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { bin: { distaudit: string } };
  assert.equal(pkg.bin.distaudit, 'dist/src/cli.js', 'bin must point at the build output of src/cli.ts');
  assert.match(readFileSync(join(repoRoot, 'src/cli.ts'), 'utf8'), /^#!\/usr\/bin\/env node\n/);
  const ok = spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'src/cli.ts'), 'inspect', elfFixtures()['glibc-x86_64.so']!], { encoding: 'utf8' });
  assert.equal(ok.status, 0, ok.stderr);
  assert.match(ok.stdout, /GLIBC 2\.36/);
  const bad = spawnSync(process.execPath, ['--import', 'tsx', join(repoRoot, 'src/cli.ts'), 'inspect'], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
});

test('audit: exit 0 for a clean wheel, 1 when the gate fails, and --fail-on moves the gate', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'distaudit-cli-audit-'));
  try {
    const clean = join(dir, 'demo-1.0-py3-none-any.whl');
    writeFileSync(clean, buildWheel({ tag: 'py3-none-any', purelib: true, files: { 'demo/__init__.py': 'x = 1\n' } }).bytes);
    const r = await run('audit', clean);
    assert.equal(r.code, EXIT.ok, r.out + r.err);
    assert.match(r.out, /demo-1\.0-py3-none-any\.whl: PASS/);

    // A RECORD hash that lies is an error; a junk .pyc is only a warning.
    const broken = join(dir, 'demo-1.0-py3-none-any.whl');
    writeFileSync(broken, buildWheel({ tag: 'py3-none-any', purelib: true, files: { 'demo/__init__.py': 'x = 1\n' }, record: { hashes: { 'demo/__init__.py': 'sha256=AAAA' } } }).bytes);
    assert.equal((await run('audit', broken)).code, EXIT.failed);
    assert.equal((await run('audit', '--fail-on', 'never', broken)).code, EXIT.ok);

    const junk = join(dir, 'demo-1.0-py3-none-any.whl');
    writeFileSync(junk, buildWheel({ tag: 'py3-none-any', purelib: true, files: { 'demo/__init__.py': 'x = 1\n', 'demo/__pycache__/x.cpython-311.pyc': 'pyc' } }).bytes);
    assert.equal((await run('audit', junk)).code, EXIT.ok);
    assert.equal((await run('audit', '--fail-on', 'warning', junk)).code, EXIT.failed);

    const out = join(dir, 'report.json');
    const j = await run('audit', '--format', 'json', '--output', out, junk);
    assert.equal(j.out, '');
    const report = JSON.parse(readFileSync(out, 'utf8')) as { overall: { verdict: string; warnings: number } };
    assert.equal(report.overall.verdict, 'warn');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('audit: a bad option value, no file, or a missing file exits 2 and says why', async () => {
  const badFormat = await run('audit', '--format', 'yaml', 'x.whl');
  assert.equal(badFormat.code, EXIT.usage);
  assert.match(badFormat.err, /--format must be one of text, json, markdown, sarif, junit/);
  assert.match((await run('audit', '--fail-on', 'sometimes', 'x.whl')).err, /--fail-on must be one of error, warning, never/);
  assert.equal((await run('audit')).code, EXIT.usage);
  const missing = await run('audit', '/nonexistent/demo-1.0-py3-none-any.whl');
  assert.equal(missing.code, EXIT.usage);
  assert.match(missing.err, /no such file/);
});
