/**
 * Hostile and broken zip archives: one crafted archive per problem code (and
 * per way of hitting it), each read to the end without an exception, with the
 * exact problem, the entry it names, and what happened to that entry's content
 * — while the good entries beside it are still read and hashed.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { crc32, deflateRawSync } from 'node:zlib';
import { DEFAULT_ARCHIVE_LIMITS, type ArchiveScan } from '../../src/artifact/archive/types.ts';
import { scanZip } from '../../src/artifact/archive/zip.ts';
import { toolPath } from '../support/fixture-builder.ts';
import { buildZip, type ZipEntrySpec } from '../support/zip-writer.ts';
import { assertCodes, cleanup, deflatedZeros, entry, notRead, only, overlapBomb, python, repointEntry, scanBytes, sha256, tempDir } from './zip-helpers.ts';

after(cleanup);

const GOOD: ZipEntrySpec = { name: 'pkg/good.py', data: 'print("fine")\n' };

/** The good entry was read and hashed despite its neighbours. */
function goodWasRead(scan: ArchiveScan): void {
  assert.equal(entry(scan, 'pkg/good.py').sha256, sha256('print("fine")\n'));
}

describe('names', () => {
  test('path traversal: `..`, absolute paths, drive letters and backslashes, one problem each, the content skipped', async () => {
    const bad = ['../../etc/passwd', 'pkg/../../x', '/etc/passwd', 'C:/Windows/evil.dll', 'c:evil', 'pkg\\..\\..\\evil', 'pkg\\sub.py'];
    const scan = await scanBytes(buildZip({ entries: [GOOD, ...bad.map((name) => ({ name, data: 'x' }))] }), { keep: () => true });
    assertCodes(scan, bad.map(() => 'path-traversal'));
    assert.deepEqual(
      scan.problems.map((p) => p.message),
      [
        "entry '../../etc/passwd' escapes the archive root (path traversal)",
        "entry 'pkg/../../x' escapes the archive root (path traversal)",
        "entry '/etc/passwd' has an absolute path (path traversal)",
        "entry 'C:/Windows/evil.dll' starts with a drive letter (path traversal)",
        "entry 'c:evil' starts with a drive letter (path traversal)",
        "entry 'pkg\\..\\..\\evil' escapes the archive root (path traversal)",
        "entry 'pkg\\sub.py' contains a backslash, which Windows tools treat as a path separator (path traversal)",
      ],
    );
    assert.deepEqual(
      scan.problems.map((p) => p.path),
      bad,
    );
    assert.ok(scan.problems.every((p) => !p.fatal));
    for (const name of bad) notRead(scan, name);
    goodWasRead(scan);
  });

  test('invalid names: empty, NUL, control and bidi characters, invalid UTF-8, over-long names and components', async () => {
    const scan = await scanBytes(
      buildZip({
        entries: [
          GOOD,
          { name: '', data: 'x' },
          { name: 'a\u0000.so', data: 'x' },
          { name: 'tab\there.py', data: 'x' },
          { name: 'evil\u202egnp.exe', data: 'x' },
          { name: 'bad-utf8', nameBytes: Buffer.from([0x62, 0xff, 0xfe, 0x2e, 0x70, 0x79]), data: 'x' },
          { name: `long/${'x'.repeat(300)}`, data: 'x' },
          { name: `deep/${'d/'.repeat(40)}f`, data: 'x' },
        ],
      }),
      { limits: { maxPathLength: 64 } },
    );
    assertCodes(scan, ['invalid-name', 'invalid-name', 'invalid-name', 'invalid-name', 'invalid-name', 'invalid-name', 'invalid-name']);
    assert.deepEqual(
      scan.problems.map((p) => p.message),
      [
        'entry #2 has an empty name',
        "entry 'a\\x00.so' contains a NUL character, which truncates the name for C-based extractors",
        "entry 'tab\\x09here.py' contains the control character U+0009",
        "entry 'evil\\u202egnp.exe' contains the bidirectional control character U+202E, which can disguise the name",
        "entry 'b\uFFFD\uFFFD.py' is not valid UTF-8 (its invalid bytes are shown as U+FFFD)",
        `entry 'long/${'x'.repeat(195)}…' has a 305-byte name, beyond the 64-byte limit`,
        `entry 'deep/${'d/'.repeat(40)}f' has a 86-byte name, beyond the 64-byte limit`,
      ],
    );
    for (const e of scan.entries.slice(1)) assert.equal(e.sha256, null, e.path);
    goodWasRead(scan);
  });

  test('a path component longer than 255 bytes is invalid even under the length limit', async () => {
    const name = `pkg/${'é'.repeat(130)}.py`;
    const scan = await scanBytes(buildZip({ entries: [GOOD, { name, data: 'x' }] }));
    assert.equal(only(scan, 'invalid-name').message, `entry '${name}' has a path component longer than 255 bytes, which file systems refuse`);
    goodWasRead(scan);
  });

  test('duplicates: the same name twice, the same path spelled twice, a file that another entry needs as a directory', async () => {
    const scan = await scanBytes(
      buildZip({
        entries: [
          GOOD,
          { name: 'pkg/mod.so', data: 'first' },
          { name: 'pkg/mod.so', data: 'second' },
          { name: './pkg/good.py', data: 'shadow' },
          { name: 'pkg/data', data: 'a file' },
          { name: 'pkg/data/x.txt', data: 'needs pkg/data to be a directory' },
        ],
      }),
    );
    assertCodes(scan, ['duplicate-entry', 'duplicate-entry', 'duplicate-entry']);
    assert.deepEqual(
      scan.problems.map((p) => [p.path, p.message]),
      [
        ['pkg/mod.so', "entry 'pkg/mod.so' appears more than once in the archive (first as entry #2); extractors disagree on which copy wins"],
        ['./pkg/good.py', "entry './pkg/good.py' names the same path as entry 'pkg/good.py'; extractors disagree on which copy wins"],
        ['pkg/data', "entry 'pkg/data' is a file, but entry 'pkg/data/x.txt' needs it to be a directory"],
      ],
    );
    // Both copies are read: installers keep the last one, so both are worth auditing.
    const copies = scan.entries.filter((e) => e.path === 'pkg/mod.so').map((e) => e.sha256);
    assert.deepEqual(copies, [sha256('first'), sha256('second')]);
  });

  test('case collisions: files, directories, and Unicode normalization (a warning-level problem: content still read)', async () => {
    const scan = await scanBytes(
      buildZip({
        entries: [
          GOOD,
          { name: 'pkg/Module.py', data: 'a' },
          { name: 'pkg/module.py', data: 'b' },
          { name: 'Lib/x.py', data: 'c' },
          { name: 'lib/y.py', data: 'd' },
          { name: 'pkg/caf\u00e9.txt', data: 'e' }, // NFC
          { name: 'pkg/cafe\u0301.txt', data: 'f' }, // NFD
        ],
      }),
    );
    assertCodes(scan, ['case-collision', 'case-collision', 'case-collision']);
    const messages = scan.problems.map((p) => p.message).sort();
    assert.deepEqual(messages, [
      "entry 'pkg/cafe\u0301.txt' and entry 'pkg/caf\u00e9.txt' differ only in case or Unicode normalization; they collide on case-insensitive file systems (Windows, macOS)",
      "entry 'pkg/module.py' and entry 'pkg/Module.py' differ only in case or Unicode normalization; they collide on case-insensitive file systems (Windows, macOS)",
      "the paths 'lib' and 'Lib' differ only in case or Unicode normalization; they collide on case-insensitive file systems (Windows, macOS)",
    ]);
    for (const e of scan.entries) assert.ok(e.sha256, `${e.path} is still read`);
  });

  test('an Info-ZIP Unicode Path field that names a different file is a header mismatch', async () => {
    const raw = Buffer.from('pkg/a.py');
    const unicodeName = Buffer.from('pkg/evil.py');
    const field = Buffer.alloc(4 + 5 + unicodeName.length);
    field.writeUInt16LE(0x7075, 0);
    field.writeUInt16LE(5 + unicodeName.length, 2);
    field.writeUInt8(1, 4);
    field.writeUInt32LE(crc32(raw), 5);
    unicodeName.copy(field, 9);
    const scan = await scanBytes(buildZip({ entries: [GOOD, { name: 'pkg/a.py', data: 'a', extra: field }] }));
    assert.equal(
      only(scan, 'header-mismatch').message,
      "entry 'pkg/a.py' carries an Info-ZIP Unicode Path field naming it 'pkg/evil.py'; tools that honour the field extract a different path",
    );
    assert.equal(entry(scan, 'pkg/a.py').sha256, sha256('a'));
  });
});

describe('entry kinds and flags', () => {
  test('a symlink is reported with its target and not read', async () => {
    const scan = await scanBytes(buildZip({ entries: [GOOD, { name: 'pkg/libfoo.so', data: '../../../../etc/shadow', mode: 0o120777 }] }), { keep: () => true });
    const p = only(scan, 'symlink');
    assert.equal(p.path, 'pkg/libfoo.so');
    assert.equal(p.message, "entry 'pkg/libfoo.so' is a symbolic link to '../../../../etc/shadow' (mode 0o120777); links are not regular files and can point outside the archive");
    notRead(scan, 'pkg/libfoo.so');
    assert.equal(entry(scan, 'pkg/libfoo.so').mode, 0o120777);
    goodWasRead(scan);
  });

  test("a directory's mode bits do not make it a special file (zipkin's nested JARs say 0o177777)", async () => {
    const scan = await scanBytes(buildZip({ entries: [{ name: 'META-INF/', data: '', mode: 0o177777 }, GOOD] }));
    assertCodes(scan, []);
    goodWasRead(scan);
  });

  test('devices, FIFOs and sockets are special files', async () => {
    const scan = await scanBytes(
      buildZip({
        entries: [GOOD, { name: 'dev/sda', data: '', mode: 0o060660 }, { name: 'dev/tty', data: '', mode: 0o020620 }, { name: 'run/fifo', data: '', mode: 0o010644 }, { name: 'run/sock', data: '', mode: 0o140755 }],
      }),
    );
    assertCodes(scan, ['special-file', 'special-file', 'special-file', 'special-file']);
    assert.deepEqual(
      scan.problems.map((p) => p.message),
      [
        "entry 'dev/sda' is a block device (mode 0o60660), not a regular file or directory",
        "entry 'dev/tty' is a character device (mode 0o20620), not a regular file or directory",
        "entry 'run/fifo' is a FIFO (mode 0o10644), not a regular file or directory",
        "entry 'run/sock' is a socket (mode 0o140755), not a regular file or directory",
      ],
    );
    notRead(scan, 'dev/sda');
    goodWasRead(scan);
  });

  test('an encrypted entry is reported and not read', async () => {
    const scan = await scanBytes(buildZip({ entries: [GOOD, { name: 'pkg/secret.so', data: 'ciphertext', encrypted: true }] }));
    assert.equal(only(scan, 'encrypted-entry').message, "entry 'pkg/secret.so' is encrypted (general-purpose bit 0); its content cannot be read or audited");
    notRead(scan, 'pkg/secret.so');
    goodWasRead(scan);
  });

  test('strong encryption (bit 6) stops yauzl: a fatal encrypted-entry problem', async () => {
    const scan = await scanBytes(buildZip({ entries: [GOOD, { name: 'pkg/secret.so', data: 'x', encrypted: true, flags: 0x40 }] }));
    const p = only(scan, 'encrypted-entry');
    assert.equal(p.fatal, true);
    assert.equal(p.message, 'central-directory entry #2 uses strong encryption (general-purpose bit 6); the archive cannot be read');
  });

  test('compression methods other than stored and deflate are reported and not read', async () => {
    const scan = await scanBytes(
      buildZip({ entries: [GOOD, { name: 'a.bin', data: 'x', rawMethod: 12 }, { name: 'b.bin', data: 'x', rawMethod: 93 }, { name: 'c.bin', data: 'x', rawMethod: 9 }] }),
    );
    assert.deepEqual(
      scan.problems.map((p) => p.message),
      [
        "entry 'a.bin' uses compression method 12 (bzip2); only stored (0) and deflate (8) are read, and PyPI and Java accept no other",
        "entry 'b.bin' uses compression method 93 (zstd); only stored (0) and deflate (8) are read, and PyPI and Java accept no other",
        "entry 'c.bin' uses compression method 9 (deflate64); only stored (0) and deflate (8) are read, and PyPI and Java accept no other",
      ],
    );
    assertCodes(scan, ['unsupported-compression', 'unsupported-compression', 'unsupported-compression']);
    notRead(scan, 'a.bin');
    goodWasRead(scan);
  });

  test('a directory entry carrying data hides it', async () => {
    const scan = await scanBytes(buildZip({ entries: [GOOD, { name: 'pkg/dir/', data: 'smuggled bytes', method: 'store' }] }));
    assert.equal(only(scan, 'hidden-data').message, "directory entry 'pkg/dir/' carries 14 bytes of hidden data");
    assert.equal(entry(scan, 'pkg/dir/').isDirectory, true);
    notRead(scan, 'pkg/dir/');
  });
});

describe('size limits and zip bombs', () => {
  test('an entry declared beyond the per-entry limit is not read', async () => {
    const scan = await scanBytes(buildZip({ entries: [GOOD, { name: 'big.bin', data: 'x'.repeat(5000), declaredSize: 5000 }] }), { limits: { maxEntrySize: 4096 } });
    const p = only(scan, 'entry-too-large');
    assert.equal(p.message, "entry 'big.bin' declares 4.9 KiB inflated, beyond the 4.0 KiB per-entry limit");
    assert.equal(p.fatal, false);
    notRead(scan, 'big.bin');
    assert.equal(entry(scan, 'big.bin').size, 5000);
    goodWasRead(scan);
  });

  test('an entry that lies about its size is stopped once it inflates beyond the limit', async () => {
    const data = Buffer.alloc(300_000, 0x61);
    const scan = await scanBytes(buildZip({ entries: [{ name: 'liar.bin', data, declaredSize: 100 }, GOOD] }), { limits: { maxEntrySize: 100_000 } });
    assertCodes(scan, ['entry-too-large']);
    assert.equal(scan.problems[0]!.message, "entry 'liar.bin' inflates beyond the 97.7 KiB per-entry limit (it declares 100 bytes); reading stopped");
    const e = entry(scan, 'liar.bin');
    assert.equal(e.sha256, null);
    assert.ok(e.size > 100_000 && e.size <= 100_000 + 1024 * 1024, `stopped soon after the limit (${e.size})`);
    goodWasRead(scan);
  });

  test('a 1 GiB zip bomb stops after about ratioFloor bytes, in milliseconds, whatever its headers say', async () => {
    const { body, crc } = deflatedZeros(1 << 30);
    assert.ok(body.length < 1.1e6, `the bomb is ${body.length} bytes`);
    for (const declaredSize of [1 << 30, 1000]) {
      const zip = buildZip({ entries: [{ name: 'bomb.bin', body, crc, declaredSize }, GOOD] });
      const t0 = performance.now();
      const scan = await scanBytes(zip, { keep: () => true });
      const ms = performance.now() - t0;
      const p = only(scan, 'compression-ratio');
      assert.equal(p.path, 'bomb.bin');
      assert.equal(p.fatal, false);
      assert.match(p.message, /^entry 'bomb\.bin' inflates more than 1000× its compressed size \(1\.\d MiB from 1\.\d KiB so far; it declares (1\.0 GiB|1000 bytes) from 1\.0 MiB\): a zip bomb; reading stopped$/);
      const e = entry(scan, 'bomb.bin');
      assert.equal(e.sha256, null);
      assert.ok(e.size > DEFAULT_ARCHIVE_LIMITS.ratioFloor && e.size < 2 * DEFAULT_ARCHIVE_LIMITS.ratioFloor, `inflated ${e.size} bytes before stopping`);
      assert.ok(ms < 1000, `took ${ms.toFixed(0)} ms`);
      goodWasRead(scan);
    }
  });

  test('the same deflate stream within the ratio is read in full', async () => {
    const { body, crc } = deflatedZeros(4 << 20);
    const scan = await scanBytes(buildZip({ entries: [{ name: 'zeros.bin', body, crc, declaredSize: 4 << 20 }] }), { limits: { maxRatio: 5000 } });
    assertCodes(scan, []);
    assert.equal(entry(scan, 'zeros.bin').sha256, sha256(Buffer.alloc(4 << 20)));
  });

  test('the overlapping-entries bomb: only the innermost entry is inflated', async () => {
    const kernel = Buffer.alloc(512 * 1024, 0x41);
    const zip = overlapBomb(100, kernel);
    const dir = tempDir();
    const path = join(dir, 'overlap.zip');
    writeFileSync(path, zip);
    // A real bomb: Python's zipfile reads every entry, and its CRC checks pass.
    const total = python('import sys, zipfile\nz = zipfile.ZipFile(sys.argv[1])\nprint(sum(len(z.read(n)) for n in z.namelist()))', [path]);
    assert.ok(Number(total) > 100 * kernel.length, `Python inflates ${total} bytes`);

    const t0 = performance.now();
    const scan = await scanZip(path, { keep: () => false, spoolDir: join(dir, 'spool') });
    assert.ok(performance.now() - t0 < 1000);
    assert.equal(scan.problems.length, 99);
    assert.ok(scan.problems.every((p) => p.code === 'overlapping-entries'));
    assert.equal(
      scan.problems[0]!.message,
      "entry 'f0000' overlaps entry 'f0001': its data contains that entry's local header (overlapping entries, a zip-bomb construction); it was not read",
    );
    assert.equal(entry(scan, 'f0099').sha256, sha256(kernel));
    assert.equal(scan.entries.filter((e) => e.sha256 !== null).length, 1);
  });

  test('central-directory entries sharing one local header are read once', async () => {
    const base = buildZip({ entries: [{ name: 'a.bin', data: 'payload' }, { name: 'b.bin', data: 'other!!' }, GOOD] });
    const zip = repointEntry(base, 1, 0);
    const scan = await scanBytes(zip);
    // b.bin's own local header is now referenced by nothing: hidden data.
    assertCodes(scan, ['hidden-data', 'header-mismatch', 'overlapping-entries']);
    assert.equal(scan.problems[0]!.message, "44 bytes of hidden data between entry 'a.bin' and entry 'pkg/good.py', accounted for by no header");
    assert.equal(
      scan.problems[2]!.message,
      "entry 'b.bin' shares its local header and data with entry 'a.bin' (overlapping entries, a zip-bomb construction); it was not read",
    );
    assert.equal(entry(scan, 'a.bin').sha256, sha256('payload'));
    notRead(scan, 'b.bin');
    goodWasRead(scan);
  });

  test('the total inflated size stops the whole scan (fatal)', async () => {
    const entries = [0, 1, 2, 3].map((i) => ({ name: `f${i}.bin`, data: Buffer.alloc(3000, 0x30 + i) }));
    const scan = await scanBytes(buildZip({ entries }), { limits: { maxTotalSize: 7000 } });
    const p = only(scan, 'total-too-large');
    assert.equal(p.fatal, true);
    assert.equal(p.path, 'f2.bin');
    assert.equal(p.message, "the archive inflates beyond the 6.8 KiB total limit at entry 'f2.bin'; reading stopped");
    assert.deepEqual(
      scan.entries.map((e) => e.sha256 !== null),
      [true, true, false, false],
    );
  });

  test('too many entries is fatal before anything is read', async () => {
    const scan = await scanBytes(buildZip({ entries: [GOOD, { name: 'b', data: 'b' }, { name: 'c', data: 'c' }] }), { limits: { maxEntries: 2 } });
    assert.deepEqual(scan.problems, [{ code: 'too-many-entries', path: null, message: 'the archive has 3 entries, beyond the limit of 2; nothing was read', fatal: true }]);
    assert.deepEqual(scan.entries, []);
    assert.ok(scan.sha256.length === 64);
  });
});

describe('headers that disagree (parser differentials)', () => {
  test('each field of the local header that differs from the central directory is named', async () => {
    const scan = await scanBytes(
      buildZip({
        entries: [
          GOOD,
          { name: 'pkg/a.py', localName: 'pkg/evil.py', data: 'a' },
          { name: 'pkg/b.py', data: 'b', local: { method: 0 } },
          { name: 'pkg/c.py', data: 'c', local: { crc: 0x12345678 } },
          { name: 'pkg/d.py', data: 'd', local: { size: 99, compressedSize: 1 } },
          { name: 'pkg/e.py', data: 'e', local: { flags: 0x801 } },
          { name: 'pkg/f.py', data: 'f', local: { flags: 0x808 } },
        ],
      }),
    );
    assertCodes(scan, ['header-mismatch', 'header-mismatch', 'header-mismatch', 'header-mismatch', 'header-mismatch', 'header-mismatch']);
    assert.deepEqual(
      scan.problems.map((p) => p.message),
      [
        "the local header of entry 'pkg/a.py' disagrees with the central directory: name 'pkg/evil.py'; extractors that read local headers see a different file",
        "the local header of entry 'pkg/b.py' disagrees with the central directory: compression method 0 (stored) (central 8 (deflate)); extractors that read local headers see a different file",
        "the local header of entry 'pkg/c.py' disagrees with the central directory: CRC-32 0x12345678 (central 0x" +
          crc32('c').toString(16).padStart(8, '0') +
          "); extractors that read local headers see a different file",
        "the local header of entry 'pkg/d.py' disagrees with the central directory: compressed size 1 (central 3); size 99 (central 1); extractors that read local headers see a different file",
        "the local header of entry 'pkg/e.py' disagrees with the central directory: flags 0x0801 (central 0x0800); extractors that read local headers see a different file",
        "the local header of entry 'pkg/f.py' disagrees with the central directory: flags 0x0808 (central 0x0800); no data descriptor where its flags announce one; extractors that read local headers see a different file",
      ],
    );
    // The central directory is what installers (pip, through zipfile) read: the entries are still read by it.
    assert.equal(entry(scan, 'pkg/a.py').sha256, sha256('a'));
    goodWasRead(scan);
  });

  test('a data descriptor that disagrees with the central directory', async () => {
    const dir = tempDir();
    const path = join(dir, 'dd.zip');
    python(
      `import io, sys, zipfile
class U(io.RawIOBase):
    def __init__(self, f): self.f = f
    def writable(self): return True
    def write(self, b): return self.f.write(b)
with open(sys.argv[1], 'wb') as f, zipfile.ZipFile(U(f), 'w', zipfile.ZIP_DEFLATED) as z:
    z.writestr('a.txt', b'hello world')
    z.writestr('pkg/good.py', b'print("fine")\\n')`,
      [path],
    );
    const bytes = Buffer.from((await import('node:fs')).readFileSync(path));
    const ddAt = bytes.indexOf(Buffer.from([0x50, 0x4b, 0x07, 0x08]));
    bytes.writeUInt32LE(0xdeadbeef, ddAt + 4); // the descriptor's CRC
    const scan = await scanBytes(bytes);
    assertCodes(scan, ['header-mismatch']);
    assert.match(scan.problems[0]!.message, /^the local header of entry 'a\.txt' disagrees with the central directory: a data descriptor with CRC-32 0xdeadbeef \(central 0x[0-9a-f]{8}\); /);
    goodWasRead(scan);
  });
});

describe('corrupt entries', () => {
  test('a wrong CRC, a wrong size, garbage and truncated deflate data, each for one entry only', async () => {
    const data = Buffer.from('the real content of the entry\n'.repeat(50));
    const deflated = deflateRawSync(data);
        const scan = await scanBytes(
      buildZip({
        entries: [
          { name: 'crc.bin', data, crc: 0x01020304 },
          { name: 'size.bin', data, declaredSize: data.length - 1 },
          { name: 'garbage.bin', body: Buffer.from('this is not deflate data at all'), crc: crc32(data), declaredSize: data.length },
          { name: 'cut.bin', body: deflated.subarray(0, deflated.length - 10), crc: crc32(data), declaredSize: data.length },
          { name: 'stored.bin', data: 'stored', method: 'store', declaredSize: 3 },
          GOOD,
        ],
      }),
      { keep: () => true },
    );
    assertCodes(scan, ['corrupt-entry', 'corrupt-entry', 'corrupt-entry', 'corrupt-entry', 'corrupt-entry']);
    assert.deepEqual(
      scan.problems.map((p) => p.message),
      [
        `entry 'crc.bin' is corrupt: its CRC-32 is 0x${crc32(data).toString(16).padStart(8, '0')} but 0x01020304 is declared`,
        `entry 'size.bin' is corrupt: it inflates to ${data.length} bytes but declares ${data.length - 1}`,
        "entry 'garbage.bin' is corrupt: its deflate data cannot be inflated (invalid code lengths set)",
        "entry 'cut.bin' is corrupt: its deflate data cannot be inflated (unexpected end of file)",
        "entry 'stored.bin' is corrupt: it inflates to 6 bytes but declares 3",
      ],
    );
    for (const name of ['crc.bin', 'size.bin', 'garbage.bin', 'cut.bin', 'stored.bin']) notRead(scan, name);
    goodWasRead(scan);
    assert.ok(entry(scan, 'pkg/good.py').content, 'good content still kept');
  });

  test('corrupt data in a large (streamed) entry', async () => {
    const data = randomBytes(400_000);
    const deflated = deflateRawSync(data);
    const body = Buffer.concat([deflated.subarray(0, 70_000), Buffer.alloc(20_000, 0xff)]);
        const scan = await scanBytes(buildZip({ entries: [{ name: 'big.bin', body, crc: crc32(data), declaredSize: data.length }, GOOD] }));
    assert.ok(body.length > 64 * 1024, 'beyond the small-entry path');
    assert.match(only(scan, 'corrupt-entry').message, /^entry 'big\.bin' is corrupt: its deflate data cannot be inflated \(.+\)$/);
    goodWasRead(scan);
  });

  test('a local header offset outside the archive, and data that runs into the central directory', async () => {
    const base = buildZip({ entries: [{ name: 'a.bin', data: 'a' }, GOOD] });
    const scan = await scanBytes(repointEntry(base, 0, 0x7fff_0000));
    assert.equal(only(scan, 'corrupt-entry').message, "entry 'a.bin' is corrupt: its local header offset (2147418112) lies outside the area before the central directory");
    notRead(scan, 'a.bin');
    goodWasRead(scan);
  });

  test('yauzl would abort on a stored entry whose sizes differ; we report that entry and read the rest', async () => {
    const scan = await scanBytes(buildZip({ entries: [{ name: 'odd.bin', data: 'abcdef', method: 'store', declaredSize: 100 }, GOOD] }));
    assert.equal(only(scan, 'corrupt-entry').message, "entry 'odd.bin' is corrupt: it inflates to 6 bytes but declares 100");
    goodWasRead(scan);
  });
});

describe('data outside the entries', () => {
  test('leading data (offsets adjusted, like a self-extractor)', async () => {
    const scan = await scanBytes(buildZip({ prefix: Buffer.from('#!/bin/sh\nexec python3 "$0"\n'), entries: [GOOD] }));
    assert.equal(only(scan, 'leading-data').message, '28 bytes of leading data before the first entry (a stub, script or another file)');
    goodWasRead(scan);
  });

  test('leading data prepended without adjusting the offsets (cat stub a.zip) is read past, as Python does', async () => {
    const zip = buildZip({ entries: [GOOD] });
    const scan = await scanBytes(Buffer.concat([Buffer.alloc(1000, 0x20), zip]));
    assert.equal(
      only(scan, 'leading-data').message,
      "1000 bytes of leading data before the first entry (a stub, script or another file); the archive's offsets do not count 1000 bytes of it (a file prepended with cat)",
    );
    goodWasRead(scan);
  });

  test('trailing data, short and beyond the 64 KiB yauzl searches, is reported and the archive still read', async () => {
    for (const suffix of [Buffer.from('appended'), Buffer.alloc(200_000, 0x50)]) {
      const scan = await scanBytes(buildZip({ entries: [GOOD], suffix }));
      assertCodes(scan, ['trailing-data']);
      assert.match(scan.problems[0]!.message, /^(8 bytes|195\.3 KiB) of trailing data after the end-of-central-directory record \(an appended file or archive\)$/);
      goodWasRead(scan);
    }
  });

  test('an archive appended to another reads as the last one, with the first as leading data', async () => {
    const first = buildZip({ entries: [{ name: 'first.txt', data: '1' }] });
    const second = buildZip({ entries: [GOOD] });
    const scan = await scanBytes(Buffer.concat([first, second]));
    assertCodes(scan, ['leading-data']);
    assert.deepEqual(
      scan.entries.map((e) => e.path),
      ['pkg/good.py'],
    );
  });

  test('hidden data between entries, after the last entry, and after a deflate stream', async () => {
    const data = Buffer.from('payload '.repeat(20));
        const scan = await scanBytes(
      buildZip({
        entries: [
          { name: 'a.bin', data: 'a' },
          { name: 'b.bin', data: 'b', before: Buffer.from('SECRET-BETWEEN') },
          { name: 'c.bin', body: Buffer.concat([deflateRawSync(data), Buffer.from('SECRET-INSIDE')]), crc: crc32(data), declaredSize: data.length },
          GOOD,
        ],
        gap: Buffer.from('SECRET-BEFORE-CD'),
      }),
    );
    assertCodes(scan, ['hidden-data', 'hidden-data', 'hidden-data']);
    assert.deepEqual(
      scan.problems.map((p) => p.message),
      [
        "14 bytes of hidden data between entry 'a.bin' and entry 'b.bin', accounted for by no header",
        "entry 'c.bin' has 13 bytes of hidden data after the end of its deflate stream",
        "16 bytes of hidden data between the last entry, entry 'pkg/good.py', and the central directory, accounted for by no header",
      ],
    );
    assert.equal(entry(scan, 'c.bin').sha256, sha256(data), 'the entry itself is intact');
    goodWasRead(scan);
  });

  test('bytes between the central directory and the end record', async () => {
    const zip = buildZip({ entries: [GOOD] });
    const eocdAt = zip.length - 22;
    const scan = await scanBytes(Buffer.concat([zip.subarray(0, eocdAt), Buffer.from('SMUGGLED'), zip.subarray(eocdAt)]));
    assert.equal(only(scan, 'hidden-data').message, '8 bytes of hidden data between the central directory and the end-of-central-directory record');
    goodWasRead(scan);
  });

  test('a central directory with an entry the end record does not count', async () => {
    const scan = await scanBytes(buildZip({ entries: [GOOD, { name: 'uncounted.so', data: 'x' }], declaredCount: 1 }));
    assert.deepEqual(
      scan.problems.map((p) => [p.code, p.message]),
      [
        [
          'hidden-data',
          '58 bytes of hidden data in the central directory after the 1 entry the end record counts; they begin with another entry header, so readers that go by the directory size (Python zipfile) see more entries than the count',
        ],
        // The uncounted entry's local header and data are referenced by no counted entry.
        ['hidden-data', "45 bytes of hidden data between the last entry, entry 'pkg/good.py', and the central directory, accounted for by no header"],
      ],
    );
    assert.deepEqual(
      scan.entries.map((e) => e.path),
      ['pkg/good.py'],
    );
  });
});

describe('unreadable archives', () => {
  test('not a zip at all, empty, tiny, or a tar', async () => {
    const dir = tempDir();
    execFileSync(toolPath('tar'), ['-cf', join(dir, 'x.tar'), '-C', dir, '.'], { stdio: 'ignore' });
    const tar = (await import('node:fs')).readFileSync(join(dir, 'x.tar'));
    const cases: [Uint8Array, string][] = [
      [Buffer.from('#!/usr/bin/env python3\nprint("not a wheel")\n'), 'not a zip archive: no end-of-central-directory record found'],
      [Buffer.alloc(0), 'not a zip archive: the file is only 0 bytes long'],
      [Buffer.from('PK'), 'not a zip archive: the file is only 2 bytes long'],
      [tar, 'not a zip archive: no end-of-central-directory record found'],
    ];
    for (const [bytes, message] of cases) {
      const scan = await scanBytes(bytes);
      assert.deepEqual(scan.problems, [{ code: 'unreadable', path: null, message, fatal: true }]);
      assert.deepEqual(scan.entries, []);
      assert.equal(scan.size, bytes.length);
      assert.equal(scan.sha256, sha256(bytes));
    }
  });

  test('a truncated archive (cut inside the data, inside the central directory, or its end record)', async () => {
    const zip = buildZip({ entries: [GOOD, { name: 'b.bin', data: Buffer.alloc(5000, 1) }] });
    for (const cut of [100, zip.length - 40, zip.length - 10]) {
      const scan = await scanBytes(zip.subarray(0, cut));
      const p = only(scan, 'unreadable');
      assert.equal(p.fatal, true);
      assert.equal(p.message, 'not a zip archive: no end-of-central-directory record found');
    }
  });

  test('an end record whose central directory is missing', async () => {
    const zip = buildZip({ entries: [GOOD] });
    const eocd = zip.subarray(zip.length - 22);
    const scan = await scanBytes(Buffer.concat([Buffer.alloc(100, 0x20), eocd]));
    assert.equal(only(scan, 'unreadable').message, 'the central directory is not where the end record places it (offset 57): a truncated or corrupt archive');
  });

  test('an end record that counts more entries than the central directory holds', async () => {
    const scan = await scanBytes(buildZip({ entries: [GOOD], declaredCount: 3 }));
    assert.equal(only(scan, 'unreadable').message, 'the end-of-central-directory record counts 3 entries but the central directory holds only 1');
  });

  test('a central-directory extra field that overruns its entry: yauzl stops, its message made readable', async () => {
    const scan = await scanBytes(buildZip({ entries: [GOOD, { name: 'b.bin', data: 'b', extra: Buffer.from([0x01, 0x00, 0xff, 0x00]) }] }));
    assert.deepEqual(scan.problems, [
      {
        code: 'unreadable',
        path: null,
        message: 'central-directory entry #2 is malformed: extra field length exceeds extra field buffer size',
        fatal: true,
      },
    ]);
    assert.deepEqual(
      scan.entries.map((e) => [e.path, e.sha256]),
      [['pkg/good.py', null]],
      'entries read before the fatal problem are listed, unread',
    );
  });

  test('a split (multi-disk) archive', async () => {
    const zip = buildZip({ entries: [GOOD] });
    zip.writeUInt16LE(1, zip.length - 22 + 4);
    const scan = await scanBytes(zip);
    assert.equal(only(scan, 'unreadable').message, 'the archive is split across several disks (a multi-part zip), which is not supported');
  });
});

describe('robustness', () => {
  test('random corruption of an archive never throws or hangs, and yields problems that are sentences', async () => {
    const wheel = buildZip({
      entries: [GOOD, { name: 'pkg/_core.so', data: Buffer.from('\x7fELF'.repeat(5000)) }, { name: 'pkg/dir/', data: '' }, { name: 'pkg/data.bin', data: 'z'.repeat(3000), method: 'store' }],
    });
    let seed = 0x2545f491;
    const rand = () => {
      seed ^= seed << 13;
      seed ^= seed >>> 17;
      seed ^= seed << 5;
      return (seed >>> 0) / 0x100000000;
    };
    const seen = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const b = Buffer.from(wheel);
      const flips = 1 + Math.floor(rand() * 4);
      for (let f = 0; f < flips; f++) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
      const t0 = performance.now();
      const scan = await scanBytes(b, { keep: () => true });
      assert.ok(performance.now() - t0 < 500, `mutation ${i} took too long`);
      for (const p of scan.problems) {
        seen.add(p.code);
        assert.ok(p.message.length > 0);
      }
      JSON.stringify(scan, (_k, v: unknown) => (v instanceof Uint8Array ? v.length : v));
    }
    assert.ok(seen.size >= 5, `mutations reached ${[...seen].join(', ')}`);
  });
});
