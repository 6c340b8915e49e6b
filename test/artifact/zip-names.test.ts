/**
 * Entry-name rules shared by the zip and tar readers (names.ts), and the zip
 * structure parsers (zip-format.ts), tested on their own.
 */
import { strict as assert } from 'node:assert';
import { describe, test } from 'node:test';
import { canonicalPath, checkEntryName, decodeCp437, decodeName, NameIndex, quoteName } from '../../src/artifact/archive/names.ts';
import { findEocd, localSizes, parseDataDescriptor, parseExtraFields, parseLocalHeader } from '../../src/artifact/archive/zip-format.ts';
import { formatBytes, resolveLimits } from '../../src/artifact/archive/limits.ts';
import { DEFAULT_ARCHIVE_LIMITS } from '../../src/artifact/archive/types.ts';

const check = (name: string, maxPathLength = 4096) =>
  checkEntryName(name, 0, { byteLength: Buffer.byteLength(name), validEncoding: true, maxPathLength }).map((i) => i.code);

describe('names', () => {
  test('accepts the names real wheels, JARs and npm packages use', () => {
    for (const n of ['pkg/__init__.py', 'pkg/', 'numpy.libs/libgfortran-040039e1.so.5.0.0', 'META-INF/MANIFEST.MF', 'package/prebuilds/linux-x64/node.napi.node', 'pkg/données/naïve.py', 'a b/c (d).txt', '.hidden/x']) {
      assert.deepEqual(check(n), [], n);
    }
  });

  test('classifies traversal and invalid names', () => {
    assert.deepEqual(check('../x'), ['path-traversal']);
    assert.deepEqual(check('a/..'), ['path-traversal']);
    assert.deepEqual(check('..'), ['path-traversal']);
    assert.deepEqual(check('a/../b'), ['path-traversal']);
    assert.deepEqual(check('a/..b/c..'), [], 'dots inside a segment are fine');
    assert.deepEqual(check('/abs'), ['path-traversal']);
    assert.deepEqual(check('//server/share'), ['path-traversal']);
    assert.deepEqual(check('Z:x'), ['path-traversal']);
    assert.deepEqual(check('a\\b'), ['path-traversal']);
    assert.deepEqual(check('a\\..\\b'), ['path-traversal']);
    assert.deepEqual(check('a\u0085b'), ['invalid-name'], 'C1 control');
    assert.deepEqual(check('a\u007fb'), ['invalid-name'], 'DEL');
    assert.deepEqual(check('a\u2066b'), ['invalid-name'], 'bidi isolate');
    assert.deepEqual(check('x'.repeat(11), 10), ['invalid-name']);
    assert.deepEqual(check('../\u0000'), ['invalid-name', 'path-traversal']);
    assert.deepEqual(
      checkEntryName('', 4, { byteLength: 0, validEncoding: true, maxPathLength: 10 }).map((i) => i.message),
      ['entry #5 has an empty name'],
    );
  });

  test('decodes UTF-8 strictly and CP437 as Python does', () => {
    assert.deepEqual(decodeName(Buffer.from('naïve'), 'utf8'), { name: 'naïve', valid: true });
    assert.deepEqual(decodeName(Buffer.from([0x61, 0xc3]), 'utf8'), { name: 'a\ufffd', valid: false });
    assert.deepEqual(decodeName(Buffer.from([0xed, 0xa0, 0x80]), 'utf8').valid, false, 'an encoded surrogate is not UTF-8');
    assert.equal(decodeCp437(Buffer.from([0x80, 0x81, 0x9b, 0xe1, 0xff, 0x41, 0x01])), 'Çü¢ß\u00a0A\u0001');
  });

  test('quotes names for messages, escaping what cannot be seen', () => {
    assert.equal(quoteName("it's\u0000\u202e"), "'it\\'s\\x00\\u202e'");
    assert.equal(quoteName('x'.repeat(300)), `'${'x'.repeat(200)}…'`);
  });

  test('canonical paths drop `.` and empty segments and the trailing slash', () => {
    assert.equal(canonicalPath('./a//b/./c/'), 'a/b/c');
    assert.equal(canonicalPath('a'), 'a');
  });

  test('the name index finds duplicates as they come and collisions at the end', () => {
    const idx = new NameIndex();
    assert.equal(idx.add(0, 'Pkg/A.py', false), null);
    assert.equal(idx.add(1, 'pkg/b.py', false), null);
    assert.equal(idx.add(2, 'Pkg/A.py', false)?.code, 'duplicate-entry');
    assert.equal(idx.add(3, 'pkg/b.py/', true)?.code, 'duplicate-entry', 'a file and a directory of one path');
    assert.equal(idx.add(4, 'pkg/b.py/c', false), null);
    const late = idx.finish();
    assert.deepEqual(
      late.map((p) => [p.code, p.path]),
      [
        ['case-collision', 'pkg/b.py'],
        ['duplicate-entry', 'pkg/b.py'],
      ],
    );
    assert.equal(late[0]!.message, "the paths 'pkg' and 'Pkg' differ only in case or Unicode normalization; they collide on case-insensitive file systems (Windows, macOS)");
  });

  test('the name index stays fast on many deep paths', () => {
    const idx = new NameIndex();
    const t0 = performance.now();
    for (let i = 0; i < 20_000; i++) idx.add(i, `${'d/'.repeat(100)}f${i}`, false);
    assert.deepEqual(idx.finish(), []);
    assert.ok(performance.now() - t0 < 3000);
  });
});

describe('zip structures', () => {
  test('finds the end record whose comment reaches the end, as yauzl does', () => {
    const eocd = Buffer.alloc(22 + 5);
    eocd.writeUInt32LE(0x06054b50, 0);
    eocd.writeUInt16LE(5, 20);
    const tail = Buffer.concat([Buffer.from('junk'), eocd]);
    assert.equal(findEocd(tail, 1000, 1000 + tail.length)?.offset, 1004);
    assert.equal(findEocd(tail, 1000, 1000 + tail.length + 1), null, 'one byte more: not this record');
  });

  test('parses local headers, extra fields and data descriptors, refusing what does not fit', () => {
    assert.match(parseLocalHeader(Buffer.alloc(10)) as string, /cut short/);
    assert.match(parseLocalHeader(Buffer.alloc(30)) as string, /no local header signature \(found 0x00000000\)/);
    assert.match(parseExtraFields(Buffer.from([0x01, 0x00, 0x10, 0x00, 0x00])) as string, /extra field 0x0001 overruns/);
    assert.deepEqual(parseExtraFields(Buffer.from([0x99, 0x99, 0x00, 0x00, 0x00])), [{ id: 0x9999, data: Buffer.alloc(0) }]);

    const h = { flags: 0, method: 8, crc32: 0, compressedSize: 0xffffffff, uncompressedSize: 0xffffffff, nameLength: 0, extraLength: 20 };
    const z64 = Buffer.alloc(16);
    z64.writeUInt32LE(5_000_000_000 % 2 ** 32, 0);
    z64.writeUInt32LE(Math.floor(5_000_000_000 / 2 ** 32), 4);
    z64.writeUInt32LE(123, 8);
    assert.deepEqual(localSizes(h, [{ id: 1, data: z64 }]), { compressedSize: 123, uncompressedSize: 5_000_000_000, zip64: true });
    assert.match(localSizes(h, [{ id: 1, data: z64.subarray(0, 8) }]) as string, /lacks the compressed size/);
    assert.match(localSizes(h, [{ id: 1, data: z64 }, { id: 1, data: z64 }]) as string, /more than one zip64/);

    const dd = Buffer.from('504b0708' + '78563412' + '05000000' + '06000000', 'hex');
    assert.deepEqual(parseDataDescriptor(dd, false), { length: 16, crc32: 0x12345678, compressedSize: 5, uncompressedSize: 6 });
    assert.deepEqual(parseDataDescriptor(dd.subarray(4), false), { length: 12, crc32: 0x12345678, compressedSize: 5, uncompressedSize: 6 });
    assert.equal(parseDataDescriptor(dd.subarray(0, 10), false), null);
  });

  test('limits: defaults filled in, nonsense ignored; sizes formatted for people', () => {
    assert.deepEqual(resolveLimits(undefined), DEFAULT_ARCHIVE_LIMITS);
    const l = resolveLimits({ maxEntries: 5, maxRatio: Number.NaN, ratioFloor: -1 });
    assert.equal(l.maxEntries, 5);
    assert.equal(l.maxRatio, DEFAULT_ARCHIVE_LIMITS.maxRatio);
    assert.equal(l.ratioFloor, DEFAULT_ARCHIVE_LIMITS.ratioFloor);
    assert.deepEqual([formatBytes(1), formatBytes(1023), formatBytes(1536), formatBytes(8 * 1024 ** 3)], ['1 byte', '1023 bytes', '1.5 KiB', '8.0 GiB']);
  });
});
