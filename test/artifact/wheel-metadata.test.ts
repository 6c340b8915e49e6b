/**
 * RFC 822-style headers of METADATA and WHEEL: continuation lines, repeated
 * and case-insensitive keys, the body after the first blank line, and the
 * lines that are not headers.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { headerValue, headerValues, parseHeaders } from '../../src/artifact/wheel/metadata.ts';

test('reads WHEEL: single keys, repeated Tag lines, no body', () => {
  const h = parseHeaders('Wheel-Version: 1.0\nGenerator: bdist_wheel (0.43.0)\nRoot-Is-Purelib: false\nTag: cp38-abi3-manylinux_2_17_x86_64\nTag: cp38-abi3-manylinux2014_x86_64\n');
  assert.equal(headerValue(h, 'Wheel-Version'), '1.0');
  assert.equal(headerValue(h, 'root-is-purelib'), 'false');
  assert.deepEqual(headerValues(h, 'TAG'), ['cp38-abi3-manylinux_2_17_x86_64', 'cp38-abi3-manylinux2014_x86_64']);
  assert.equal(h.body, null);
  assert.deepEqual(h.problems, []);
});

test('reads METADATA: folded values, CRLF, the description body', () => {
  const text = 'Metadata-Version: 2.1\r\nName: demo\r\nVersion: 1.0\r\nSummary: a\r\n  folded summary\r\nClassifier: A\r\nClassifier: B\r\n\r\n# Demo\r\n\r\nLong text.\r\n';
  const h = parseHeaders(text);
  assert.equal(headerValue(h, 'Name'), 'demo');
  assert.equal(headerValue(h, 'Summary'), 'a\nfolded summary');
  assert.deepEqual(headerValues(h, 'Classifier'), ['A', 'B']);
  assert.equal(h.body, '# Demo\n\nLong text.\n');
  assert.equal(headerValue(h, 'Missing'), null);
  assert.deepEqual(h.fields.map((f) => f.line), [1, 2, 3, 4, 6, 7]);
});

test('lines that are not headers are problems with their line number', () => {
  const h = parseHeaders('  leading continuation\nWheel-Version: 1.0\nthis is not a header\n: no name\nBad Name: x\nRoot-Is-Purelib:\n');
  assert.deepEqual(
    h.problems.map((p) => [p.line, p.message.split(':')[0]]),
    [
      [1, 'continuation line before any header'],
      [3, "not a 'Key"],
      [4, "not a 'Key"],
      [5, 'invalid header name "Bad Name"'],
    ],
  );
  assert.equal(headerValue(h, 'Root-Is-Purelib'), '');
  assert.equal(headerValue(h, 'Wheel-Version'), '1.0');
});

test('an empty text has no fields and no body', () => {
  assert.deepEqual(parseHeaders(''), { fields: [], body: null, problems: [] });
});
