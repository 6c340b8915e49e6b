/**
 * Dependency closure of the ELF files in an artifact: every DT_NEEDED of every
 * object a process loads, resolved the way the dynamic loader resolves it (see
 * loader.ts) inside the installed artifact, or else provided by the target's
 * policy; libpython linkage; RPATH/RUNPATH entries that point off the wheel.
 *
 * Stricter than auditwheel where auditwheel is wrong about the loader:
 * auditwheel searches the top ELF's RUNPATH for the whole tree, so a bundled
 * libfoo without its own RUNPATH whose libbar is bundled beside it passes
 * `auditwheel show` and fails at import; this check names that chain.
 */
import type { Check, Rule } from '../../audit/types.ts';
import { isGlibcLoaderName, MUSL_LIBC_SONAME } from '../../policy/linux.ts';
import { jvmProvides } from '../../policy/jvm.ts';
import { nodeHostProvides } from '../node/host.ts';
import { labels, libcContradicts, linuxContext, npmInstallName, servesArch, type LinuxContext, type LinuxTarget } from './context.ts';
import { dirname, expandSearchEntry, SITE_PACKAGES, splitSearchPath } from './layout.ts';
import { chainOf, compatibleElf, muslReservedName, type LoadEdge, type LoadedNode, type SearchedDir } from './loader.ts';
import { EXTENSION_INIT_SYMBOLS } from '../python/extension-name.ts';
import { groupBy, listSome } from '../messages.ts';

export const DEPS_MISSING_LIBRARY: Check = {
  id: 'deps.missing-library',
  severity: 'error',
  title: 'A needed library is neither bundled nor provided by the platform',
  explain:
    'A binary needs a shared library (DT_NEEDED) that the loader will not find on a system the tag promises to support: it is not in the wheel where the binary\'s RPATH/RUNPATH looks, and it is not one of the system libraries the manylinux/musllinux policy allows wheels to assume (libc, libm, libstdc++, libgcc_s, libz …). ' +
    'The import then fails with `ImportError: libfoo.so.1: cannot open shared object file: No such file or directory`. ' +
    'Resolution follows the real loader, not auditwheel: a DT_RUNPATH applies only to the binary that carries it, not to the libraries it loads (a DT_RPATH does apply to them, and musl inherits both), so a bundled libfoo that needs a bundled libbar must find it through its own RUNPATH (`$ORIGIN`). ' +
    'The message shows the chain from the module Python imports to the library that cannot be found. ' +
    'A library expected from another distribution through an `$ORIGIN/../other_package/lib` entry is reported as a warning: distaudit cannot see that wheel.',
  fix:
    'Run `auditwheel repair` (it copies external libraries into `<package>.libs/`, renames them and sets RPATH), or bundle the library yourself and give every binary that needs it an RPATH/RUNPATH `$ORIGIN/…` that reaches it — including bundled libraries that need other bundled libraries. ' +
    'If the library comes from another wheel, declare that wheel as a dependency.',
};

export const DEPS_LIBPYTHON_LINKED: Check = {
  id: 'deps.libpython-linked',
  severity: 'error',
  title: 'Linked against libpython',
  explain:
    'An extension module (or a library it loads) has a DT_NEEDED entry for libpython3.X.so. Extension modules get the interpreter\'s symbols from the process that imports them; they must not name the library. ' +
    'Many interpreters are linked statically and ship no libpython3.X.so at all (the manylinux images\' Pythons, Debian and Ubuntu\'s python3), so the import fails with `libpython3.11.so.1.0: cannot open shared object file`; where it exists, a second copy of the runtime may be loaded into the process. ' +
    'PEP 513 forbids it for manylinux wheels, and `auditwheel repair` removes the entry (which breaks modules that really call into a separate interpreter).',
  fix:
    'Do not link extension modules with `-lpython3.X`: setuptools and `python3-config --ldflags` (without `--embed`) already leave it out; in CMake use `Python::Module`, not `Python::Python`.',
};

export const DEPS_NON_PORTABLE_RPATH: Check = {
  id: 'deps.non-portable-rpath',
  severity: 'warning',
  title: 'RPATH/RUNPATH points off the installed wheel',
  explain:
    'An RPATH/RUNPATH entry names a place that exists only on the build machine (an absolute path such as `/home/runner/work/…/build/lib` or `/usr/local/lib`), the current directory (an empty entry or a relative path), or a directory outside the environment the wheel is installed into (`$ORIGIN/..` past site-packages). ' +
    'On users\' machines the loader looks there first: at best it finds nothing, at worst it loads whatever another program put there (an absolute or relative entry is a way to hijack the library), and a build that worked only because of such an entry breaks at import.',
  fix:
    'Keep only `$ORIGIN`-relative entries that stay inside the wheel (`$ORIGIN/../mypkg.libs`); strip the rest (`patchelf --remove-rpath`, CMake `BUILD_WITH_INSTALL_RPATH`, or let `auditwheel repair` rewrite them).',
};

type Ctx = Parameters<Rule['run']>[0];

/** CPython's shared library, including free-threaded and debug builds. */
const LIBPYTHON = /^libpython(\d+\.\d+)[a-z]*\.so(\.\d+)*$/;

/** Whether the system of a target provides a library name. */
function systemProvides(t: LinuxTarget, name: string, jvm = false, node = false): boolean {
  if (jvm && jvmProvides('linux', name)) return true;
  // Node's own libraries (libstdc++, libgcc_s on musl): see src/rules/node/host.ts.
  if (node && nodeHostProvides('linux', name, t.flavour)) return true;
  if (t.flavour === 'glibc') return isGlibcLoaderName(name) || (t.policy?.policy.allowlist.has(name) ?? false);
  if (muslReservedName(name) || (t.arch && name === MUSL_LIBC_SONAME[t.arch])) return true;
  if (t.arch && name === `ld-musl-${MUSL_LIBC_SONAME[t.arch]?.slice('libc.musl-'.length) ?? ''}`) return true;
  return t.policy?.policy.allowlist.has(name) ?? false;
}

function chainText(node: LoadedNode): string {
  return chainOf(node)
    .map((n) => (n.parent === null ? n.object!.path : n.object ? `${n.name} (${n.object.path})` : n.name))
    .join(' → ');
}

/** Top-level package directories the artifact populates in site-packages (an npm package: its own node_modules/<name>). */
function ownPackages(lc: LinuxContext, ctx: Ctx): Set<string> {
  if (ctx.artifact.kind === 'npm') return new Set([npmInstallName(ctx.artifact.npm.packageJson?.name)]);
  const out = new Set<string>();
  for (const o of lc.objects) if (o.install.startsWith(`${SITE_PACKAGES}/`)) out.add(o.install.slice(SITE_PACKAGES.length + 1).split('/')[0]!);
  for (const f of lc.files) {
    const top = f.split('/')[0]!;
    if (!/\.data$/.test(top)) out.add(top);
  }
  return out;
}

/** Searched directories in site-packages that belong to another distribution. */
function otherPackageDirs(searched: readonly SearchedDir[], own: Set<string>): SearchedDir[] {
  return searched.filter((d) => {
    if (d.where.kind !== 'prefix' || !d.where.dir.startsWith(`${SITE_PACKAGES}/`)) return false;
    const rel = d.where.dir.slice(SITE_PACKAGES.length + 1);
    // An npm scope directory ('@img') alone is nobody's package.
    if (/^@[^/]+$/.test(rel)) return false;
    return ![...own].some((o) => rel === o || rel.startsWith(`${o}/`));
  });
}

type Verdict = 'missing' | 'unreachable' | 'other-package';

interface Miss {
  t: LinuxTarget;
  root: string;
  edge: LoadEdge;
  verdict: Verdict;
}

function reportMissing(ctx: Ctx): void {
  const lc = linuxContext(ctx);
  const own = ownPackages(lc, ctx);
  const jar = ctx.artifact.kind === 'jar';
  const node = ctx.artifact.kind === 'npm' || ctx.artifact.kind === 'node-addon';
  const noun = jar ? 'JAR' : node ? 'package' : 'wheel';
  const misses: Miss[] = [];
  for (const t of lc.targets) {
    const loads = lc.loads(t.flavour);
    for (const root of lc.roots) {
      if (!servesArch(root, t) || libcContradicts(root, t)) continue;
      for (const edge of loads.get(root.path) ?? []) {
        if (edge.resolution.kind !== 'not-in-artifact' || LIBPYTHON.test(edge.name) || systemProvides(t, edge.name, jar, node)) continue;
        const bundled = lc.named(edge.name).filter((f) => compatibleElf(f.elf, root.elf));
        let verdict: Verdict;
        if (bundled.length > 0) verdict = 'unreachable';
        else if (!t.policy) continue; // linux_*: no promise about the system's libraries
        else verdict = otherPackageDirs(edge.resolution.searched, own).length > 0 ? 'other-package' : 'missing';
        misses.push({ t, root: root.path, edge, verdict });
      }
    }
  }
  const groups = groupBy(misses, (m) => `${m.edge.from.object!.path}\0${m.edge.name}\0${m.verdict}`);
  for (const group of groups.values()) {
    const { edge, verdict } = group[0]!;
    if (edge.resolution.kind !== 'not-in-artifact') continue;
    const ts = [...new Map(group.map((m) => [m.t.target.id, m.t])).values()];
    const roots = [...new Set(group.map((m) => m.root))];
    const requester = edge.from.object!;
    const searched = edge.resolution.searched;
    const chain = `${chainText(edge.from)} → ${edge.name}`;
    const bundled = lc.named(edge.name);
    const wrongClass = edge.resolution.incompatible.map((f) => `${f.path} is ${f.elf.header.arch}, skipped`);
    const loaderError = `"${edge.name}: cannot open shared object file: No such file or directory"`;
    let message: string;
    let hint: string;
    if (verdict === 'unreachable') {
      const where = bundled[0]!;
      const runpathOf = chainOf(edge.from)
        .slice(0, -1)
        .map((n) => n.object!)
        .find((o) => splitSearchPath(o.elf.dynamic?.runpath).some((e) => {
          const w = expandSearchEntry(e, dirname(o.install));
          return w.kind === 'prefix' && w.dir === dirname(where.install);
        }));
      const why = runpathOf ? `: the RUNPATH of ${runpathOf.path} reaches it but does not apply to the libraries ${runpathOf.path} loads` : '';
      message = `${chain}: bundled as ${where.path} but not on ${requester.path}'s search path${why} (${loaderError})`;
      hint = `Give ${requester.path} an RPATH/RUNPATH that reaches ${dirname(where.path) || `the ${noun} root`} (e.g. $ORIGIN${relative(dirname(requester.install), dirname(where.install))})${runpathOf ? `, or link ${runpathOf.path} with DT_RPATH (--disable-new-dtags), which its dependencies inherit` : ''}.`;
    } else if (verdict === 'other-package') {
      const dirs = otherPackageDirs(searched, own);
      message = `${chain}: not in the ${noun}; expected from another distribution through ${dirs.map((d) => `${d.tag} ${d.entry} of ${d.owner}`).join(', ')} on ${labels(ts)}`;
      hint = `Make sure the distribution that installs ${dirs[0]!.where.kind === 'prefix' ? dirs[0]!.where.dir.slice(SITE_PACKAGES.length + 1) : ''} is a declared dependency of this one.`;
    } else {
      message = `${chain}: not in the ${noun} and not a library ${labels(ts)} provides (${loaderError})${wrongClass.length ? `; ${wrongClass.join(', ')}` : ''}`;
      hint = jar
        ? `Bundle ${edge.name} beside ${requester.path} (its loader must extract and load it first), or link it statically.`
        : node
        ? `Bundle ${edge.name} beside ${requester.path} with an $ORIGIN RUNPATH (prebuildify copies shared libraries next to the prebuilds), or link it statically.`
        : `Bundle ${edge.name} (auditwheel repair does it) and reach it through an $ORIGIN RPATH/RUNPATH of ${requester.path}, or stop depending on it.`;
    }
    ctx.report(DEPS_MISSING_LIBRARY, {
      message,
      file: requester.path,
      targets: ts.map((t) => t.target.id),
      severity: verdict === 'other-package' ? 'warning' : undefined,
      evidence: {
        library: edge.name,
        neededBy: requester.path,
        chain: chainOf(edge.from).map((n) => (n.object ? n.object.path : n.name)),
        roots,
        verdict,
        searched: searched.map((d) => ({ owner: d.owner, tag: d.tag, entry: d.entry, resolved: d.where })),
        bundledAt: bundled.map((b) => b.path),
        incompatible: edge.resolution.incompatible.map((f) => f.path),
      },
      hint,
    });
  }
}

/** '$ORIGIN'-relative path from one directory to another ('/../demo.libs'). */
function relative(from: string, to: string): string {
  const a = from === '' ? [] : from.split('/');
  const b = to === '' ? [] : to.split('/');
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  const up = a.slice(i).map(() => '..');
  const parts = [...up, ...b.slice(i)];
  return parts.length ? `/${parts.join('/')}` : '';
}

function reportLibpython(ctx: Ctx): void {
  const lc = linuxContext(ctx);
  for (const o of lc.objects) {
    for (const name of o.elf.dynamic?.needed ?? []) {
      const m = LIBPYTHON.exec(name);
      if (!m) continue;
      const ts = lc.targets.filter((t) => servesArch(o, t));
      if (ts.length === 0) continue;
      const version = m[1]!;
      const cp = `cp${version.replace('.', '')}`;
      const others = [...new Set(ts.flatMap((t) => t.target.python?.interpreters ?? []))].filter((i) => i.startsWith('cp') && !i.startsWith(cp));
      const forbid = ts.filter((t) => t.policy !== null);
      ctx.report(DEPS_LIBPYTHON_LINKED, {
        message:
          ctx.artifact.kind === 'jar'
            ? `${o.path} needs ${name}: only systems with CPython ${version} built as a shared library have it (statically linked interpreters have no ${name} to load)`
            : `${o.path} needs ${name}: statically linked interpreters have no ${name} to load${forbid.length ? ` (${labels(forbid)} forbids linking libpython)` : ''}${others.length ? `, and it is CPython ${version}'s library in a wheel for ${others.join(', ')}` : ''}`,
        file: o.path,
        targets: ts.map((t) => t.target.id),
        evidence: { library: name, pythonVersion: version, wheelInterpreters: others },
        hint: `Relink ${o.path} without -lpython${version} (extension modules take the interpreter's symbols from the process).`,
      });
    }
  }
}

function reportRpath(ctx: Ctx): void {
  const lc = linuxContext(ctx);
  for (const o of lc.objects) {
    const ts = lc.targets.filter((t) => servesArch(o, t));
    if (ts.length === 0) continue;
    const bad: { tag: 'RPATH' | 'RUNPATH'; entry: string; why: string }[] = [];
    for (const tag of ['RPATH', 'RUNPATH'] as const) {
      const value = tag === 'RPATH' ? o.elf.dynamic?.rpath : o.elf.dynamic?.runpath;
      for (const entry of splitSearchPath(value)) {
        const w = expandSearchEntry(entry, dirname(o.install));
        let why: string | null = null;
        if (w.kind === 'absolute') why = 'an absolute path of the build machine';
        else if (w.kind === 'cwd') why = 'empty: the current directory';
        else if (w.kind === 'relative') why = 'relative to the current directory';
        else if (w.kind === 'escapes') why = 'climbs out of the environment';
        else if (w.kind === 'prefix' && !w.dir.startsWith(`${SITE_PACKAGES}/`) && w.dir !== SITE_PACKAGES && !o.install.startsWith('bin/')) why = ctx.artifact.kind === 'jar' ? 'leaves the JAR' : ctx.artifact.kind === 'npm' || ctx.artifact.kind === 'node-addon' ? 'leaves node_modules' : 'leaves site-packages';
        if (why) bad.push({ tag, entry, why });
      }
    }
    if (bad.length === 0) continue;
    ctx.report(DEPS_NON_PORTABLE_RPATH, {
      message: `${o.path} has ${listSome(bad.map((b) => `${b.tag} ${b.entry === '' ? '(empty entry)' : b.entry} (${b.why})`), 3)}`,
      file: o.path,
      targets: ts.map((t) => t.target.id),
      evidence: { entries: bad, rpath: o.elf.dynamic?.rpath ?? null, runpath: o.elf.dynamic?.runpath ?? null },
      hint: `Remove ${bad.map((b) => (b.entry === '' ? 'the empty entry' : b.entry)).join(', ')} from ${o.path} and keep only $ORIGIN-relative entries inside the ${ctx.artifact.kind === 'jar' ? 'JAR' : ctx.artifact.kind === 'wheel' ? 'wheel' : 'package'}.`,
    });
  }
}

export const depsRule: Rule = {
  name: 'deps',
  // Python extension modules are told by their init function.
  definedSymbols: EXTENSION_INIT_SYMBOLS,
  kinds: ['wheel', 'jar', 'npm', 'node-addon'],
  checks: [DEPS_MISSING_LIBRARY, DEPS_LIBPYTHON_LINKED, DEPS_NON_PORTABLE_RPATH],
  run(ctx) {
    reportMissing(ctx);
    reportLibpython(ctx);
    reportRpath(ctx);
  },
};
