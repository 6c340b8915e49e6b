/**
 * Hostile and broken tarballs: one crafted tarball per problem code (and per
 * way of hitting it), each read to the end without an exception, with the
 * exact problem, the entry it names, and what happened to that entry's
 * content — while the good entries beside it are still read and hashed.
 * Where the reader claims what npm or GNU tar do with such a file, the test
 * asks them: npm's own tar parser (node-tar) and `tar -t`.
 */
import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { describe, after, test } from 'node:test';
import { gzipSync } from 'node:zlib';
import { DEFAULT_ARCHIVE_LIMITS, type ArchiveScan } from '../../src/artifact/archive/types.ts';
import {
  assertNpmAgrees,
  BLOCK,
  EOA,
  file,
  gnuLong,
  gnuTarList,
  gz,
  gzBadCrc,
  gzipBomb,
  header,
  listing,
  npmList,
  pax,
  scanTarBytes,
  tar,
  writeTemp,
} from './tar-helpers.ts';
import { assertCodes, cleanup, entry, notRead, only, sha256 } from './zip-helpers.ts';

after(cleanup);

const GOOD = file('package/good.js', 'module.exports = "fine"\n');

function goodWasRead(scan: ArchiveScan): void {
  assert.equal(entry(scan, 'package/good.js').sha256, sha256('module.exports = "fine"\n'));
}

describe('names', () => {
  test('path traversal: `..`, absolute paths, drive letters and backslashes, one problem each, the content skipped', async () => {
    const bad = ['../../etc/passwd', 'package/../../x', '/etc/passwd', 'C:/Windows/evil.dll', 'package\\..\\..\\evil', 'package\\sub.js'];
    const bytes = gz(tar(GOOD, ...bad.map((name) => file(name, 'x'))));
    const scan = await scanTarBytes(bytes, { keep: () => true });
    assertCodes(scan, bad.map(() => 'path-traversal'));
    assert.deepEqual(
      scan.problems.map((p) => p.message),
      [
        "entry '../../etc/passwd' escapes the archive root (path traversal)",
        "entry 'package/../../x' escapes the archive root (path traversal)",
        "entry '/etc/passwd' has an absolute path (path traversal)",
        "entry 'C:/Windows/evil.dll' starts with a drive letter (path traversal)",
        "entry 'package\\..\\..\\evil' escapes the archive root (path traversal)",
        "entry 'package\\sub.js' contains a backslash, which Windows tools treat as a path separator (path traversal)",
      ],
    );
    assert.deepEqual(
      scan.problems.map((p) => p.path),
      bad,
    );
    for (const name of bad) notRead(scan, name);
    goodWasRead(scan);
    await assertNpmAgrees(bytes, scan);
  });

  test('the ustar prefix and a pax path are part of the name that is checked', async () => {
    const scan = await scanTarBytes(tar(GOOD, file('x.js', 'x', { prefix: '../escape' }), pax([['path', '/abs/from/pax']]), file('innocent.js', 'y')));
    assert.deepEqual(
      scan.problems.map((p) => [p.code, p.path]),
      [
        ['path-traversal', '../escape/x.js'],
        ['path-traversal', '/abs/from/pax'],
      ],
    );
  });

  test('invalid names: control and bidi characters, invalid UTF-8 (ustar field and pax record), over-long names and components', async () => {
    const bytes = tar(
      GOOD,
      file('package/tab\there.js', 'x'),
      file('package/evil\u202egnp.exe', 'x'),
      file(Buffer.from([0x70, 0x2f, 0x62, 0xff, 0xfe, 0x2e, 0x6a, 0x73]), 'x'),
      // A 4-byte sequence cut after 3 bytes: one U+FFFD for three bytes, so npm's pax length check still passes.
      pax([['path', Buffer.concat([Buffer.from('package/'), Buffer.from([0xf0, 0x9f, 0x98]), Buffer.from('.js')])]]),
      file('placeholder', 'x'),
      pax([['path', `package/${'x'.repeat(300)}`]]),
      file('placeholder2', 'x'),
      gnuLong(`package/${'é'.repeat(130)}.js`),
      file('placeholder3', 'x'),
    );
    const scan = await scanTarBytes(bytes, { limits: { maxPathLength: 280 } });
    assertCodes(scan, ['invalid-name', 'invalid-name', 'invalid-name', 'invalid-name', 'invalid-name', 'invalid-name']);
    assert.deepEqual(
      scan.problems.map((p) => p.message),
      [
        "entry 'package/tab\\x09here.js' contains the control character U+0009",
        "entry 'package/evil\\u202egnp.exe' contains the bidirectional control character U+202E, which can disguise the name",
        "entry 'p/b\uFFFD\uFFFD.js' is not valid UTF-8 (its invalid bytes are shown as U+FFFD)",
        "entry 'package/\uFFFD.js' is not valid UTF-8 (its invalid bytes are shown as U+FFFD)",
        `entry 'package/${'x'.repeat(192)}…' has a 308-byte name, beyond the 280-byte limit`,
        `entry 'package/${'é'.repeat(130)}.js' has a path component longer than 255 bytes, which file systems refuse`,
      ],
    );
    for (const e of scan.entries.slice(1)) assert.equal(e.sha256, null, e.path);
    goodWasRead(scan);
    await assertNpmAgrees(bytes, scan);
  });

  test('duplicates, case collisions and a file that another entry needs as a directory', async () => {
    const bytes = gz(
      tar(
        GOOD,
        file('package/mod.node', 'first'),
        file('package/mod.node', 'second'),
        file('./package/good.js', 'shadow'),
        file('package/Lib.js', 'a'),
        file('package/lib.js', 'b'),
        file('package/data', 'a file'),
        file('package/data/x.txt', 'needs package/data to be a directory'),
      ),
    );
    const scan = await scanTarBytes(bytes);
    assert.deepEqual(
      scan.problems.map((p) => [p.code, p.message]),
      [
        ['duplicate-entry', "entry 'package/mod.node' appears more than once in the archive (first as entry #2); extractors disagree on which copy wins"],
        ['duplicate-entry', "entry './package/good.js' names the same path as entry 'package/good.js'; extractors disagree on which copy wins"],
        [
          'case-collision',
          "entry 'package/lib.js' and entry 'package/Lib.js' differ only in case or Unicode normalization; they collide on case-insensitive file systems (Windows, macOS)",
        ],
        ['duplicate-entry', "entry 'package/data' is a file, but entry 'package/data/x.txt' needs it to be a directory"],
      ],
    );
    // Both copies are read: tar extracts the last, and both are worth auditing.
    assert.deepEqual(
      scan.entries.filter((e) => e.path === 'package/mod.node').map((e) => e.sha256),
      [sha256('first'), sha256('second')],
    );
  });
});

describe('entry types', () => {
  test('a symlink is reported with its target and not read; npm install skips it', async () => {
    const bytes = gz(tar(GOOD, header({ name: 'package/libfoo.so', type: '2', linkname: '../../../../etc/shadow', mode: 0o777 })));
    const scan = await scanTarBytes(bytes, { keep: () => true });
    const p = only(scan, 'symlink');
    assert.equal(p.path, 'package/libfoo.so');
    assert.equal(
      p.message,
      "entry 'package/libfoo.so' is a symbolic link to '../../../../etc/shadow'; links are not regular files and can point outside the archive, and npm install skips them (the file is missing after install)",
    );
    notRead(scan, 'package/libfoo.so');
    assert.equal(entry(scan, 'package/libfoo.so').mode, 0o120777);
    goodWasRead(scan);
    await assertNpmAgrees(bytes, scan);
  });

  test('a hard link, devices, a FIFO and types npm skips are special files; a contiguous file is a regular file', async () => {
    const bytes = tar(
      GOOD,
      header({ name: 'package/hard.js', type: '1', linkname: 'package/good.js' }),
      header({ name: 'package/tty', type: '3', mode: 0o620 }),
      header({ name: 'package/sda', type: '4', mode: 0o660 }),
      header({ name: 'package/fifo', type: '6' }),
      file('package/sparse.bin', 'sparse map and data', { type: 'S' }),
      file('package/volume', 'label', { type: 'V' }),
      file('package/contiguous.js', 'contiguous', { type: '7' }),
    );
    const scan = await scanTarBytes(bytes);
    assertCodes(scan, ['special-file', 'special-file', 'special-file', 'special-file', 'special-file', 'special-file']);
    assert.deepEqual(
      scan.problems.map((p) => p.message),
      [
        "entry 'package/hard.js' is a hard link to 'package/good.js', not a regular file; npm install skips links (the file is missing after install), tar makes it a second name for that entry",
        'entry \'package/tty\' is a character device (tar type "3"), not a regular file or directory; npm install skips it',
        'entry \'package/sda\' is a block device (tar type "4"), not a regular file or directory; npm install skips it',
        'entry \'package/fifo\' is a FIFO (tar type "6"), not a regular file or directory; npm install skips it',
        'entry \'package/sparse.bin\' is a GNU sparse file (tar type "S"), not a regular file or directory; npm install skips it',
        'entry \'package/volume\' is a tape volume header (tar type "V"), not a regular file or directory; npm install skips it',
      ],
    );
    assert.deepEqual(
      scan.entries.map((e) => e.mode),
      [0o100644, 0o100644, 0o020620, 0o060660, 0o010644, 0o644, 0o644, 0o100644],
    );
    for (const p of ['package/hard.js', 'package/sparse.bin', 'package/volume']) notRead(scan, p);
    assert.equal(entry(scan, 'package/contiguous.js').sha256, sha256('contiguous'));
    goodWasRead(scan);
    const npm = await npmList(bytes);
    assert.deepEqual(npm.types, ['File', 'Link', 'CharacterDevice', 'BlockDevice', 'FIFO', 'SparseFile', 'TapeVolumeHeader', 'ContiguousFile']);
    assert.deepEqual(listing(scan), npm.entries);
  });

  test('old-style entries: a NUL type flag is a file, a trailing slash a directory, and a v7 header (no magic) is read', async () => {
    const bytes = tar(GOOD, file('package/old.js', 'old', { type: '\0' }), header({ name: 'package/dir/', type: '0' }), file('package/v7.js', 'v7', { magic: 'v7' }));
    const scan = await scanTarBytes(bytes);
    assertCodes(scan, []);
    assert.equal(entry(scan, 'package/old.js').sha256, sha256('old'));
    assert.equal(entry(scan, 'package/dir/').isDirectory, true);
    assert.equal(entry(scan, 'package/v7.js').sha256, sha256('v7'));
    await assertNpmAgrees(bytes, scan);
  });

  test('a directory that declares a size has no data: every reader takes the bytes after it as headers', async () => {
    const inner = file('package/inside.js', 'read as an entry\n');
    const bytes = tar(header({ name: 'package/dir/', type: '5', size: inner.length, mode: 0o755 }), inner, GOOD);
    const scan = await scanTarBytes(bytes);
    assertCodes(scan, []);
    assert.deepEqual(
      scan.entries.map((e) => [e.path, e.size]),
      [
        ['package/dir/', 0],
        ['package/inside.js', 17],
        ['package/good.js', 24],
      ],
    );
    assert.equal(entry(scan, 'package/inside.js').sha256, sha256('read as an entry\n'));
    await assertNpmAgrees(bytes, scan);
    assert.deepEqual(gnuTarList(writeTemp(bytes, 'dir.tar')).names, ['package/dir/', 'package/inside.js', 'package/good.js']);
  });

  test('GNU long names and pax paths over 100 bytes, and a ustar prefix, name the entry that follows them', async () => {
    const longGnu = `package/${'g'.repeat(150)}.js`;
    const longPax = `package/${'p'.repeat(150)}/é.js`;
    const bytes = gz(tar(gnuLong(longGnu), file('package/short1', 'gnu'), pax([['path', longPax]]), file('package/short2', 'pax'), file('tail.js', 'prefix', { prefix: `package/${'q'.repeat(120)}` }), GOOD));
    const scan = await scanTarBytes(bytes);
    assertCodes(scan, []);
    assert.equal(entry(scan, longGnu).sha256, sha256('gnu'));
    assert.equal(entry(scan, longPax).sha256, sha256('pax'));
    assert.equal(entry(scan, `package/${'q'.repeat(120)}/tail.js`).sha256, sha256('prefix'));
    await assertNpmAgrees(bytes, scan);
  });
});

describe('size limits and gzip bombs', () => {
  test('an entry larger than the per-entry limit streams past unbuffered and unread; the next one is read', async () => {
    const big = Buffer.alloc(5 << 20, 0x61);
    const kept: string[] = [];
    const scan = await scanTarBytes(gz(tar(file('package/big.bin', big), GOOD)), {
      keep: (p) => {
        kept.push(p);
        return true;
      },
      limits: { maxEntrySize: 1 << 20, maxRatio: 1e6 },
    });
    const p = only(scan, 'entry-too-large');
    assert.equal(p.message, "entry 'package/big.bin' holds 5.0 MiB, beyond the 1.0 MiB per-entry limit; it was not read");
    assert.equal(p.fatal, false);
    assert.deepEqual(kept, ['package/good.js'], 'keep() never sees the skipped entry');
    notRead(scan, 'package/big.bin');
    assert.equal(entry(scan, 'package/big.bin').size, 5 << 20);
    goodWasRead(scan);
  });

  test('a 1 GiB gzip bomb stops within a few MiB, in milliseconds, in bounded memory', async () => {
    const bomb = gzipBomb(1 << 30);
    assert.ok(bomb.length < 1.1e6, `the bomb is ${bomb.length} bytes`);
    const t0 = performance.now();
    const heap0 = process.memoryUsage().arrayBuffers;
    const scan = await scanTarBytes(bomb, { keep: () => true });
    const ms = performance.now() - t0;
    const p = only(scan, 'compression-ratio');
    assert.equal(p.path, 'package/bomb.bin');
    assert.equal(p.fatal, true);
    assert.match(p.message, /^the tarball inflates more than 1000× its compressed size \(\d\.\d MiB from \d\.\d KiB so far at entry 'package\/bomb\.bin'\): a gzip bomb; reading stopped$/);
    const e = entry(scan, 'package/bomb.bin');
    assert.equal(e.sha256, null);
    assert.equal(e.compressedSize, 1 << 30, 'listed with its declared size');
    // zlib compresses zeros 1011:1, barely over the 1000 limit: the stream's ratio crosses it after a few MiB (a real bomb, nested or not, sooner).
    assert.ok(e.size > DEFAULT_ARCHIVE_LIMITS.ratioFloor && e.size < 16 * DEFAULT_ARCHIVE_LIMITS.ratioFloor, `read ${e.size} bytes before stopping`);
    assert.ok(ms < 1000, `took ${ms.toFixed(0)} ms`);
    assert.ok(process.memoryUsage().arrayBuffers - heap0 < 64 << 20, 'bounded memory');
  });

  test('the same stream within the ratio limit is read in full; a plain tar has no ratio', async () => {
    const scan = await scanTarBytes(gzipBomb(4 << 20), { limits: { maxRatio: 5000 } });
    // The bomb builder leaves the gzip CRC unset: that, and only that, is reported.
    assertCodes(scan, ['corrupt-entry']);
    assert.equal(entry(scan, 'package/bomb.bin').sha256, sha256(Buffer.alloc(4 << 20)));
    const plain = await scanTarBytes(tar(file('package/zeros', Buffer.alloc(4 << 20))));
    assertCodes(plain, []);
  });

  test('the total size of the tar stream stops the scan (fatal)', async () => {
    const entries = [0, 1, 2, 3].map((i) => file(`package/f${i}.bin`, randomBytes(3000)));
    const scan = await scanTarBytes(gz(tar(...entries)), { limits: { maxTotalSize: 9000 } });
    const p = only(scan, 'total-too-large');
    assert.equal(p.fatal, true);
    assert.equal(p.path, 'package/f2.bin');
    assert.equal(p.message, "the tar stream inflates beyond the 8.8 KiB total limit at entry 'package/f2.bin'; reading stopped");
    // f2's data starts at 7680: 1320 of its bytes fit.
    assert.deepEqual(
      scan.entries.map((e) => [e.path, e.size, e.sha256 !== null]),
      [
        ['package/f0.bin', 3000, true],
        ['package/f1.bin', 3000, true],
        ['package/f2.bin', 1320, false],
      ],
    );
  });

  test('too many entries stops the scan at the first one beyond the limit', async () => {
    const scan = await scanTarBytes(tar(GOOD, file('b', 'b'), file('c', 'c')), { limits: { maxEntries: 2 } });
    assert.deepEqual(scan.problems, [{ code: 'too-many-entries', path: null, message: "the archive has more than 2 entries (the limit); reading stopped at entry 'c'", fatal: true }]);
    assert.deepEqual(
      scan.entries.map((e) => [e.path, e.sha256 !== null]),
      [
        ['package/good.js', true],
        ['b', true],
      ],
    );
  });

  test('a header declaring far more data than the file holds: the entry is cut short, nothing allocated', async () => {
    const huge = Buffer.from([0x80, 0, 0, 0, 0, 0, 0x10, 0, 0, 0, 0, 0]); // base-256: 2^44
    for (const [sizeSpec, size] of [
      [{ sizeField: huge }, 2 ** 44],
      [{ size: 0o77777777777 }, 0o77777777777],
    ] as const) {
      for (const compress of [false, true]) {
        const raw = Buffer.concat([GOOD, header({ name: 'package/liar.bin', ...sizeSpec }), Buffer.alloc(3000, 0x41)]);
        const t0 = performance.now();
        const scan = await scanTarBytes(compress ? gz(raw) : raw, { keep: () => true });
        assert.ok(performance.now() - t0 < 500);
        const codes = scan.problems.map((p) => p.code);
        assert.deepEqual(codes, size > DEFAULT_ARCHIVE_LIMITS.maxEntrySize ? ['entry-too-large', 'corrupt-entry', 'unreadable'] : ['corrupt-entry', 'unreadable'], JSON.stringify(scan.problems));
        const last = scan.problems[scan.problems.length - 1]!;
        assert.equal(last.message, "the tar stream ends inside entry 'package/liar.bin': a truncated archive");
        assert.equal(last.fatal, true);
        assert.equal(scan.problems[codes.length - 2]!.message, `entry 'package/liar.bin' is cut short: it declares ${size} bytes but the tar stream ends 3000 bytes into them`);
        notRead(scan, 'package/liar.bin');
        goodWasRead(scan);
      }
    }
  });
});

describe('truncated and corrupt streams', () => {
  const content = randomBytes(40_000);
  const raw = tar(GOOD, file('package/lib.node', content), file('package/index.js', 'x'.repeat(700)));
  const full = ['package/good.js', 'package/lib.node', 'package/index.js'];

  test('a gzip stream cut anywhere: never an exception, always a fatal problem, what was read is exact', async () => {
    const tgz = gz(raw);
    const cuts = new Set<number>();
    for (let c = 1; c < tgz.length; c += 97) cuts.add(c);
    for (const c of [2, 9, 10, 11, tgz.length - 8, tgz.length - 4, tgz.length - 1]) cuts.add(c);
    for (const cut of cuts) {
      const t0 = performance.now();
      const scan = await scanTarBytes(tgz.subarray(0, cut), { keep: () => true });
      assert.ok(performance.now() - t0 < 500, `cut at ${cut} took too long`);
      assert.ok(scan.problems.some((p) => p.fatal && p.code === 'unreadable'), `cut at ${cut}: ${JSON.stringify(scan.problems)}`);
      assert.deepEqual(
        scan.entries.map((e) => e.path),
        full.slice(0, scan.entries.length),
      );
      for (const e of scan.entries) if (e.sha256) assert.equal(e.sha256, sha256(e.path === 'package/lib.node' ? content : e.path === 'package/good.js' ? 'module.exports = "fine"\n' : 'x'.repeat(700)));
    }
  });

  test('the messages for a gzip stream cut inside an entry, in its header, and in its trailer', async () => {
    const tgz = gz(raw);
    const mid = await scanTarBytes(tgz.subarray(0, Math.floor(tgz.length / 2)));
    assert.deepEqual(
      mid.problems.map((p) => [p.code, p.path, p.fatal]),
      [
        ['corrupt-entry', 'package/lib.node', false],
        ['unreadable', 'package/lib.node', true],
      ],
    );
    assert.match(mid.problems[0]!.message, /^entry 'package\/lib\.node' is cut short: the gzip stream fails after \d+ of its 40000 bytes$/);
    assert.equal(mid.problems[1]!.message, 'the gzip stream is truncated (zlib: unexpected end of file)');
    const head = await scanTarBytes(tgz.subarray(0, 5));
    assert.deepEqual(head.problems, [{ code: 'unreadable', path: null, message: 'the file ends inside the gzip header: a truncated file', fatal: true }]);
    const trailer = await scanTarBytes(tgz.subarray(0, tgz.length - 3));
    assert.equal(only(trailer, 'unreadable').message, 'the file ends inside the gzip trailer: a truncated file');
    assert.equal(trailer.entries.filter((e) => e.sha256).length, 3, 'every entry was read before the trailer');
  });

  test('a plain tar cut anywhere: a fatal problem, unless the cut falls between entries (a tar without its end blocks)', async () => {
    for (let cut = 1; cut < raw.length; cut += 61) {
      const scan = await scanTarBytes(raw.subarray(0, cut));
      const between = cut % BLOCK === 0 && [BLOCK * 2, BLOCK * 82, BLOCK * 84].some((b) => cut >= b);
      if (scan.problems.length === 0) assert.ok(between, `cut at ${cut} went unnoticed`);
      else assert.ok(scan.problems.some((p) => p.fatal), `cut at ${cut}: ${JSON.stringify(scan.problems)}`);
      assert.deepEqual(
        scan.entries.map((e) => e.path),
        full.slice(0, scan.entries.length),
      );
    }
    const inside = await scanTarBytes(raw.subarray(0, BLOCK * 2 + BLOCK + 1000));
    assert.deepEqual(
      inside.problems.map((p) => p.message),
      ["entry 'package/lib.node' is cut short: it declares 40000 bytes but the tar stream ends 1000 bytes into them", "the tar stream ends inside entry 'package/lib.node': a truncated archive"],
    );
    const inHeader = await scanTarBytes(raw.subarray(0, BLOCK * 2 + 100));
    assert.deepEqual(inHeader.problems.map((p) => p.message), ['the tar stream ends inside the header block at offset 1024: a truncated archive']);
    const inPadding = await scanTarBytes(raw.subarray(0, BLOCK + 100));
    assert.deepEqual(inPadding.problems.map((p) => p.message), ["the tar stream ends inside entry 'package/good.js' (in the padding after its data): a truncated archive"]);
    goodWasRead(inPadding);
    assert.equal(gnuTarList(writeTemp(raw.subarray(0, BLOCK + 100), 'cut.tar')).ok, false, 'GNU tar fails on it too');
  });

  test('a gzip CRC that does not match the data: the entries are read, and none can be trusted', async () => {
    const scan = await scanTarBytes(gzBadCrc(raw));
    assert.deepEqual(scan.problems, [
      {
        code: 'corrupt-entry',
        path: null,
        message: `gzip member 1 is corrupt: its CRC-32 is 0x${(scan.problems[0]!.message.match(/0x([0-9a-f]{8})/) ?? ['', ''])[1]} but its trailer says 0x${(scan.problems[0]!.message.match(/says 0x([0-9a-f]{8})/) ?? ['', ''])[1]}: the tarball is corrupt (gunzip and npm refuse it) and no entry read from it can be trusted`,
        fatal: false,
      },
    ]);
    assert.notEqual(scan.problems[0]!.message.match(/0x([0-9a-f]{8})/)![1], scan.problems[0]!.message.match(/says 0x([0-9a-f]{8})/)![1]);
    assert.ok((await npmList(gzBadCrc(raw))).warnings.length > 0, 'npm refuses it');
  });

  test('corrupt deflate data', async () => {
    const bad = Buffer.from(gz(raw));
    bad[10] = 0x07; // the first deflate block: final, of the reserved type 3
    const scan = await scanTarBytes(bad);
    assert.deepEqual(scan.problems, [{ code: 'unreadable', path: null, message: 'the gzip stream is corrupt at compressed offset 0 (zlib: invalid block type)', fatal: true }]);
    assert.deepEqual(scan.entries, []);
  });

  test('a header with a bad checksum mid-archive stops the scan: npm would skip that block and read on', async () => {
    const hidden = file('package/hidden.node', 'only npm sees this');
    const bytes = tar(GOOD, file('package/bad.js', 'b', { checksumDelta: 1 }), hidden);
    const scan = await scanTarBytes(bytes);
    assert.deepEqual(scan.problems, [
      {
        code: 'unreadable',
        path: null,
        message:
          "the tar stream is corrupt at offset 1024, after entry 'package/good.js': the block there is not a tar header (its checksum is 4368 but the header says 4369); npm skips such blocks and reads on, so it may extract entries that were not read here; reading stopped",
        fatal: true,
      },
    ]);
    goodWasRead(scan);
    const npm = await npmList(bytes);
    assert.ok(npm.entries.some((e) => e.path === 'package/hidden.node'), 'npm extracts the entry after the bad block');
  });

  test('a numeric field holding an invalid base-256 number makes the block no header', async () => {
    const b = header({ name: 'package/x', sizeField: Buffer.from([0x81, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]) });
    const scan = await scanTarBytes(tar(GOOD, b));
    assert.match(only(scan, 'unreadable').message, /the block there is not a tar header \(its size field holds an invalid base-256 number\)/);
  });
});

describe('not a tarball', () => {
  test('text, an empty file, a short file, a zip, zstd, gzip of something else', async () => {
    const cases: [Uint8Array, string, string][] = [
      [Buffer.from('#!/bin/sh\necho not a tarball\n'.repeat(40)), 'unreadable', 'not a tar archive (nor gzip): its first 512-byte block is not a tar header (its checksum field is empty)'],
      [Buffer.alloc(0), 'unreadable', 'not a tar archive: the file is empty'],
      [Buffer.from('tiny'), 'unreadable', 'not a tar archive (nor gzip): it is only 4 bytes long, less than one 512-byte header'],
      [Buffer.from('PK\x03\x04rest of a zip'), 'unreadable', 'not a tarball: the file is a zip archive'],
      [
        Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0]),
        'unsupported-compression',
        'the tarball is zstd-compressed; only gzip (what npm pack writes and the registry serves) and plain tar are read',
      ],
      [gzipSync(Buffer.from('{"not":"a tar"}'.repeat(100))), 'unreadable', 'the gzip data is not a tar archive: its first 512-byte block is not a tar header (its checksum field is empty)'],
      [gzipSync(Buffer.alloc(0)), 'unreadable', 'the gzip data is not a tar archive: it is empty'],
      [Buffer.from([0x1f, 0x8b, 9, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3]), 'unreadable', 'the gzip header is corrupt: gzip compression method 9 is not deflate (8)'],
      [Buffer.from([0x1f, 0x8b, 8, 0x20, 0, 0, 0, 0, 0, 3, 1, 2, 3]), 'unreadable', 'the gzip header is corrupt: reserved gzip header flags are set (0x20)'],
    ];
    for (const [bytes, code, message] of cases) {
      const scan = await scanTarBytes(bytes);
      assert.deepEqual(scan.problems, [{ code, path: null, message, fatal: true }]);
      assert.deepEqual(scan.entries, []);
      assert.equal(scan.size, bytes.length);
      assert.equal(scan.sha256, sha256(bytes));
    }
  });

  test('gzip headers with a name, comment, extra field and header CRC are read; a wrong header CRC is refused', async () => {
    const body = gzipSync(tar(GOOD)).subarray(10);
    const { crc32 } = await import('node:zlib');
    const head = Buffer.concat([Buffer.from([0x1f, 0x8b, 8, 0x02 | 0x04 | 0x08 | 0x10, 0, 0, 0, 0, 0, 3]), Buffer.from([3, 0, 1, 2, 3]), Buffer.from('name.tar\0'), Buffer.from('a comment\0')]);
    const hcrc = Buffer.alloc(2);
    hcrc.writeUInt16LE(crc32(head) & 0xffff);
    const ok = await scanTarBytes(Buffer.concat([head, hcrc, body]));
    assertCodes(ok, []);
    goodWasRead(ok);
    hcrc.writeUInt16LE((crc32(head) + 1) & 0xffff);
    const bad = await scanTarBytes(Buffer.concat([head, hcrc, body]));
    assert.match(only(bad, 'unreadable').message, /^the gzip header is corrupt: the gzip header CRC is 0x[0-9a-f]{4} but the header hashes to 0x[0-9a-f]{4}$/);
  });
});

describe('data outside the archive', () => {
  test('garbage after the end-of-archive blocks, plain and inside gzip; npm and GNU tar ignore it', async () => {
    for (const compress of [false, true]) {
      const bytes = Buffer.concat([tar(GOOD), Buffer.alloc(5000), Buffer.from('SECRET PAYLOAD')]);
      const scanned = compress ? gz(bytes) : bytes;
      const scan = await scanTarBytes(scanned);
      assert.deepEqual(scan.problems, [
        {
          code: 'trailing-data',
          path: null,
          message: '4.9 KiB of trailing data after the tar end-of-archive blocks (from offset 2048 of the tar stream); npm and tar stop at those blocks and never extract it',
          fatal: false,
        },
      ]);
      goodWasRead(scan);
      await assertNpmAgrees(scanned, scan);
    }
  });

  test('zero padding after the end-of-archive blocks (a 10 KiB tar record) is no trailing data', async () => {
    const scan = await scanTarBytes(gz(Buffer.concat([tar(GOOD), Buffer.alloc(8192)])));
    assertCodes(scan, []);
  });

  test('an archive appended after the end-of-archive blocks is not listed: npm and GNU tar never see it', async () => {
    const bytes = Buffer.concat([tar(GOOD), tar(file('package/appended.node', 'hidden'))]);
    const scan = await scanTarBytes(bytes);
    assert.equal(
      only(scan, 'trailing-data').message,
      '2.0 KiB of trailing data after the tar end-of-archive blocks (from offset 2048 of the tar stream), beginning with another tar header (an appended archive); npm and tar stop at those blocks and never extract it',
    );
    assert.deepEqual(
      scan.entries.map((e) => e.path),
      ['package/good.js'],
    );
    await assertNpmAgrees(bytes, scan);
    assert.deepEqual(gnuTarList(writeTemp(bytes, 'appended.tar')).names, ['package/good.js']);
  });

  test('a lone zero block: npm reads on, GNU tar stops; both entries are read and the disagreement reported', async () => {
    const bytes = Buffer.concat([GOOD, Buffer.alloc(BLOCK), file('package/after.node', 'after'), EOA]);
    const scan = await scanTarBytes(bytes);
    assert.deepEqual(scan.problems, [
      {
        code: 'hidden-data',
        path: 'package/after.node',
        message:
          "a lone zero block at offset 1024 of the tar stream comes before entry 'package/after.node': GNU tar takes it for the end of the archive and extracts nothing after it, npm reads on; the two install different files",
        fatal: false,
      },
    ]);
    assert.equal(entry(scan, 'package/after.node').sha256, sha256('after'));
    await assertNpmAgrees(bytes, scan);
    assert.deepEqual(gnuTarList(writeTemp(bytes, 'lone.tar')).names, ['package/good.js'], 'GNU tar stops at the zero block');
  });

  test('concatenated gzip members are read as one stream, as gunzip and npm do, and reported', async () => {
    const raw = tar(GOOD, file('package/b.js', 'b'.repeat(3000)));
    const split = Buffer.concat([gzipSync(raw.subarray(0, 1536)), gzipSync(raw.subarray(1536))]);
    const scan = await scanTarBytes(split);
    assert.deepEqual(scan.problems, [
      {
        code: 'trailing-data',
        path: null,
        message: 'the gzip file holds 2 concatenated members (npm pack writes one): gunzip and npm read them as one stream, but a reader that stops after the first member sees only its 1.5 KiB',
        fatal: false,
      },
    ]);
    assert.equal(entry(scan, 'package/b.js').sha256, sha256('b'.repeat(3000)));
    await assertNpmAgrees(split, scan);
  });

  test('bytes after the gzip stream: garbage (npm fails on it) and zeros (ignored)', async () => {
    const tgz = gz(tar(GOOD));
    const garbage = Buffer.concat([tgz, Buffer.from('not gzip')]);
    const scan = await scanTarBytes(garbage);
    assert.deepEqual(scan.problems, [
      {
        code: 'trailing-data',
        path: null,
        message: `8 bytes of trailing data after the gzip stream (from offset ${tgz.length}): not a gzip member; npm's gunzip fails on them (zlib: incorrect header check)`,
        fatal: false,
      },
    ]);
    goodWasRead(scan);
    assert.deepEqual((await npmList(garbage)).warnings, ['throws: zlib: incorrect header check']);
    const zeros = Buffer.concat([tgz, Buffer.alloc(100)]);
    const z = await scanTarBytes(zeros);
    assert.equal(only(z, 'trailing-data').message, `100 bytes of trailing data after the gzip stream (from offset ${tgz.length}): zeros, which gunzip and npm ignore`);
    await assertNpmAgrees(zeros, z);
  });
});

describe('tar readers that disagree (stop, never guess)', () => {
  test("a regular file with a link target: npm skips its header and extracts what hides in its data", async () => {
    const inner = file('package/hidden.node', 'smuggled');
    const bytes = tar(header({ name: 'package/README.md', size: inner.length, linkname: 'x' }), inner, GOOD);
    const scan = await scanTarBytes(bytes);
    assert.deepEqual(scan.problems, [
      {
        code: 'header-mismatch',
        path: null,
        message:
          "the header at offset 0 (a regular file, before any entry) is one npm's tar reader skips (it has a link target but is not a link) and reads the bytes after it as further headers, while other readers take it as an entry with data: they see different files; reading stopped",
        fatal: true,
      },
    ]);
    const npm = await npmList(bytes);
    assert.deepEqual(
      npm.entries.map((e) => e.path),
      ['package/hidden.node', 'package/good.js'],
    );
    assert.deepEqual(npm.warnings, ['TAR_ENTRY_INVALID: linkpath forbidden']);
  });

  test('a global pax header that sets size or path', async () => {
    for (const [key, value] of [
      ['size', '512'],
      ['path', 'package/evil.js'],
    ]) {
      const bytes = tar(pax([[key!, value!]], 'g'), file('package/a.js', 'aaa'), GOOD);
      const scan = await scanTarBytes(bytes);
      assert.equal(
        only(scan, 'header-mismatch').message,
        `the global pax header at offset 0 sets ${key} for every entry after it: npm's tar reader applies a global size and ignores a global path, tar-stream applies them only to entries with their own pax header, so the readers see different files; reading stopped`,
      );
    }
    const npm = await npmList(tar(pax([['size', '512']], 'g'), file('package/a.js', 'aaa'), GOOD));
    assert.deepEqual(
      npm.entries.map((e) => e.size),
      [512, 512],
      'npm gives every entry the global size',
    );
  });

  test('a pax extended header over 1 MiB: npm ignores it, tar-stream applies it', async () => {
    const scan = await scanTarBytes(tar(pax([['comment', 'c'.repeat(1100 * 1024)]]), file('package/a.js', 'a'), GOOD));
    assert.equal(
      only(scan, 'header-mismatch').message,
      "the pax extended header at offset 0 holds 1.1 MiB, beyond the 1.0 MiB npm's tar reader accepts: npm ignores it while other readers apply it, so they name or size the next entry differently; reading stopped",
    );
  });

  test('names and sizes that npm reads differently from tar-stream: the cross-check stops the scan', async () => {
    const cases: [Buffer, RegExp][] = [
      // node-tar cuts a pax value at NUL; tar-stream keeps it.
      [tar(pax([['path', Buffer.from('package/a.js\0.evil')]]), file('package/x', 'aaa'), GOOD), /npm's reader names the entry at offset 1024 'package\/a\.js', tar-stream 'package\/a\.js\\x00\.evil'/],
      // node-tar reads a pax size with +"0x3" = 3, tar-stream with parseInt = 0.
      [tar(pax([['size', '0x3']]), file('package/a.js', 'aaa'), GOOD), /npm's reader gives entry 'package\/a\.js' 3 bytes of data, tar-stream 0/],
      // A pax path before a GNU long name: node-tar takes the later one, tar-stream always the pax one.
      [tar(pax([['path', 'package/from-pax']]), gnuLong('package/from-gnu'), file('package/short', 'x'), GOOD), /npm's reader names the entry at offset 2048 'package\/from-gnu', tar-stream 'package\/from-pax'/],
      // An empty pax header: node-tar ignores it, tar-stream loses its place.
      [tar(pax(Buffer.alloc(0)), file('package/a.js', 'hello world'), GOOD), /tar-stream fails on the stream after entry 'package\/a\.js' \(Invalid tar header/],
    ];
    for (const [bytes, why] of cases) {
      const t0 = performance.now();
      const scan = await scanTarBytes(bytes);
      assert.ok(performance.now() - t0 < 500);
      const p = only(scan, 'header-mismatch');
      assert.equal(p.fatal, true);
      assert.match(p.message, /^tar readers disagree: .*; reading stopped$/);
      assert.match(p.message, why);
      assert.deepEqual((await npmList(bytes)).warnings, [], 'npm reads it without a warning');
    }
  });

  test('a size field with no number: npm reads 0 bytes, tar-stream refuses', async () => {
    const scan = await scanTarBytes(tar(file('package/a', 'b', { sizeField: Buffer.from('zzzzzzzzzzz\0') }), GOOD));
    assert.equal(
      only(scan, 'header-mismatch').message,
      "the header of entry 'package/a' at offset 0: its size field is not a byte count; npm reads it as 0 and other readers refuse it or read another number; reading stopped",
    );
  });
});

describe('robustness', () => {
  /** A small xorshift generator: the same mutations on every run. */
  function rng(seed: number): () => number {
    let s = seed;
    return () => {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      return (s >>> 0) / 0x100000000;
    };
  }

  for (const compress of [false, true]) {
    test(`random corruption of a ${compress ? 'gzip' : 'plain'} tarball never throws or hangs; whatever is read without a fatal problem is exactly what npm reads`, async () => {
      const raw = tar(
        GOOD,
        pax([['path', `package/${'p'.repeat(120)}.js`]]),
        file('package/x', 'pax-named'),
        gnuLong(`package/${'g'.repeat(120)}.js`),
        file('package/y', 'gnu-named'),
        header({ name: 'package/dir/', type: '5', mode: 0o755 }),
        file('package/lib.node', randomBytes(3000)),
        file('package/b.js', 'b'),
      );
      const base = compress ? gz(raw) : raw;
      const rand = rng(compress ? 0x2545f491 : 0x9e3779b9);
      const seen = new Set<string>();
      let agreed = 0;
      const runs = Number(process.env.TAR_FUZZ_RUNS ?? 300);
      for (let i = 0; i < runs; i++) {
        const b = Buffer.from(base);
        const flips = 1 + Math.floor(rand() * 4);
        // Plain: aim at the header blocks, where the parsing is.
        for (let f = 0; f < flips; f++) b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
        const t0 = performance.now();
        const scan = await scanTarBytes(b, { keep: () => true });
        assert.ok(performance.now() - t0 < 500, `mutation ${i} took too long`);
        for (const p of scan.problems) {
          seen.add(p.code);
          assert.ok(p.message.length > 0);
        }
        JSON.stringify(scan, (_k, v: unknown) => (v instanceof Uint8Array ? v.length : v));
        // A gzip CRC failure is not fatal here (every entry was read) but npm refuses the file: nothing to compare.
        if (!scan.problems.some((p) => p.fatal || p.code === 'corrupt-entry')) {
          const npm = await npmList(b);
          assert.deepEqual(listing(scan), npm.entries, `mutation ${i}: npm reads other entries (${JSON.stringify(npm.warnings)}; ours ${JSON.stringify(scan.problems)})`);
          agreed++;
        }
      }
      assert.ok(seen.size >= (compress ? 2 : 3), `mutations reached ${[...seen].join(', ')}`);
      // Nearly every change to gzip data breaks its CRC; plain tars are where the two readers get compared.
      if (!compress) assert.ok(agreed > 20, `only ${agreed} mutations were read without a fatal problem`);
    });
  }
});
