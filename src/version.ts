/**
 * Dotted numeric versions ('2.17', '3.4.21', '11.0') and versioned symbol-set
 * names ('GLIBC_2.34', 'GLIBCXX_3.4.21', 'CXXABI_1.3.9', 'GCC_3.0').
 */

/** Negative, zero or positive as `a` is older, equal or newer than `b`; missing parts count as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** 'GLIBC_2.34' → { family: 'GLIBC', version: '2.34' }; null for names without a numeric version ('GLIBC_PRIVATE'). */
export function splitVersionName(name: string): { family: string; version: string } | null {
  const m = /^(.+?)_(\d+(?:\.\d+)*)$/.exec(name);
  return m ? { family: m[1]!, version: m[2]! } : null;
}
