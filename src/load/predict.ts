/**
 * Ties a load failure to the static finding that predicted it. A failure
 * that no finding predicted is a surprise: a gap in the static audit, or
 * something about the image — worth knowing either way, so it is flagged,
 * never hidden.
 *
 * A finding predicts a failure when its check can explain the failure's class,
 * it is about the binary that failed, and it applies to the target the load
 * stood for; among several, the one that names what the loader named (the
 * version, the library, the symbol) wins.
 */
import type { Finding } from '../audit/types.ts';
import type { LoadFailureClass } from './types.ts';

/** The checks whose findings explain each class of load failure, most specific first. */
export const PREDICTORS: Record<LoadFailureClass, readonly string[]> = {
  'symbol-version': ['elf.symbol-version-too-new', 'abi3.symbol-too-new', 'elf.libc-mismatch'],
  'missing-library': ['deps.missing-library', 'elf.libc-mismatch', 'soname.needed-mismatch', 'deps.non-portable-rpath', 'deps.libpython-linked'],
  'undefined-symbol': ['elf.libc-mismatch', 'abi3.non-stable-symbol', 'elf.symbol-version-too-new', 'deps.missing-library'],
  'wrong-elf-class': ['binary.arch-mismatch', 'jar.native-path-mismatch', 'jar.native-code-mismatch'],
  'wrong-machine': ['binary.arch-mismatch', 'jar.native-path-mismatch', 'jar.native-code-mismatch'],
  'invalid-elf': ['binary.unparsable', 'binary.format-mismatch', 'elf.executable-stack'],
  'module-abi': ['node.module-version-mismatch', 'python.extension-tag-mismatch'],
  'napi-version': ['node.napi-too-new', 'node.declared-napi-below-imports', 'node.experimental-napi'],
  'init-failure': ['python.missing-init-function', 'node.not-an-addon', 'jni.no-entry-points'],
  'init-dependency': [],
  crash: ['elf.isa-level'],
  timeout: [],
  'resource-limit': [],
  unknown: [],
};

/**
 * Checks that explain a failure only when they name what the loader named:
 * an undefined symbol is predicted by a symbol-level finding about that
 * symbol, not by any finding of the check (a libc mismatch explains them all).
 */
const ONLY_WHEN_NAMED: Partial<Record<LoadFailureClass, readonly string[]>> = {
  'undefined-symbol': ['abi3.non-stable-symbol', 'elf.symbol-version-too-new', 'deps.missing-library'],
};

export interface FailureToExplain {
  binary: string;
  target: string;
  class: LoadFailureClass;
  /** What the loader named: { version: 'GLIBC_2.38', library: 'libhelper.so', symbol: ... }. */
  detail: Record<string, string>;
}

const mentions = (f: Finding, word: string) => f.message.includes(word) || JSON.stringify(f.evidence).includes(word);

/** The finding that predicted the failure, or null (a surprise). */
export function predictingFinding(failure: FailureToExplain, findings: readonly Finding[]): Finding | null {
  const checks = PREDICTORS[failure.class];
  const named = Object.values(failure.detail).filter((w) => w.length > 0);
  const strict = ONLY_WHEN_NAMED[failure.class] ?? [];
  const candidates = findings
    .filter((f) => checks.includes(f.check) && (f.file === failure.binary || f.file === null) && (f.targets.length === 0 || f.targets.includes(failure.target)))
    .filter((f) => f.file === failure.binary || mentions(f, failure.binary))
    .filter((f) => !strict.includes(f.check) || named.some((w) => mentions(f, w)));
  if (candidates.length === 0) return null;
  const score = (f: Finding) => named.filter((w) => mentions(f, w)).length * 100 - checks.indexOf(f.check);
  return candidates.reduce((best, f) => (score(f) > score(best) ? f : best));
}
