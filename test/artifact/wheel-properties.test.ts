/**
 * Properties of the wheel-model parsers on arbitrary input (fast-check, fixed
 * seed): they never throw on untrusted text, and RECORD rows written the way
 * Python's csv.writer writes them read back unchanged.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseCsv, parseRecord } from '../../src/artifact/wheel/record.ts';
import { parseHeaders } from '../../src/artifact/wheel/metadata.ts';
import { parseWheelFilename } from '../../src/artifact/wheel/filename.ts';
import { parsePlatformTag, pypiPlatformVerdict } from '../../src/artifact/wheel/tags.ts';
import { parseExtensionName } from '../../src/rules/wheel/extension-suffix.ts';

const SEED = 20260821;
const RUNS = 500;

/** Python's csv.writer (QUOTE_MINIMAL, lineterminator '\n'): quote fields holding the delimiter, a quote, CR or LF. */
function csvRow(fields: string[]): string {
  return fields.map((f) => (/[",\r\n]/.test(f) ? `"${f.replace(/"/g, '""')}"` : f)).join(',') + '\n';
}

test('CSV rows written like csv.writer read back unchanged', () => {
  const field = fc.string({ unit: fc.constantFrom('a', 'b', ',', '"', '\n', '\r\n', ' ', 'é', '=') });
  fc.assert(
    fc.property(fc.array(fc.tuple(field, field, field), { minLength: 1, maxLength: 8 }), (rows) => {
      const text = rows.map((r) => csvRow(r)).join('');
      const { records, problems } = parseCsv(text);
      assert.deepEqual(problems, []);
      assert.deepEqual(records.map((r) => r.fields), rows);
    }),
    { seed: SEED, numRuns: RUNS },
  );
});

test('no parser throws on arbitrary text', () => {
  const text = fc.string({ unit: fc.constantFrom('a', '-', '_', '.', ',', '"', ':', ' ', '\t', '\n', '\r', '=', '1', '9', 'whl', 'cp', 'manylinux_', 'macosx_', '\u0000', 'é') , maxLength: 200 });
  fc.assert(
    fc.property(text, (t) => {
      parseCsv(t);
      parseRecord(t);
      parseHeaders(t);
      parseWheelFilename(t);
      parseWheelFilename(`${t}.whl`);
      parsePlatformTag(t);
      pypiPlatformVerdict(t);
      parseExtensionName(t);
    }),
    { seed: SEED, numRuns: RUNS * 4 },
  );
});
