/**
 * The tarball reader on well-formed archives: an npm package packed by
 * `npm pack`, tarballs written by GNU tar in every format it has (plain and
 * gzip), by Python's tarfile, by tar-stream and by `git archive`, and the real
 * npm packages of the corpus. Nothing may be flagged; every entry's size and
 * sha256 must match what `tar -x` extracts; the entries must be exactly the
 * ones npm's own tar parser reads; kept content comes back byte for byte,
 * from memory or from a spool file, and `consume` frees it.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { after, describe, test } from 'node:test';
import tarStream from 'tar-stream';
import { contentSource } from '../../src/artifact/archive/content.ts';
import { scanTar } from '../../src/artifact/archive/tar.ts';
import type { ArchiveScan, KeptContent } from '../../src/artifact/archive/types.ts';
import { fetchNpm, npmCorpus } from '../support/corpus.ts';
import { toolPath } from '../support/fixture-builder.ts';
import { assertNpmAgrees, gnuTarList, scanTarBytes } from './tar-helpers.ts';
import { assertCodes, cleanup, entry, python, sha256, tempDir } from './zip-helpers.ts';

after(cleanup);

function readBack(scan: ArchiveScan, path: string): Buffer {
  const e = entry(scan, path);
  assert.ok(e.content, `${path} was not kept`);
  return readContent(e.content);
}

function readContent(c: KeptContent): Buffer {
  const src = contentSource(c);
  try {
    return Buffer.from(src.read(0, src.size));
  } finally {
    src.close();
  }
}

function writeTree(root: string, files: Record<string, string | Buffer>): void {
  for (const [rel, data] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), data);
  }
}

/** Extracts a tarball with GNU tar and returns the sha256 of every regular file, by archive path. */
function extractedHashes(tarball: string): Map<string, { sha256: string; size: number }> {
  const out = tempDir('tar-x-');
  execFileSync(toolPath('tar'), ['-xf', tarball, '-C', out, '--no-same-owner']);
  const found = new Map<string, { sha256: string; size: number }>();
  for (const name of gnuTarList(tarball).names) {
    const p = join(out, name);
    if (existsSync(p) && statSync(p).isFile()) {
      const data = readFileSync(p);
      found.set(name, { sha256: sha256(data), size: data.length });
    }
  }
  return found;
}

/** Every regular file hashed exactly as GNU tar extracts it, every name as GNU tar lists it, and nothing flagged. */
function assertMatchesGnuTar(scan: ArchiveScan, tarball: string): void {
  assertCodes(scan, []);
  assert.deepEqual(
    scan.entries.map((e) => e.path),
    gnuTarList(tarball).names,
  );
  const hashes = extractedHashes(tarball);
  for (const e of scan.entries) {
    if (e.isDirectory) {
      assert.equal(e.sha256, null);
      continue;
    }
    const x = hashes.get(e.path);
    assert.ok(x, `GNU tar extracted no ${e.path}`);
    assert.equal(e.sha256, x.sha256, e.path);
    assert.equal(e.size, x.size, e.path);
  }
}

describe('a package packed by npm pack', () => {
  const pkgDir = tempDir('tar-pkg-');
  const long = `lib/${'d'.repeat(60)}/${'e'.repeat(60)}/deep.js`;
  const files: Record<string, string | Buffer> = {
    'package.json': JSON.stringify({ name: 'demo-addon', version: '1.2.3', main: 'lib/index.js', bin: { demo: 'bin/demo.js' }, files: ['lib', 'bin', 'prebuilds'] }),
    'lib/index.js': "module.exports = require('node-gyp-build')(__dirname + '/..')\n",
    'lib/données/naïve.js': 'module.exports = "é"\n',
    [long]: 'module.exports = 1\n',
    'lib/empty.js': '',
    'bin/demo.js': '#!/usr/bin/env node\n',
    'prebuilds/linux-x64/demo-addon.glibc.node': Buffer.concat([Buffer.from('\x7fELF\x02\x01\x01\x00'), randomBytes(300_000)]),
  };
  writeTree(pkgDir, files);
  chmodSync(join(pkgDir, 'bin/demo.js'), 0o755);
  const outDir = tempDir('tar-pack-');
  execFileSync(toolPath('npm'), ['pack', '--pack-destination', outDir, '--offline', '--ignore-scripts', '--silent'], { cwd: pkgDir, stdio: ['ignore', 'ignore', 'ignore'] });
  const tgz = join(outDir, 'demo-addon-1.2.3.tgz');
  const bytes = readFileSync(tgz);
  const node = 'package/prebuilds/linux-x64/demo-addon.glibc.node';

  test('lists every entry (package/ prefix kept) with the sha256 and size tar -x extracts, as npm reads them', async () => {
    const scan = await scanTar(tgz, { keep: () => false, spoolDir: join(outDir, 'spool') });
    assert.equal(scan.format, 'tar');
    assert.equal(scan.size, bytes.length);
    assert.equal(scan.sha256, sha256(bytes));
    assertMatchesGnuTar(scan, tgz);
    await assertNpmAgrees(bytes, scan);
    assert.deepEqual(new Set(scan.entries.map((e) => e.path)), new Set(Object.keys(files).map((f) => `package/${f}`)));
    for (const [rel, data] of Object.entries(files)) {
      const e = entry(scan, `package/${rel}`);
      assert.equal(e.sha256, sha256(data), rel);
      assert.equal(e.size, Buffer.byteLength(data), rel);
      assert.equal(e.compressedSize, e.size, 'a tar entry is stored as is');
      assert.equal(e.content, null, 'nothing kept unless asked');
    }
    assert.equal(entry(scan, 'package/lib/index.js').mode, 0o100644);
    assert.equal(entry(scan, 'package/bin/demo.js').mode, 0o100755);
    // npm wrote the non-ASCII name in a pax header, and split the long one into the ustar prefix and name.
    const raw = gunzipSync(bytes);
    assert.ok(raw.includes(Buffer.from(' path=package/lib/données/naïve.js\n')), 'a pax path record');
    assert.ok(raw.includes(Buffer.from(`package/${long.split('/').slice(0, -1).join('/')}\0`)), 'a ustar prefix');
  });

  test('keeps what keep() asks for, shows it the first 64 bytes, and reads it back exactly from memory', async () => {
    const heads = new Map<string, Buffer>();
    const scan = await scanTarBytes(bytes, {
      keep: (path, head) => {
        heads.set(path, Buffer.from(head));
        return path.endsWith('.node') || path.endsWith('package.json') || path.endsWith('empty.js');
      },
    });
    assertCodes(scan, []);
    assert.deepEqual(heads.get(node), (files['prebuilds/linux-x64/demo-addon.glibc.node'] as Buffer).subarray(0, 64));
    assert.deepEqual(heads.get('package/lib/empty.js'), Buffer.alloc(0));
    assert.equal(heads.size, scan.entries.length, 'keep() is asked once per file entry');
    assert.equal(entry(scan, node).content?.kind, 'memory');
    assert.deepEqual(readBack(scan, node), files['prebuilds/linux-x64/demo-addon.glibc.node']);
    assert.deepEqual(readBack(scan, 'package/lib/empty.js'), Buffer.alloc(0));
    assert.equal(JSON.parse(readBack(scan, 'package/package.json').toString()).name, 'demo-addon');
    assert.equal(entry(scan, 'package/lib/index.js').content, null);
  });

  test('spools kept entries beyond maxInMemory to files in the spool directory, with random-access reads', async () => {
    const spoolDir = join(tempDir('tar-spool-'), 'spool');
    const scan = await scanTar(tgz, { keep: () => true, spoolDir, limits: { maxInMemory: 1000 } });
    assertCodes(scan, []);
    const c = entry(scan, node).content;
    const data = files['prebuilds/linux-x64/demo-addon.glibc.node'] as Buffer;
    assert.ok(c && c.kind === 'file');
    assert.ok(c.path.startsWith(spoolDir + '/'), c.path);
    assert.equal(statSync(c.path).size, data.length);
    const src = contentSource(c);
    try {
      assert.deepEqual(Buffer.from(src.read(123_456, 1000)), data.subarray(123_456, 124_456));
    } finally {
      src.close();
    }
    assert.deepEqual(readBack(scan, node), data);
    assert.equal(entry(scan, 'package/lib/index.js').content?.kind, 'memory', 'small entries stay in memory');
  });

  test('consume sees each kept entry as it completes, in archive order; returning true frees it (memory and spool file)', async () => {
    const seen: { path: string; kind: string; spooled: string | null; sha: string; same: boolean }[] = [];
    const scan = await scanTarBytes(bytes, {
      keep: () => true,
      limits: { maxInMemory: 1000 },
      consume: (path, content, sha) => {
        seen.push({ path, kind: content.kind, spooled: content.kind === 'file' ? content.path : null, sha, same: sha256(readContent(content)) === sha });
        return !path.endsWith('package.json');
      },
    });
    assertCodes(scan, []);
    assert.deepEqual(
      seen.map((s) => s.path),
      scan.entries.map((e) => e.path),
    );
    assert.ok(seen.every((s) => s.same));
    const spooled = seen.find((s) => s.path === node)!;
    assert.equal(spooled.kind, 'file');
    assert.equal(existsSync(spooled.spooled!), false, 'the freed spool file is deleted');
    for (const e of scan.entries) assert.equal(e.content === null, !e.path.endsWith('package.json'), e.path);
    assert.equal(entry(scan, node).sha256, sha256(files['prebuilds/linux-x64/demo-addon.glibc.node']!));
  });

  test('spools once the in-memory budget of the scan (4 × maxInMemory) is spent, and freed memory returns to it', async () => {
    const dir = tempDir('tar-budget-');
    const many: Record<string, Buffer> = {};
    for (let i = 0; i < 8; i++) many[`f${i}.bin`] = randomBytes(900);
    writeTree(dir, many);
    const path = join(dir, 'many.tgz');
    execFileSync(toolPath('tar'), ['-czf', path, '-C', dir, ...Object.keys(many)]);
    const kinds = async (consume?: () => boolean) => {
      const scan = await scanTar(path, { keep: (p) => p.endsWith('.bin'), spoolDir: join(dir, 'spool'), limits: { maxInMemory: 1000 }, consume });
      for (const [p, data] of Object.entries(many)) if (!consume) assert.deepEqual(readBack(scan, p), data);
      return scan;
    };
    const kept = await kinds();
    assert.deepEqual(
      Object.keys(many).map((p) => entry(kept, p).content?.kind),
      ['memory', 'memory', 'memory', 'memory', 'file', 'file', 'file', 'file'],
    );
    const spools: string[] = [];
    await scanTar(path, {
      keep: () => true,
      spoolDir: join(dir, 'spool2'),
      limits: { maxInMemory: 1000 },
      consume: (_p, c) => {
        spools.push(c.kind);
        return true;
      },
    });
    assert.deepEqual(spools, Array(8).fill('memory'), 'consumed entries give their memory back');
  });
});

describe('tarballs written by other tools', () => {
  const src = tempDir('tar-src-');
  const files: Record<string, Buffer> = {
    'package/package.json': Buffer.from('{"name":"x","version":"1.0.0"}'),
    [`package/${'long-directory-name/'.repeat(6)}file-with-a-long-name.js`]: Buffer.from('long\n'),
    [`package/${'n'.repeat(120)}.js`]: Buffer.from('a 124-byte component name: no ustar split can hold it\n'),
    'package/données/日本語-🐍.txt': Buffer.from('utf-8 names\n'),
    'package/build/Release/addon.node': Buffer.concat([Buffer.from('\x7fELF'), randomBytes(200_000)]),
    'package/empty': Buffer.alloc(0),
  };
  writeTree(src, files);

  for (const format of ['gnu', 'pax', 'ustar', 'oldgnu', 'posix']) {
    for (const gzip of [true, false]) {
      test(`GNU tar --format=${format}${gzip ? ' (gzip)' : ''}: directories, long and UTF-8 names`, async (t) => {
        const path = join(tempDir('tar-gnu-'), gzip ? 'a.tgz' : 'a.tar');
        const names = Object.keys(files).filter((n) => format !== 'ustar' || !n.includes('n'.repeat(120)));
        if (format === 'ustar') t.diagnostic('ustar cannot store a 124-byte component: that file is left out');
        const dirs = [...new Set(names.flatMap((n) => n.split('/').slice(0, -1).map((_, i, segs) => `${segs.slice(0, i + 1).join('/')}/`)))].sort();
        execFileSync(toolPath('tar'), [gzip ? '-czf' : '-cf', path, `--format=${format}`, '--owner=0', '--group=0', '--no-recursion', '-C', src, ...dirs, ...names], {
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        const scan = await scanTarBytes(readFileSync(path));
        const listed = gnuTarList(path).names;
        assert.ok(listed.some((n) => n.endsWith('/')), 'directories are listed');
        assertMatchesGnuTar(await scanTar(path, { keep: () => false, spoolDir: join(dirname(path), 'spool') }), path);
        await assertNpmAgrees(readFileSync(path), scan);
        for (const n of names) assert.equal(entry(scan, n).sha256, sha256(files[n]!), n);
        assert.ok(scan.entries.filter((e) => e.isDirectory).every((e) => e.mode !== null && (e.mode & 0o170000) === 0o040000));
      });
    }
  }

  test("Python's tarfile, GNU and pax formats (long names, UTF-8)", async () => {
    for (const format of ['GNU_FORMAT', 'PAX_FORMAT']) {
      const path = join(tempDir('tar-py-'), 'py.tgz');
      python(
        `import sys, tarfile
with tarfile.open(sys.argv[1], 'w:gz', format=getattr(tarfile, sys.argv[3])) as t:
    for name in sys.argv[4:]:
        t.add(sys.argv[2] + '/' + name, arcname=name, recursive=False)`,
        [path, src, format, ...Object.keys(files)],
      );
      const scan = await scanTar(path, { keep: () => false, spoolDir: join(dirname(path), 'spool') });
      assertMatchesGnuTar(scan, path);
      await assertNpmAgrees(readFileSync(path), scan);
      for (const [n, data] of Object.entries(files)) assert.equal(entry(scan, n).sha256, sha256(data), `${format}: ${n}`);
    }
  });

  test('tar-stream: a pax header for each name ustar cannot hold', async () => {
    const pack = tarStream.pack();
    const chunks: Buffer[] = [];
    pack.on('data', (c) => chunks.push(c as Buffer));
    const done = new Promise<void>((r) => pack.on('end', () => r()));
    for (const [name, data] of Object.entries(files)) pack.entry({ name, size: data.length }, data);
    pack.finalize();
    await done;
    const bytes = Buffer.concat(chunks);
    const path = join(tempDir('tar-ts-'), 'ts.tar');
    writeFileSync(path, bytes);
    assert.ok(bytes.includes(Buffer.from(' path=package/')), 'tar-stream wrote pax headers');
    const scan = await scanTar(path, { keep: () => false, spoolDir: join(dirname(path), 'spool') });
    assertMatchesGnuTar(scan, path);
    await assertNpmAgrees(bytes, scan);
  });

  test('git archive: a global pax header with the commit id only (a comment) is fine', async () => {
    const repo = tempDir('tar-git-');
    writeTree(repo, { 'package.json': '{"name":"g","version":"0.0.1"}', 'index.js': '1\n' });
    const git = (...args: string[]) => execFileSync(toolPath('git'), args, { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    git('init', '-q');
    git('add', '.');
    git('-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-qm', 'x');
    const path = join(repo, '..', `${repo.split('/').pop()}.tgz`);
    git('archive', '--format=tar.gz', '--prefix=package/', '-o', path, 'HEAD');
    const bytes = readFileSync(path);
    const scan = await scanTarBytes(bytes);
    assertCodes(scan, []);
    assert.deepEqual(
      scan.entries.map((e) => e.path),
      ['package/', 'package/index.js', 'package/package.json'],
    );
    await assertNpmAgrees(bytes, scan);
  });
});

describe('the npm corpus', () => {
  for (const artifact of npmCorpus()) {
    test(`${artifact.spec}: read in full, nothing flagged, every file as tar -x extracts it and as npm reads it`, async () => {
      const path = fetchNpm(artifact);
      const scan = await scanTar(path, { keep: () => false, spoolDir: join(tempDir('tar-corpus-'), 'spool') });
      assert.equal(scan.sha256, artifact.sha256);
      assertMatchesGnuTar(scan, path);
      await assertNpmAgrees(readFileSync(path), scan);
      for (const b of artifact.binaries) assert.ok(entry(scan, b.path).sha256, b.path);
    });
  }
});
