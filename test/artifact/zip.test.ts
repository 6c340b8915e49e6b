/**
 * The zip reader on well-formed archives: wheels from the test builder, archives
 * written by Python's zipfile (UTF-8 names, data descriptors, zip64), Info-ZIP
 * zip and jar, and real wheels installed on this machine. Nothing may be
 * flagged, and every entry's size and sha256 must be exact; kept content comes
 * back byte for byte, from memory or from a spool file.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { contentSource } from '../../src/artifact/archive/content.ts';
import type { ArchiveScan } from '../../src/artifact/archive/types.ts';
import { scanZip } from '../../src/artifact/archive/zip.ts';
import { toolPath } from '../support/fixture-builder.ts';
import { buildWheel } from '../support/wheel-builder.ts';
import { buildZip } from '../support/zip-writer.ts';
import { assertCodes, cleanup, entry, python, pythonNames, pythonZip, scanBytes, sha256, tempDir } from './zip-helpers.ts';

after(cleanup);

/** A little incompressible data so the default compression-ratio limit stays out of the way. */
function payload(n: number, seed: number): Buffer {
  const b = Buffer.alloc(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    b[i] = i % 3 === 0 ? x & 0xff : 0x41 + (i % 7);
  }
  return b;
}

function readBack(scan: ArchiveScan, path: string): Buffer {
  const e = entry(scan, path);
  assert.ok(e.content, `${path} was not kept`);
  const src = contentSource(e.content);
  try {
    return Buffer.from(src.read(0, src.size));
  } finally {
    src.close();
  }
}

describe('a wheel from the test builder', () => {
  const files: Record<string, Buffer> = {
    'demo/__init__.py': Buffer.from('from ._core import f\n'),
    'demo/_core.cpython-311-x86_64-linux-gnu.so': Buffer.concat([Buffer.from('\x7fELF\x02\x01\x01'), payload(300_000, 7)]),
    'demo/data/empty.txt': Buffer.alloc(0),
    'demo/data/tiny.bin': Buffer.from([1, 2, 3]),
  };
  const wheel = buildWheel({ tag: 'cp311-cp311-manylinux_2_17_x86_64', files });

  test('lists every entry with its exact size and sha256, and the archive with its own', async () => {
    const scan = await scanBytes(wheel.bytes);
    assertCodes(scan, []);
    assert.equal(scan.format, 'zip');
    assert.equal(scan.size, wheel.bytes.length);
    assert.equal(scan.sha256, sha256(wheel.bytes));
    assert.deepEqual(
      scan.entries.map((e) => e.path),
      [...Object.keys(files), 'demo-1.0.dist-info/METADATA', 'demo-1.0.dist-info/WHEEL', 'demo-1.0.dist-info/RECORD'],
    );
    for (const [path, data] of Object.entries(files)) {
      const e = entry(scan, path);
      assert.equal(e.size, data.length, path);
      assert.equal(e.sha256, sha256(data), path);
      assert.equal(e.isDirectory, false);
      assert.equal(e.mode, 0o100644);
      assert.equal(e.content, null, 'nothing kept unless asked');
      assert.ok(e.compressedSize > 0 || data.length === 0);
    }
  });

  test('keeps what keep() asks for, shows it the first 64 bytes, and reads it back exactly from memory', async () => {
    const heads = new Map<string, Buffer>();
    const scan = await scanBytes(wheel.bytes, {
      keep: (path, head) => {
        heads.set(path, Buffer.from(head));
        return path.endsWith('.so') || path.endsWith('RECORD') || path.endsWith('.txt');
      },
    });
    assertCodes(scan, []);
    const so = 'demo/_core.cpython-311-x86_64-linux-gnu.so';
    assert.deepEqual(heads.get(so), files[so]!.subarray(0, 64));
    assert.deepEqual(heads.get('demo/data/tiny.bin'), Buffer.from([1, 2, 3]), 'a short entry shows all its bytes');
    assert.deepEqual(heads.get('demo/data/empty.txt'), Buffer.alloc(0));
    assert.equal(heads.size, scan.entries.length, 'keep() is asked once per file entry');
    assert.equal(entry(scan, so).content?.kind, 'memory');
    assert.deepEqual(readBack(scan, so), files[so]);
    assert.deepEqual(readBack(scan, 'demo/data/empty.txt'), Buffer.alloc(0));
    assert.match(readBack(scan, 'demo-1.0.dist-info/RECORD').toString(), /^demo\/__init__\.py,sha256=/);
    assert.equal(entry(scan, 'demo/__init__.py').content, null);
  });

  test('spools kept entries beyond maxInMemory to files in the spool directory, with random-access reads', async () => {
    const dir = tempDir();
    const path = join(dir, wheel.filename);
    writeFileSync(path, wheel.bytes);
    const spoolDir = join(dir, 'spool');
    const scan = await scanZip(path, { keep: () => true, spoolDir, limits: { maxInMemory: 1000 } });
    assertCodes(scan, []);
    const so = 'demo/_core.cpython-311-x86_64-linux-gnu.so';
    const c = entry(scan, so).content;
    assert.ok(c && c.kind === 'file');
    assert.ok(c.path.startsWith(spoolDir + '/'), c.path);
    assert.equal(c.size, files[so]!.length);
    assert.equal(statSync(c.path).size, files[so]!.length);
    const src = contentSource(c);
    try {
      assert.equal(src.size, files[so]!.length);
      assert.deepEqual(Buffer.from(src.read(123_456, 1000)), files[so]!.subarray(123_456, 124_456));
      assert.deepEqual(Buffer.from(src.read(0, src.size)), files[so]);
    } finally {
      src.close();
    }
    assert.equal(entry(scan, 'demo/data/tiny.bin').content?.kind, 'memory', 'small entries stay in memory');
    assert.deepEqual(readBack(scan, 'demo/data/tiny.bin'), Buffer.from([1, 2, 3]));
  });

  test('spools once the in-memory budget of the scan (4 × maxInMemory) is spent', async () => {
    const many: Record<string, Buffer> = {};
    for (let i = 0; i < 8; i++) many[`pkg/f${i}.bin`] = payload(900, i + 1);
    const w = buildWheel({ tag: 'py3-none-any', files: many });
    const scan = await scanBytes(w.bytes, { keep: (p) => p.endsWith('.bin'), limits: { maxInMemory: 1000 } });
    const kinds = Object.keys(many).map((p) => entry(scan, p).content?.kind);
    assert.deepEqual(kinds, ['memory', 'memory', 'memory', 'memory', 'file', 'file', 'file', 'file']);
    for (const [p, data] of Object.entries(many)) assert.deepEqual(readBack(scan, p), data);
  });
});

describe('archives written by real tools', () => {
  test("Python's zipfile: UTF-8 names, stored and deflated entries, a directory", async () => {
    const dir = tempDir();
    const path = join(dir, 'utf8.zip');
    const hashes = pythonZip(path, [
      { name: 'pkg/', data: '', deflate: false },
      { name: 'pkg/données/naïve.py', data: 'x = "é"\n' },
      { name: 'pkg/日本語.txt', data: payload(5000, 3), deflate: false },
      { name: 'pkg/emoji-🐍.dat', data: payload(200_000, 4) },
    ]);
    const scan = await scanZip(path, { keep: () => false, spoolDir: join(dir, 'spool') });
    assertCodes(scan, []);
    assert.deepEqual(
      scan.entries.map((e) => e.path),
      pythonNames(path),
    );
    assert.equal(entry(scan, 'pkg/').isDirectory, true);
    assert.equal(entry(scan, 'pkg/').sha256, null);
    for (const [name, h] of Object.entries(hashes)) if (!name.endsWith('/')) assert.equal(entry(scan, name).sha256, h, name);
  });

  test("Python's zipfile writing to an unseekable stream: data descriptors on every entry", async () => {
    const dir = tempDir();
    const path = join(dir, 'stream.zip');
    const hashes = pythonZip(
      path,
      [
        { name: 'a.txt', data: 'hello\n' },
        { name: 'b.bin', data: payload(1_500_000, 9) },
        { name: 'c.bin', data: payload(10, 2), deflate: false },
      ],
      { stream: true },
    );
    const raw = readFileSync(path);
    assert.equal(raw.readUInt16LE(6) & 0x08, 0x08, 'the first entry has a data descriptor');
    const scan = await scanZip(path, { keep: () => false, spoolDir: join(dir, 'spool') });
    assertCodes(scan, []);
    for (const [name, h] of Object.entries(hashes)) assert.equal(entry(scan, name).sha256, h, name);
  });

  test("Python's zipfile with force_zip64: zip64 local headers, and streamed", async () => {
    for (const stream of [false, true]) {
      const dir = tempDir();
      const path = join(dir, 'z64.zip');
      const hashes = pythonZip(
        path,
        [
          { name: 'big.bin', data: payload(2_000_000, 5), zip64: true },
          { name: 'small.txt', data: 'small\n', zip64: true, deflate: false },
        ],
        { stream },
      );
      const scan = await scanZip(path, { keep: () => false, spoolDir: join(dir, 'spool') });
      assertCodes(scan, []);
      for (const [name, h] of Object.entries(hashes)) assert.equal(entry(scan, name).sha256, h, `${name} (stream ${stream})`);
    }
  });

  test("Python's zipfile with more than 65535 entries: zip64 end records", async () => {
    const dir = tempDir();
    const path = join(dir, 'many.zip');
    python(
      `import sys, zipfile
with zipfile.ZipFile(sys.argv[1], 'w') as z:
    for i in range(66000): z.writestr(f'd/{i}.txt', str(i))`,
      [path],
    );
    const raw = readFileSync(path);
    assert.ok(raw.includes(Buffer.from([0x50, 0x4b, 0x06, 0x06])), 'has a zip64 end record');
    const scan = await scanZip(path, { keep: () => false, spoolDir: join(dir, 'spool') });
    assertCodes(scan, []);
    assert.equal(scan.entries.length, 66000);
    assert.equal(entry(scan, 'd/65999.txt').sha256, sha256('65999'));
  });

  test('Info-ZIP zip: a tree, and a file streamed from stdin (zip64 local header + data descriptor)', async () => {
    const dir = tempDir();
    const tree = join(dir, 'tree');
    mkdirSync(join(tree, 'pkg/sub'), { recursive: true });
    writeFileSync(join(tree, 'pkg/a.py'), 'a = 1\n');
    writeFileSync(join(tree, 'pkg/sub/b.bin'), payload(100_000, 11));
    const zipTool = toolPath('zip');
    execFileSync(zipTool, ['-q', '-r', '-X', join(dir, 'tree.zip'), 'pkg'], { cwd: tree });
    const scan = await scanZip(join(dir, 'tree.zip'), { keep: () => false, spoolDir: join(dir, 'spool') });
    assertCodes(scan, []);
    assert.equal(entry(scan, 'pkg/sub/b.bin').sha256, sha256(payload(100_000, 11)));
    assert.equal(entry(scan, 'pkg/sub/').isDirectory, true);

    const streamed = join(dir, 'streamed.zip');
    execFileSync('sh', ['-c', `"${zipTool}" -q "${streamed}" - < "${join(tree, 'pkg/sub/b.bin')}"`]);
    const s2 = await scanZip(streamed, { keep: () => false, spoolDir: join(dir, 'spool') });
    assertCodes(s2, []);
    assert.equal(entry(s2, '-').sha256, sha256(payload(100_000, 11)));
  });

  test('jar: data descriptors and deflated directories', async () => {
    const dir = tempDir();
    const tree = join(dir, 'tree');
    mkdirSync(join(tree, 'com/example'), { recursive: true });
    writeFileSync(join(tree, 'com/example/native.so'), payload(50_000, 13));
    execFileSync(toolPath('jar'), ['cf', join(dir, 'x.jar'), '-C', tree, '.']);
    const scan = await scanZip(join(dir, 'x.jar'), { keep: () => false, spoolDir: join(dir, 'spool') });
    assertCodes(scan, []);
    assert.equal(entry(scan, 'com/example/native.so').sha256, sha256(payload(50_000, 13)));
    assert.ok(entry(scan, 'META-INF/MANIFEST.MF').sha256);
  });

  test("an empty archive (Python's zipfile with no entries) has no entries and no problems", async () => {
    const dir = tempDir();
    const path = join(dir, 'empty.zip');
    python('import sys, zipfile\nzipfile.ZipFile(sys.argv[1], "w").close()', [path]);
    const scan = await scanZip(path, { keep: () => true, spoolDir: join(dir, 'spool') });
    assert.equal(scan.size, 22);
    assert.deepEqual(scan.entries, []);
    assertCodes(scan, []);
  });

  test('CP437 names (UTF-8 flag clear) decode as Python decodes them', async () => {
    const zip = buildZip({
      entries: [
        { name: 'caf\u00e9.txt', nameBytes: Buffer.from([0x63, 0x61, 0x66, 0x82, 0x2e, 0x74, 0x78, 0x74]), utf8: false, data: 'x' },
        { name: 'plain.txt', utf8: false, data: 'y' },
      ],
    });
    const dir = tempDir();
    const path = join(dir, 'cp437.zip');
    writeFileSync(path, zip);
    const scan = await scanZip(path, { keep: () => false, spoolDir: join(dir, 'spool') });
    assertCodes(scan, []);
    assert.deepEqual(
      scan.entries.map((e) => e.path),
      ['café.txt', 'plain.txt'],
    );
    assert.deepEqual(
      scan.entries.map((e) => e.path),
      pythonNames(path),
    );
  });

  test('a symlink made by Info-ZIP zip -y is reported, not followed', async () => {
    const dir = tempDir();
    const tree = join(dir, 'tree');
    mkdirSync(tree);
    writeFileSync(join(tree, 'real.txt'), 'real\n');
    symlinkSync('/etc/passwd', join(tree, 'link'));
    execFileSync(toolPath('zip'), ['-q', '-y', join(dir, 'l.zip'), 'real.txt', 'link'], { cwd: tree });
    const scan = await scanZip(join(dir, 'l.zip'), { keep: () => true, spoolDir: join(dir, 'spool') });
    assertCodes(scan, ['symlink']);
    assert.equal(scan.problems[0]!.message, "entry 'link' is a symbolic link to '/etc/passwd' (mode 0o120777); links are not regular files and can point outside the archive");
    assert.equal(entry(scan, 'link').sha256, null);
    assert.equal(entry(scan, 'link').content, null);
    assert.equal(entry(scan, 'real.txt').sha256, sha256('real\n'));
  });
});

/**
 * Wheels that exist on this machine: pip's and setuptools' bundled with the
 * Python the tests use (ensurepip/_bundled, or Debian's /usr/share/python-wheels),
 * and any in pip's cache.
 */
function machineWheels(): string[] {
  const bundled = python('import ensurepip, os\nprint(os.path.join(os.path.dirname(ensurepip.__file__), "_bundled"))').trim();
  const found = [bundled, '/usr/share/python-wheels'].flatMap((d) => (existsSync(d) ? readdirSync(d).filter((f) => f.endsWith('.whl')).map((f) => join(d, f)) : []));
  const cache = join(process.env.HOME ?? '/root', '.cache/pip/wheels');
  const walk = (d: string): string[] =>
    existsSync(d) ? readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : e.name.endsWith('.whl') ? [join(d, e.name)] : [])) : [];
  return [...found, ...walk(cache)];
}

describe('real wheels on this machine', () => {
  test('read without a single problem, every hash agreeing with the wheel RECORD', async (t) => {
    const wheels = machineWheels();
    assert.ok(wheels.length > 0, 'no wheel found: install python3-pip-whl, or use a Python that bundles pip (ensurepip/_bundled)');
    for (const w of wheels) {
      const isRecord = (p: string) => /^[^/]+\.dist-info\/RECORD$/.test(p);
      const scan = await scanZip(w, { keep: isRecord, spoolDir: join(tempDir(), 'spool') });
      assertCodes(scan, []);
      assert.equal(scan.sha256, sha256(readFileSync(w)));
      const recordEntry = scan.entries.find((e) => isRecord(e.path));
      assert.ok(recordEntry?.content, `${w}: no RECORD`);
      const record = readBack(scan, recordEntry.path).toString('utf8');
      let checked = 0;
      for (const line of record.split(/\r?\n/)) {
        const m = /^(.*),sha256=([A-Za-z0-9_-]+),(\d+)$/.exec(line);
        if (!m) continue;
        const e = entry(scan, m[1]!);
        assert.equal(e.sha256, Buffer.from(m[2]!, 'base64url').toString('hex'), `${w}: ${m[1]}`);
        assert.equal(e.size, Number(m[3]), `${w}: ${m[1]}`);
        checked++;
      }
      assert.ok(checked > 0, `${w}: RECORD lists no hashed file`);
      t.diagnostic(`${w}: ${scan.entries.length} entries, ${checked} RECORD hashes verified`);
    }
  });

  test('random data and random-but-compressible data of several megabytes survive a round trip through the reader', async () => {
    const big = Buffer.concat([randomBytes(3_000_000), payload(2_000_000, 17)]);
    const dir = tempDir();
    const path = join(dir, 'big.zip');
    const hashes = pythonZip(path, [{ name: 'big.bin', data: big }]);
    const scan = await scanZip(path, { keep: () => true, spoolDir: join(dir, 'spool'), limits: { maxInMemory: 1 << 20 } });
    assertCodes(scan, []);
    assert.equal(entry(scan, 'big.bin').sha256, hashes['big.bin']);
    assert.deepEqual(readBack(scan, 'big.bin'), big);
  });
});

test('consume sees each kept entry once it is verified, and content it is done with is freed (memory or spool file)', async () => {
  const big = Buffer.alloc(3000, 7);
  const zip = buildZip({ entries: [{ name: 'keep.txt', data: 'text' }, { name: 'small.bin', data: 'abc' }, { name: 'big.bin', data: big }, { name: 'skip.dat', data: 'x' }] });
  const dir = tempDir();
  const path = join(dir, 'c.zip');
  writeFileSync(path, zip);
  const spoolDir = join(dir, 'spool');
  const seen: [string, string, string][] = [];
  const scan = await scanZip(path, {
    keep: (p) => p !== 'skip.dat',
    limits: { maxInMemory: 1024 },
    spoolDir,
    consume: (p, content, sha) => {
      seen.push([p, content.kind, sha]);
      return p !== 'keep.txt';
    },
  });
  assert.deepEqual(seen, [
    ['keep.txt', 'memory', sha256('text')],
    ['small.bin', 'memory', sha256('abc')],
    ['big.bin', 'file', sha256(big)],
  ]);
  assert.equal(entry(scan, 'keep.txt').content?.kind, 'memory');
  assert.equal(entry(scan, 'small.bin').content, null);
  assert.equal(entry(scan, 'big.bin').content, null);
  assert.equal(entry(scan, 'big.bin').sha256, sha256(big));
  const spooled = readdirSync(spoolDir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile());
  assert.deepEqual(spooled, [], 'the consumed spool file was deleted');
});
