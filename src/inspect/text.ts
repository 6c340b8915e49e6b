/**
 * The readable summary `distaudit inspect` prints: one block per binary (per
 * slice of a fat Mach-O), the facts an auditor looks at first, then anomalies.
 */
import type { BinaryFacts } from '../binary/describe.ts';
import type { InspectResult } from './inspect.ts';

const FORMAT_NAMES = { elf: 'ELF', macho: 'Mach-O', pe: 'PE' } as const;

function line(label: string, value: string | null | undefined): string | null {
  return value === null || value === undefined || value === '' ? null : `  ${label.padEnd(14)}${value}`;
}

function list(values: string[]): string | null {
  return values.length > 0 ? values.join(', ') : null;
}

function factsBlock(f: BinaryFacts, fat: boolean): string[] {
  const head = `${FORMAT_NAMES[f.format]} ${f.bits}-bit ${f.endianness === 'little' ? 'LE' : 'BE'} ${f.kind}, ${f.arch}${fat ? ` (fat slice at 0x${f.sliceOffset.toString(16)})` : ''}`;
  const floors = Object.entries(f.versionFloors).map(([family, v]) => `${family} ${v}`);
  const delayed = new Set(f.delayLoaded);
  const needed = f.needed.map((n) => (delayed.has(n) ? `${n} (delay-loaded)` : n));
  return [
    `  ${head}`,
    line('libc', f.libc ? `${f.libc}${f.libcEvidence ? ` (${f.libcEvidence})` : ''}` : null),
    line('interpreter', f.interpreter),
    line(f.format === 'pe' ? 'dll name' : f.format === 'macho' ? 'install name' : 'soname', f.installName),
    line(f.format === 'pe' ? 'imports' : 'needs', list(needed) ?? '(nothing)'),
    line('rpath', list(f.rpath)),
    line('runpath', list(f.runpath)),
    line('requires', list(floors)),
    line('minimum OS', f.minOs ? `${f.minOs.platform} ${f.minOs.version}` : null),
    line('signature', f.format === 'elf' ? null : `${f.signature}${f.teamId ? `, team ${f.teamId}` : ''}`),
    line('exec stack', f.executableStack === true ? 'yes (PT_GNU_STACK RWX)' : f.executableStack === null && f.format === 'elf' ? 'no PT_GNU_STACK (loader default)' : null),
  ].filter((l): l is string => l !== null);
}

export function renderInspectText(r: InspectResult): string {
  const out = [`${r.path} (${r.size} bytes)`];
  if (r.error) {
    out.push(`  error: ${r.error.reason}`);
    return out.join('\n');
  }
  if (!r.parsed) {
    out.push(`  not a native binary (${r.format === 'java-class' ? 'a Java class file' : 'no ELF, Mach-O or PE header'})`);
    return out.join('\n');
  }
  const fat = r.parsed.format === 'macho' && r.parsed.fat !== null;
  for (const f of r.facts) out.push(...factsBlock(f, fat));
  const anomalies = r.parsed.anomalies;
  if (anomalies.length > 0) {
    out.push(`  anomalies (${anomalies.length}):`);
    for (const a of anomalies.slice(0, 20)) out.push(`    [${a.code}] at 0x${a.offset.toString(16)}: ${a.message}`);
    if (anomalies.length > 20) out.push(`    ... ${anomalies.length - 20} more (see --json)`);
  }
  return out.join('\n');
}
