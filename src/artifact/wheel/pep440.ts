/**
 * PEP 440 versions, as far as a wheel audit needs them: is a string a valid
 * version, its normalized spelling, and whether two spellings name the same
 * version ('1.0' and '1.0.0' do; '1.0-1' and '1.0.post1' do).
 *
 * Spec: https://packaging.python.org/en/latest/specifications/version-specifiers/
 * (the regular expression is the spec's appendix, as packaging implements it).
 */

export interface Pep440Version {
  epoch: number;
  release: number[];
  pre: { label: 'a' | 'b' | 'rc'; number: number } | null;
  post: number | null;
  dev: number | null;
  local: string | null;
  /** The canonical spelling, e.g. '1.0rc1.post2.dev3+ubuntu.1'. */
  normalized: string;
}

const VERSION_RE = new RegExp(
  '^\\s*v?' +
    '(?:(?<epoch>[0-9]+)!)?' +
    '(?<release>[0-9]+(?:\\.[0-9]+)*)' +
    '(?<pre>[-_.]?(?<pre_l>alpha|a|beta|b|preview|pre|c|rc)[-_.]?(?<pre_n>[0-9]+)?)?' +
    '(?<post>(?:-(?<post_n1>[0-9]+))|(?:[-_.]?(?<post_l>post|rev|r)[-_.]?(?<post_n2>[0-9]+)?))?' +
    '(?<dev>[-_.]?(?<dev_l>dev)[-_.]?(?<dev_n>[0-9]+)?)?' +
    '(?:\\+(?<local>[a-z0-9]+(?:[-_.][a-z0-9]+)*))?' +
    '\\s*$',
  'i',
);

const PRE_LABELS: Record<string, 'a' | 'b' | 'rc'> = { alpha: 'a', a: 'a', beta: 'b', b: 'b', c: 'rc', pre: 'rc', preview: 'rc', rc: 'rc' };

/** Parses a PEP 440 version; null if the string is not one. */
export function parseVersion(text: string): Pep440Version | null {
  const m = VERSION_RE.exec(text);
  if (!m?.groups) return null;
  const g = m.groups;
  const epoch = g.epoch ? Number(g.epoch) : 0;
  const release = g.release!.split('.').map(Number);
  const pre = g.pre_l ? { label: PRE_LABELS[g.pre_l.toLowerCase()]!, number: Number(g.pre_n ?? 0) } : null;
  const post = g.post ? Number(g.post_n1 ?? g.post_n2 ?? 0) : null;
  const dev = g.dev ? Number(g.dev_n ?? 0) : null;
  const local = g.local ? g.local.toLowerCase().replace(/[-_]/g, '.') : null;
  let normalized = (epoch ? `${epoch}!` : '') + release.join('.');
  if (pre) normalized += `${pre.label}${pre.number}`;
  if (post !== null) normalized += `.post${post}`;
  if (dev !== null) normalized += `.dev${dev}`;
  if (local) normalized += `+${local}`;
  return { epoch, release, pre, post, dev, local, normalized };
}

/** The comparison key of packaging: the release without trailing zeros, local segments compared numerically where numeric. */
function key(v: Pep440Version): string {
  const release = [...v.release];
  while (release.length > 1 && release[release.length - 1] === 0) release.pop();
  const local = v.local?.split('.').map((p) => (/^\d+$/.test(p) ? String(Number(p)) : p)).join('.') ?? '';
  return [v.epoch, release.join('.'), v.pre ? `${v.pre.label}${v.pre.number}` : '', v.post ?? '', v.dev ?? '', local].join('|');
}

/** Whether two strings are the same PEP 440 version (false when either is not a version). */
export function sameVersion(a: string, b: string): boolean {
  const va = parseVersion(a);
  const vb = parseVersion(b);
  return va !== null && vb !== null && key(va) === key(vb);
}
