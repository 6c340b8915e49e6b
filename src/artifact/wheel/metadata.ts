/**
 * The RFC 822-style header files of a .dist-info directory: METADATA (core
 * metadata) and WHEEL. `Key: value` lines; a line starting with a space or tab
 * continues the previous value; keys may repeat (Classifier, Tag) and are
 * case-insensitive; the first blank line ends the headers and what follows is
 * the body (METADATA's long description).
 *
 * Specs: https://packaging.python.org/en/latest/specifications/core-metadata/ and
 * https://packaging.python.org/en/latest/specifications/binary-distribution-format/#the-dist-info-directory
 *
 * @example
 * const h = parseHeaders('Wheel-Version: 1.0\nTag: py3-none-any\n');
 * headerValue(h, 'wheel-version') // '1.0'
 */

export interface HeaderField {
  /** The key as written. */
  name: string;
  /** The value, trimmed; continuation lines joined with '\n' (each keeping its text after the leading whitespace). */
  value: string;
  /** 1-based line of the key. */
  line: number;
}

export interface HeaderProblem {
  line: number;
  message: string;
}

export interface ParsedHeaders {
  fields: HeaderField[];
  /** Text after the first blank line; null when there is none. */
  body: string | null;
  problems: HeaderProblem[];
}

export function parseHeaders(text: string): ParsedHeaders {
  const fields: HeaderField[] = [];
  const problems: HeaderProblem[] = [];
  const lines = text.split(/\r\n|\n|\r/);
  let body: string | null = null;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const no = i + 1;
    if (line === '') {
      // The last split piece of a text ending in a newline is not a blank line.
      if (i === lines.length - 1) break;
      body = lines.slice(i + 1).join('\n');
      break;
    }
    if (line[0] === ' ' || line[0] === '\t') {
      const last = fields[fields.length - 1];
      if (!last) problems.push({ line: no, message: 'continuation line before any header' });
      else last.value = last.value === '' ? line.trim() : `${last.value}\n${line.replace(/^[ \t]+/, '').trimEnd()}`;
      continue;
    }
    const colon = line.indexOf(':');
    if (colon <= 0) {
      problems.push({ line: no, message: `not a 'Key: value' header: ${JSON.stringify(line.slice(0, 80))}` });
      continue;
    }
    const name = line.slice(0, colon);
    if (!/^[\x21-\x39\x3b-\x7e]+$/.test(name)) {
      problems.push({ line: no, message: `invalid header name ${JSON.stringify(name.slice(0, 80))}` });
      continue;
    }
    fields.push({ name, value: line.slice(colon + 1).trim(), line: no });
  }
  return { fields, body, problems };
}

/** Every value of a key, in order (case-insensitive). */
export function headerValues(h: ParsedHeaders, name: string): string[] {
  const key = name.toLowerCase();
  return h.fields.filter((f) => f.name.toLowerCase() === key).map((f) => f.value);
}

/** The first value of a key, or null. */
export function headerValue(h: ParsedHeaders, name: string): string | null {
  return headerValues(h, name)[0] ?? null;
}
