/**
 * Reads CPython's Misc/stable_abi.toml and writes the project's stable-ABI
 * data module (src/policy/stable-abi.data.ts) from it. Used by
 * scripts/gen-stable-abi.ts; pure functions so the tests can check that the
 * committed data is exactly what this code renders.
 *
 * The TOML is read by hand: the file uses a small subset (`[kind.Name]`
 * tables, `key = 'string' | true | [list]` pairs, `#` comments), which
 * CPython's own Tools/build/stable_abi.py relies on too. Anything outside that
 * subset is an error naming the line, not a silent skip.
 */

/** The item kinds whose names are linker symbols (what a binary can import). */
export type StableAbiSymbolKind = 'function' | 'data';

export interface StableAbiItem {
  kind: StableAbiSymbolKind;
  name: string;
  /** The CPython version that added it to the stable ABI, e.g. '3.2', '3.10'. */
  added: string;
  /** In the stable ABI but not the Limited API (kept for old binaries; private helpers of public macros). */
  abiOnly: boolean;
  /** Only present when this feature macro is defined (MS_WINDOWS, HAVE_FORK, Py_REF_DEBUG, ...). */
  ifdef: string | null;
}

export interface StableAbiSource {
  repository: string;
  path: string;
  commit: string;
}

type Value = string | boolean | string[];

function parseValue(raw: string, lineNo: number): Value {
  const v = raw.trim();
  if (v === 'true') return true;
  if (v === 'false') return false;
  const str = /^'([^']*)'$/.exec(v) ?? /^"([^"\\]*)"$/.exec(v);
  if (str) return str[1]!;
  if (v.startsWith('[') && v.endsWith(']')) {
    const inner = v.slice(1, -1).trim();
    if (inner === '') return [];
    return inner.split(',').map((p) => p.trim()).filter((p) => p.length > 0).map((p) => {
      const s = parseValue(p, lineNo);
      if (typeof s !== 'string') throw new Error(`stable_abi.toml line ${lineNo}: only lists of strings are supported`);
      return s;
    });
  }
  throw new Error(`stable_abi.toml line ${lineNo}: unsupported value ${JSON.stringify(v)}`);
}

/** Cuts a `#` comment that is not inside a quoted string. */
function stripComment(line: string): string {
  let quote: string | null = null;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote) {
      if (c === quote) quote = null;
    } else if (c === "'" || c === '"') {
      quote = c;
    } else if (c === '#') {
      return line.slice(0, i);
    }
  }
  return line;
}

/** Every function and data item of the TOML, in file order. */
export function parseStableAbiToml(text: string): StableAbiItem[] {
  const items: StableAbiItem[] = [];
  const seen = new Set<string>();
  let current: { kind: string; name: string; fields: Record<string, Value>; line: number } | null = null;
  const flush = () => {
    if (!current || (current.kind !== 'function' && current.kind !== 'data')) return;
    const { added, abi_only: abiOnly, ifdef } = current.fields;
    if (typeof added !== 'string' || !/^\d+\.\d+$/.test(added)) {
      throw new Error(`stable_abi.toml line ${current.line}: ${current.kind}.${current.name} has no valid 'added'`);
    }
    if (seen.has(current.name)) throw new Error(`stable_abi.toml line ${current.line}: ${current.name} listed twice`);
    seen.add(current.name);
    items.push({
      kind: current.kind,
      name: current.name,
      added,
      abiOnly: abiOnly === true,
      ifdef: typeof ifdef === 'string' ? ifdef : null,
    });
  };
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = stripComment(lines[i]!).trim();
    if (line === '') continue;
    const table = /^\[([A-Za-z_]+)\.([A-Za-z0-9_]+)\]$/.exec(line);
    if (table) {
      flush();
      current = { kind: table[1]!, name: table[2]!, fields: {}, line: i + 1 };
      continue;
    }
    const kv = /^([A-Za-z_]+)\s*=\s*(.+)$/.exec(line);
    if (kv && current) {
      current.fields[kv[1]!] = parseValue(kv[2]!, i + 1);
      continue;
    }
    throw new Error(`stable_abi.toml line ${i + 1}: cannot read ${JSON.stringify(lines[i])}`);
  }
  flush();
  return items;
}

/** One table row: `<kind> <name> <added>[ abi_only][ ifdef=<MACRO>]`. */
export function renderRow(item: StableAbiItem): string {
  return [item.kind, item.name, item.added, ...(item.abiOnly ? ['abi_only'] : []), ...(item.ifdef ? [`ifdef=${item.ifdef}`] : [])].join(' ');
}

export function parseRow(row: string): StableAbiItem {
  const [kind, name, added, ...flags] = row.trim().split(/\s+/);
  if ((kind !== 'function' && kind !== 'data') || !name || !added) throw new Error(`bad stable ABI row: ${row}`);
  let abiOnly = false;
  let ifdef: string | null = null;
  for (const f of flags) {
    if (f === 'abi_only') abiOnly = true;
    else if (f.startsWith('ifdef=')) ifdef = f.slice('ifdef='.length);
    else throw new Error(`bad stable ABI row flag ${f}: ${row}`);
  }
  return { kind, name, added, abiOnly, ifdef };
}

/** The whole text of src/policy/stable-abi.data.ts. */
export function renderStableAbiData(items: StableAbiItem[], source: StableAbiSource): string {
  return `/**
 * GENERATED by scripts/gen-stable-abi.ts: do not edit by hand, regenerate.
 *
 * Source: CPython's ${source.path}, ${source.repository} at commit ${source.commit}
 * (https://github.com/${source.repository}/blob/${source.commit}/${source.path}).
 * Facts only: every \`function\` and \`data\` item of the stable ABI (the names
 * an extension module can import), with the version that added it, whether it
 * is ABI-only (not in the Limited API) and the feature macro it depends on.
 * ${items.length} items.
 */
export const STABLE_ABI_SOURCE = ${JSON.stringify(source)} as const;

/** One row per item, in the TOML's order: \`<kind> <name> <added>[ abi_only][ ifdef=<MACRO>]\`. */
export const STABLE_ABI_ROWS = \`
${items.map(renderRow).join('\n')}
\`;
`;
}
