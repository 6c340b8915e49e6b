/**
 * abi3: an extension module in a wheel tagged `abi3` promises to load in
 * every CPython from the tag's version on (cp38-abi3: 3.8, 3.9, ... 3.14).
 * It keeps that promise only if it imports nothing but stable-ABI symbols, and
 * none added after the tag's version. The same rule as abi3audit (which
 * cibuildwheel runs by default), with the symbols named per binary:
 * ELF undefined dynamic symbols, Mach-O undefined external symbols (per slice),
 * PE imports from python3.dll / python3XY.dll. Data: CPython's
 * Misc/stable_abi.toml (src/policy/stable-abi.ts).
 */
import type { Check, Rule } from '../../audit/types.ts';
import type { Target } from '../../target.ts';
import { compareVersions } from '../../version.ts';
import { stableAbiItem } from '../../policy/stable-abi.ts';
import { targetsForFormat } from './abi-tag.ts';
import { listNames, sliceSymbols } from './symbols.ts';

export const abi3NonStableSymbol: Check = {
  id: 'abi3.non-stable-symbol',
  severity: 'error',
  title: 'abi3 extension uses symbols outside the stable ABI',
  explain:
    'The wheel is tagged `abi3`, so pip installs it on every CPython from the tag\'s version on, but this binary imports `Py*` / `_Py*` ' +
    'symbols that are not part of the stable ABI (CPython\'s `Misc/stable_abi.toml`). Those functions and their layouts change between ' +
    'versions and may be removed or turned into macros: on another CPython the import fails with ' +
    '`ImportError: ... undefined symbol: _PyObject_GetAttrId` (Linux), `Symbol not found: __PyObject_...` (macOS) or ' +
    '`DLL load failed while importing ...: The specified procedure could not be found` (Windows), or worse, the module ' +
    'loads and misbehaves because a struct it reads has changed.',
  fix:
    'Build with `Py_LIMITED_API` defined to the oldest version you support (e.g. `-DPy_LIMITED_API=0x03080000`; ' +
    'setuptools: `py_limited_api=True`; PyO3: the `abi3-py38` feature) so the compiler rejects non-stable APIs, then replace them ' +
    'with their stable counterparts. If the module really needs the full API, publish version-specific wheels (`cp311-cp311`) instead of `abi3`.',
};

export const abi3SymbolTooNew: Check = {
  id: 'abi3.symbol-too-new',
  severity: 'error',
  title: 'abi3 extension uses stable-ABI symbols newer than its tag',
  explain:
    'The wheel\'s tag (e.g. `cp37-abi3`) promises CPython 3.7 and later, but the binary imports stable-ABI functions that were ' +
    'added in a later version (e.g. `PyType_GetModule`, added in 3.10). On the older CPythons the tag admits, pip installs the wheel and ' +
    'the import fails with `undefined symbol: PyType_GetModule` (Linux), `Symbol not found: _PyType_GetModule` (macOS) or ' +
    '`The specified procedure could not be found` (Windows).',
  fix:
    'Either raise the wheel\'s Python tag to the version the binary needs (`cp310-abi3`, built with `Py_LIMITED_API=0x030A0000`), ' +
    'or build with `Py_LIMITED_API` set to the tag\'s version so that newer functions are not declared, and avoid them.',
};

export const abi3Rule: Rule = {
  name: 'abi3',
  kinds: ['wheel'],
  checks: [abi3NonStableSymbol, abi3SymbolTooNew],
  run(ctx) {
    const abi3Targets = ctx.targets.filter((t) => t.python?.abi === 'abi3');
    if (abi3Targets.length === 0) return;
    for (const bin of ctx.binaries) {
      const slices = sliceSymbols(bin);
      const used = [...new Set(slices.flatMap((s) => s.pythonImports))].sort();
      if (used.length === 0) continue;
      const format = bin.facts[0]?.format ?? bin.parsed.format;
      const targets = targetsForFormat(abi3Targets, format);
      const ids = targets.map((t) => t.id);
      const slicesOf = (name: string) => slices.filter((s) => s.pythonImports.includes(name)).map((s) => s.arch);

      const nonStable = used.filter((n) => !stableAbiItem(n));
      if (nonStable.length > 0) {
        ctx.report(abi3NonStableSymbol, {
          file: bin.path,
          targets: ids,
          message: `${bin.path} is tagged abi3 but imports ${nonStable.length} symbol${nonStable.length === 1 ? '' : 's'} outside the stable ABI: ${listNames(nonStable)}`,
          evidence: { symbols: nonStable, slices: Object.fromEntries(nonStable.map((n) => [n, slicesOf(n)])) },
          hint: `Build with -DPy_LIMITED_API and replace ${listNames(nonStable, 3)}; or tag the wheel for one CPython version instead of abi3.`,
        });
      }

      const stable = used.flatMap((n) => {
        const item = stableAbiItem(n);
        return item ? [{ name: n, added: item.added }] : [];
      });
      const required = stable.reduce((max, s) => (compareVersions(s.added, max) > 0 ? s.added : max), '3.2');
      const byMinimum = new Map<string, Target[]>();
      for (const t of targets) {
        const min = t.python?.minimum ?? '3.2';
        byMinimum.set(min, [...(byMinimum.get(min) ?? []), t]);
      }
      for (const [minimum, group] of byMinimum) {
        const tooNew = stable.filter((s) => compareVersions(s.added, minimum) > 0).sort((a, b) => compareVersions(b.added, a.added) || a.name.localeCompare(b.name));
        if (tooNew.length === 0) continue;
        const tag = `cp${minimum.replace('.', '')}-abi3`;
        const needed = `cp${required.replace('.', '')}-abi3`;
        ctx.report(abi3SymbolTooNew, {
          file: bin.path,
          targets: group.map((t) => t.id),
          message: `${bin.path} imports ${listNames(tooNew.map((s) => `${s.name} (${s.added})`))} but ${tag} promises CPython ≥ ${minimum}: it needs ≥ ${required}`,
          evidence: { minimum, required, symbols: tooNew, assumedMinimum: group.some((t) => !t.python?.minimum) },
          hint: `Tag the wheel ${needed} (and build with Py_LIMITED_API=0x${hexVersion(required)}), or stop using ${listNames(tooNew.map((s) => s.name), 3)}.`,
        });
      }
    }
  },
};

/** '3.10' → '030A0000', the Py_LIMITED_API value for that version. */
function hexVersion(v: string): string {
  const [major = 3, minor = 0] = v.split('.').map(Number);
  return `${major.toString(16).padStart(2, '0')}${minor.toString(16).padStart(2, '0')}0000`.toUpperCase();
}
