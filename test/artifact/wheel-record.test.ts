/**
 * RECORD: the CSV reader (behaving like Python's csv module on what wheel
 * tools write), row parsing with every problem named, and verification
 * against the sha256 of archive entries.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import type { ArchiveEntry } from '../../src/artifact/archive/types.ts';
import { base64UrlToHex, parseCsv, parseRecord, verifyRecord } from '../../src/artifact/wheel/record.ts';

const sha = (s: string) => createHash('sha256').update(s).digest();
const rec = (path: string, content: string) => `${path},sha256=${sha(content).toString('base64url')},${Buffer.byteLength(content)}`;
const entry = (path: string, content: string): ArchiveEntry => ({
  path,
  isDirectory: false,
  size: Buffer.byteLength(content),
  compressedSize: 0,
  mode: null,
  sha256: sha(content).toString('hex'),
  content: null,
});

test('CSV: plain, quoted, doubled quotes, commas and newlines inside quotes, CRLF', () => {
  const { records, problems } = parseCsv('a,b,c\r\n"x,1","say ""hi""",\n"multi\nline",2,3\nlast,,');
  assert.deepEqual(problems, []);
  assert.deepEqual(
    records.map((r) => [r.line, r.fields]),
    [
      [1, ['a', 'b', 'c']],
      [2, ['x,1', 'say "hi"', '']],
      [3, ['multi\nline', '2', '3']],
      [5, ['last', '', '']],
    ],
  );
});

test('CSV: blank lines are records without fields; the final newline is not one', () => {
  const { records } = parseCsv('a,b,c\n\nd,e,f\n');
  assert.deepEqual(records.map((r) => r.fields.length), [3, 0, 3]);
});

test('CSV: an unclosed quote and text after a closing quote are problems', () => {
  assert.match(parseCsv('"abc,1,2\n').problems[0]!.message, /not closed/);
  const r = parseCsv('"ab"cd,1,2\n');
  assert.match(r.problems[0]!.message, /after a closing quote/);
  assert.deepEqual(r.records[0]!.fields, ['abcd', '1', '2']);
});

test('base64url without padding decodes to hex', () => {
  assert.equal(base64UrlToHex(sha('').toString('base64url')), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  assert.equal(base64UrlToHex('ab+/'), null);
  assert.equal(base64UrlToHex('a'), null);
});

test('RECORD rows: hash decoded, size parsed, RECORD itself without hash', () => {
  const text = [rec('pkg/__init__.py', ''), rec('pkg/a.py', 'x = 1\n'), 'demo-1.0.dist-info/RECORD,,', ''].join('\n');
  const { rows, problems } = parseRecord(text);
  assert.deepEqual(problems, []);
  assert.equal(rows.length, 3);
  assert.deepEqual(rows[0], { line: 1, path: 'pkg/__init__.py', hash: { algorithm: 'sha256', digest: sha('').toString('base64url'), hex: sha('').toString('hex') }, size: 0 });
  assert.deepEqual([rows[2]!.hash, rows[2]!.size], [null, null]);
});

test('RECORD problems: field count, hash format, unknown algorithm, digest size, size, path, duplicate, blank line, empty', () => {
  const text = [
    'a.py,sha256=AAAA',
    'b.py,nohash,1',
    'c.py,sha999=AAAA,1',
    'd.py,sha256=AAAA,1',
    'e.py,,big',
    '../evil.py,,',
    '',
    rec('f.py', 'f'),
    rec('f.py', 'f'),
    'g.py,sha256=AAAA,1,extra',
  ].join('\n');
  const { rows, problems } = parseRecord(text);
  assert.deepEqual(
    problems.map((p) => [p.line, p.kind]),
    [
      [1, 'fields'],
      [2, 'hash'],
      [3, 'hash'],
      [4, 'hash'],
      [5, 'size'],
      [6, 'path'],
      [7, 'fields'],
      [9, 'duplicate'],
      [10, 'fields'],
      [10, 'hash'],
    ],
  );
  assert.match(problems[0]!.message, /2 fields instead of 3/);
  assert.match(problems[2]!.message, /unknown hash algorithm 'sha999'/);
  assert.match(problems[3]!.message, /not 32 bytes of urlsafe base64 \(sha256\)/);
  assert.match(problems[7]!.message, /first on line 8/);
  assert.ok(rows.some((r) => r.path === 'g.py'), 'a row with 4 fields is still read');
  assert.deepEqual(parseRecord('').problems.map((p) => p.kind), ['empty']);
});

test('verification: hash and size mismatches, unlisted, phantom, weak, no hash, unverified', () => {
  const R = 'demo-1.0.dist-info/RECORD';
  const entries = [
    entry('pkg/ok.py', 'ok'),
    entry('pkg/changed.py', 'new content'),
    entry('pkg/size.py', 'size'),
    entry('pkg/extra.so', 'ELF'),
    entry('pkg/md5.py', 'm'),
    entry('pkg/nohash.py', 'n'),
    entry('pkg/sha512.py', 's'),
    entry(R, '...'),
    entry(`${R}.jws`, 'sig'),
    { ...entry('pkg/', ''), isDirectory: true, sha256: null },
  ];
  const text = [
    rec('pkg/ok.py', 'ok'),
    rec('pkg/changed.py', 'old'),
    `pkg/size.py,sha256=${sha('size').toString('base64url')},99`,
    `pkg/md5.py,md5=${createHash('md5').update('m').digest('base64url')},1`,
    'pkg/nohash.py,,1',
    `pkg/sha512.py,sha512=${createHash('sha512').update('s').digest('base64url')},1`,
    rec('pkg/gone.py', 'gone'),
    'pkg/,,',
    `${R},,`,
  ].join('\n');
  const v = verifyRecord(parseRecord(text).rows, entries, R);
  assert.deepEqual(v.hashMismatches, [{ path: 'pkg/changed.py', algorithm: 'sha256', recorded: sha('old').toString('hex'), actual: sha('new content').toString('hex'), recordedSize: 3, actualSize: 11 }]);
  assert.deepEqual(v.sizeMismatches, [{ path: 'pkg/size.py', recordedSize: 99, actualSize: 4 }]);
  assert.deepEqual(v.unlisted, ['pkg/extra.so']);
  assert.deepEqual(v.phantom, ['pkg/gone.py']);
  assert.deepEqual(v.weak, [{ path: 'pkg/md5.py', algorithm: 'md5' }]);
  assert.deepEqual(v.noHash, ['pkg/nohash.py']);
  assert.deepEqual(v.unverified, [{ path: 'pkg/sha512.py', algorithm: 'sha512' }]);
});

test('verification of a correct RECORD finds nothing', () => {
  const R = 'demo-1.0.dist-info/RECORD';
  const v = verifyRecord(parseRecord([rec('a.py', 'a'), `${R},,`].join('\n')).rows, [entry('a.py', 'a'), entry(R, 'x')], R);
  assert.deepEqual(v, { hashMismatches: [], sizeMismatches: [], unlisted: [], phantom: [], weak: [], noHash: [], unverified: [] });
});
