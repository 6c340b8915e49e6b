/**
 * Helpers shared by the Node addon differential and corpus tests: run the
 * analysis on a file, and read the same facts with llvm-objdump, llvm-mc,
 * llvm-nm, llvm-readelf and llvm-readobj.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { parseBinary } from '../../src/binary/index.ts';
import { withFile } from '../../src/binary/source.ts';
import { nodeAddonFacts, type NodeAddonFacts, type NodeAddonSliceFacts } from '../../src/binary/addons/node.ts';
import { isNapiName } from '../../src/policy/node.ts';
import { toolPath } from '../support/fixture-builder.ts';

const LLVM = '/usr/lib/llvm-14/bin';
export const GET_VERSION = 'node_api_module_get_api_version_v1';

export function tool(name: string, args: string[]): string {
  return execFileSync(toolPath(`${LLVM}/${name}`), args, { encoding: 'utf8', maxBuffer: 64 << 20, stdio: ['ignore', 'pipe', 'pipe'] });
}

export function analyse(path: string): NodeAddonFacts | null {
  return withFile(path, (src) => {
    const bin = parseBinary(src);
    return bin ? nodeAddonFacts(src, bin) : null;
  });
}

export function machoArch(s: NodeAddonSliceFacts): string {
  return s.arch === 'x86_64' ? 'x86_64' : 'arm64';
}

// ---------------------------------------------------------------- declared version

/** Where the tools say node_api_module_get_api_version_v1 is, in the address space llvm-objdump prints. */
function exportAddress(path: string, s: NodeAddonSliceFacts): number | null {
  if (s.format === 'pe') {
    const exports = tool('llvm-readobj', ['--coff-exports', path]);
    const m = new RegExp(`Name: ${GET_VERSION}\\n\\s+RVA: (0x[0-9A-Fa-f]+)`).exec(exports);
    const base = /ImageBase: (0x[0-9A-Fa-f]+)/.exec(tool('llvm-readobj', ['--file-headers', path]));
    return m && base ? Number(base[1]) + Number(m[1]) : null;
  }
  const nm = s.format === 'macho' ? tool('llvm-nm', ['--defined-only', `--arch=${machoArch(s)}`, path]) : tool('llvm-nm', ['-D', '--defined-only', path]);
  const m = new RegExp(`^([0-9a-f]+) [TtW] _?${GET_VERSION}$`, 'm').exec(nm);
  return m ? parseInt(m[1]!, 16) : null;
}

const RETURN = /\b(retq?|retl|retaa|retab)\b|\bbx\s+lr\b|\bpop(\.w)?\s+\{[^}]*\bpc\}|\bldr(\.w)?\s+pc,\s*\[sp\]|\bmov\s+pc,\s*lr\b/;

/** The instruction lines of the function up to its return, plus literal words right after it. */
function body(disassembly: string): string[] {
  const lines = disassembly.split('\n').filter((l) => /^\s*[0-9a-f]+:/.test(l));
  const out: string[] = [];
  let returned = false;
  for (const l of lines) {
    if (returned && !/\.word/.test(l)) break;
    out.push(l);
    if (RETURN.test(l)) returned = true;
  }
  return out;
}

function immediates(lines: string[]): Set<number> {
  const out = new Set<number>();
  for (const l of lines) {
    for (const m of l.matchAll(/(?:[#$]|\.word\s+|imm = )(-?(?:0x[0-9a-fA-F]+|\d+))/g)) {
      const text = m[1]!;
      const neg = text.startsWith('-');
      const v = Number(neg ? text.slice(1) : text);
      out.add((neg ? -v : v) | 0);
    }
  }
  return out;
}

function disassemble(path: string, s: NodeAddonSliceFacts): { lines: string[]; how: string } {
  const addr = exportAddress(path, s);
  assert.ok(addr !== null, `${path}: the tools find no ${GET_VERSION}`);
  const start = addr - (addr % 2);
  if (s.format === 'pe' && s.arch === 'arm') {
    // llvm-objdump 14 decodes a Thumb PE export from its odd address: disassemble the same bytes with llvm-mc.
    const hex = s.declared!.code.split(' ').map((b) => `0x${b}`).join(' ');
    const text = execFileSync(toolPath(`${LLVM}/llvm-mc`), ['--disassemble', '--triple=thumbv7-pc-windows-msvc'], { input: hex, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
    const lines = text.split('\n').filter((l) => /^\s+[a-z]/.test(l) && !/^\s+\.text/.test(l)).map((l, i) => `${i}: ${l.trim()}`);
    return { lines: body(lines.join('\n')), how: 'llvm-mc --disassemble' };
  }
  if (s.format === 'macho') {
    // llvm-objdump 14 ignores --arch-name for a universal file outside --macho mode.
    // and ignores --disassemble-symbols in --macho mode: find the symbol's label in the whole listing.
    const args = ['--macho', '-d', '--no-show-raw-insn', ...(s.sliceOffset > 0 ? [`--arch=${machoArch(s)}`] : [])];
    const text = tool('llvm-objdump', [...args, path]);
    const at = text.indexOf(`\n_${GET_VERSION}:\n`);
    assert.ok(at >= 0, `${path}: llvm-objdump shows no _${GET_VERSION}`);
    return { lines: body(text.slice(at + GET_VERSION.length + 4)), how: 'llvm-objdump --macho' };
  }
  const args = ['-d', '--no-show-raw-insn', `--start-address=0x${start.toString(16)}`, `--stop-address=0x${(start + 48).toString(16)}`];
  return { lines: body(tool('llvm-objdump', [...args, path])), how: 'llvm-objdump' };
}

export function checkDeclared(path: string, f: NodeAddonFacts, where: string): number {
  let checked = 0;
  for (const s of f.slices) {
    if (!s.declared) continue;
    assert.notEqual(s.declaredNapi, null, `${where}: ${s.declared.reason}`);
    const { lines, how } = disassemble(path, s);
    assert.ok(lines.some((l) => RETURN.test(l)), `${where} (${s.arch}): ${how} shows no return:\n${lines.join('\n')}`);
    const imms = immediates(lines);
    const v = s.declaredNapi!;
    assert.ok(imms.has(v) || imms.has(~v), `${where} (${s.arch}): ${v} is not among the immediates ${[...imms].join(', ')} of\n${lines.join('\n')}`);
    // llvm-nm prints a Thumb symbol without its bit 0; PE exports are RVAs.
    const symbolAddr = exportAddress(path, s)!;
    const base = s.format === 'pe' ? Number(/ImageBase: (0x[0-9A-Fa-f]+)/.exec(tool('llvm-readobj', ['--file-headers', path]))![1]) : 0;
    const even = (x: number) => x - (x % 2);
    assert.equal(even(s.declared.address), even(symbolAddr - base), `${where}: export address`);
    checked++;
  }
  return checked;
}

export interface ToolView {
  napiImports: string[];
  delayed: string[];
  exports: string[];
}

export function toolView(path: string, s: NodeAddonSliceFacts): ToolView {
  if (s.format === 'elf') {
    const syms = tool('llvm-readelf', ['--dyn-syms', '-W', path]).split('\n');
    const und = syms.map((l) => l.trim().split(/\s+/)).filter((c) => c[6] === 'UND' && c[7]).map((c) => c[7]!.replace(/@.*/, ''));
    const def = syms.map((l) => l.trim().split(/\s+/)).filter((c) => c.length >= 8 && c[6] !== 'UND' && /^\d+$/.test(c[6] ?? '') && (c[4] === 'GLOBAL' || c[4] === 'WEAK')).map((c) => c[7]!);
    return { napiImports: und.filter(isNapiName), delayed: [], exports: def };
  }
  if (s.format === 'macho') {
    const und = tool('llvm-nm', ['-u', `--arch=${machoArch(s)}`, path]).split('\n').map((l) => l.trim().replace(/^_/, '')).filter(Boolean);
    const def = tool('llvm-nm', ['--defined-only', '--extern-only', `--arch=${machoArch(s)}`, path]).split('\n').map((l) => l.trim().split(/\s+/)[2]?.replace(/^_/, '')).filter((x): x is string => !!x);
    return { napiImports: und.filter(isNapiName), delayed: [], exports: def };
  }
  const text = tool('llvm-readobj', ['--coff-imports', '--coff-exports', path]);
  const imports: string[] = [];
  const delayed: string[] = [];
  let inDelay = false;
  for (const line of text.split('\n')) {
    if (/^(Import|DelayImport) \{/.test(line)) inDelay = line.startsWith('DelayImport');
    const m = /^\s+Symbol: (\S+)/.exec(line);
    if (m && isNapiName(m[1]!)) (inDelay ? delayed : imports).push(m[1]!);
  }
  const exports = [...text.matchAll(/^\s+Name: (\S+)$/gm)].map((m) => m[1]!).filter((n) => !/\.(dll|node|exe)$/i.test(n));
  return { napiImports: [...imports, ...delayed], delayed, exports };
}

