/**
 * SONAME discipline of the libraries an artifact bundles: the name a binary
 * asks for is the name the library gives itself; one SONAME, one library; no
 * development-symlink names (`libfoo.so`); and bundled copies of widely used
 * libraries renamed so they cannot collide with the system's or another
 * wheel's copy (PEP 600, "play well with others").
 *
 * The loader keys loaded libraries by name: glibc by the name they were
 * requested under and by their DT_SONAME, musl by the requested name only.
 * Every rule here follows from that.
 */
import type { Check, Rule } from '../../audit/types.ts';
import { LIBPYTHON_RE, policiesFor } from '../../policy/linux.ts';
import { libcContradicts, linuxContext, labels, servesArch, type LinuxTarget } from './context.ts';
import { basename, dirname } from './layout.ts';
import { jvmProvides } from '../../policy/jvm.ts';
import { muslReservedName } from './loader.ts';
import { EXTENSION_INIT_SYMBOLS } from '../python/extension-name.ts';
import { groupBy } from '../messages.ts';

export const SONAME_NEEDED_MISMATCH: Check = {
  id: 'soname.needed-mismatch',
  severity: 'warning',
  title: 'A bundled library is found under a name that is not its SONAME',
  explain:
    'A binary needs `libfoo.so.1`, and the file the loader finds under that name in the wheel calls itself something else (its DT_SONAME is `libfoo.so.1.0.0`, or an older name from before a rename). ' +
    'It loads — but the process now knows it under two names, and which of them a later request matches depends on the loader (musl matches only the requested name) and on what was loaded first: another library that needs the SONAME finds nothing (`cannot open shared object file`) or loads a second copy. ' +
    'It is also the trace of a repair step that renamed a file but did not rewrite every DT_NEEDED (auditwheel#598).',
  fix:
    'Name the bundled file after its SONAME and make every DT_NEEDED use that name (`patchelf --replace-needed old new`, or link against the library with its final SONAME set: `-Wl,-soname,libfoo.so.1`).',
};

export const SONAME_DUPLICATE: Check = {
  id: 'soname.duplicate',
  severity: 'error',
  title: 'Two bundled libraries share one SONAME',
  explain:
    'Two files in the wheel carry the same DT_SONAME. The loader keeps one library per name: whichever is loaded first is used by every binary that needs that SONAME, and the other binaries get a library they were not built against (`undefined symbol: …`, or silent misbehaviour when the ABI differs). ' +
    'When the two files are identical it only wastes space (a warning); when they differ it is an error.',
  fix:
    'Bundle each library once (for example in `<package>.libs/`) and point every binary at that copy; if two builds really differ, give them different SONAMEs.',
};

export const SONAME_UNVERSIONED_NEEDED: Check = {
  id: 'soname.unversioned-needed',
  severity: 'warning',
  title: 'Needs a library by its development symlink name',
  explain:
    'A binary has a DT_NEEDED entry like `libfoo.so` (no version): the name of the development symlink that `-lfoo` finds at link time, usually because the library has no SONAME. ' +
    'Runtime packages install `libfoo.so.1` and ship `libfoo.so` only in the `-dev` package, so on a user\'s machine the import fails with `libfoo.so: cannot open shared object file` — and where it does load, nothing ties it to the ABI version the binary was built against.',
  fix:
    'Give the library a versioned SONAME (`-Wl,-soname,libfoo.so.1`) and relink, or bundle it in the wheel under the name the binary asks for.',
};

export const SONAME_NOT_UNIQUE: Check = {
  id: 'soname.not-unique',
  severity: 'warning',
  title: 'A bundled library keeps a widely used SONAME',
  explain:
    'The wheel bundles a copy of a widely used library (libssl, libcrypto, libgfortran, libgomp, libstdc++, libz …) under its usual SONAME. ' +
    'The loader reuses an already loaded library with the same name, so when the process has loaded the system\'s copy (CPython\'s own `_ssl` module loads libssl.so.3) or another wheel\'s, the bundled one is never used: the binary runs against a library it was not built for (``version `OPENSSL_3.2.0\' not found``, crashes) — or the other package gets this one. ' +
    'PEP 600 asks bundled libraries to have unique names; `auditwheel repair` renames them `libssl-<hash8>.so.3`.',
  fix:
    'Let `auditwheel repair` graft and rename the library, or rename it yourself (file name and SONAME, e.g. `libssl-mypkg.so.3`) and relink the binaries that need it.',
};

type Ctx = Parameters<Rule['run']>[0];

/** Library base names (before `.so`) of widely shared libraries, besides every library some policy allows. */
const COMMON_LIBRARIES = new Set([
  'libssl', 'libcrypto', 'libz', 'libbz2', 'liblzma', 'libzstd', 'liblz4', 'libsnappy', 'libbrotlicommon', 'libbrotlidec', 'libbrotlienc',
  'libffi', 'libexpat', 'libxml2', 'libxslt', 'libexslt', 'libcurl', 'libnghttp2', 'libidn2', 'libssh2', 'libpsl',
  'libpng', 'libpng16', 'libjpeg', 'libturbojpeg', 'libtiff', 'libwebp', 'libwebpmux', 'libwebpdemux', 'libsharpyuv', 'libopenjp2', 'liblcms2',
  'libfreetype', 'libharfbuzz', 'libfontconfig', 'libcairo', 'libpixman-1', 'libpango-1.0', 'libxcb', 'libX11', 'libGL', 'libEGL',
  'libgfortran', 'libquadmath', 'libgomp', 'libomp', 'libiomp5', 'libgcc_s', 'libstdc++', 'libatomic',
  'libopenblas', 'libopenblasp-r0', 'libblas', 'libcblas', 'liblapack', 'liblapacke', 'libhdf5', 'libhdf5_hl', 'libnetcdf',
  'libsqlite3', 'libuuid', 'libyaml', 'libyaml-0', 'libuv', 'libevent', 'libzmq', 'libsodium', 'libpcre', 'libpcre2-8',
  'libgmp', 'libmpfr', 'libmpc', 'libgdal', 'libproj', 'libgeos', 'libgeos_c', 'libprotobuf', 'libre2', 'libicuuc', 'libicudata', 'libicui18n',
  'libglib-2.0', 'libgobject-2.0', 'libgio-2.0', 'libtbb', 'libnuma', 'libpq', 'libmariadb', 'libmysqlclient', 'libarchive', 'libmagic',
  'libtinfo', 'libncurses', 'libncursesw', 'libreadline', 'libedit', 'libusb-1.0', 'libudev', 'libdbus-1', 'libsystemd', 'libcap',
]);

function baseName(soname: string): string {
  const i = soname.indexOf('.so');
  return i < 0 ? soname : soname.slice(0, i);
}

/** auditwheel's rename (libfoo-1a2b3c4d.so.3) or any similar hash-like component marks a unique name. */
function looksUnique(soname: string): boolean {
  return /[-_.][0-9a-f]{8,}(?=[.-]|$)/i.test(baseName(soname)) || /-[0-9a-f]{8}\.so/i.test(soname);
}

let allowlisted: Set<string> | null = null;
function allowlistedBases(): Set<string> {
  if (!allowlisted) {
    allowlisted = new Set();
    for (const libc of ['glibc', 'musl'] as const) for (const p of policiesFor(libc, 'x86_64')) for (const n of p.allowlist) allowlisted.add(baseName(n));
  }
  return allowlisted;
}

function reportNeededMismatch(ctx: Ctx): void {
  const lc = linuxContext(ctx);
  const hits: { t: LinuxTarget; from: string; name: string; file: string; soname: string }[] = [];
  for (const t of lc.targets) {
    for (const [root, edges] of lc.loads(t.flavour)) {
      const r = lc.objects.find((o) => o.path === root)!;
      if (!servesArch(r, t)) continue;
      for (const e of edges) {
        if (e.resolution.kind !== 'bundled') continue;
        const soname = e.resolution.node.object!.elf.dynamic?.soname;
        if (soname && soname !== e.name) hits.push({ t, from: e.from.object!.path, name: e.name, file: e.resolution.node.object!.path, soname });
      }
    }
  }
  for (const group of groupBy(hits, (h) => `${h.from}\0${h.name}\0${h.file}`).values()) {
    const { from, name, file, soname } = group[0]!;
    const ts = [...new Map(group.map((g) => [g.t.target.id, g.t])).values()];
    ctx.report(SONAME_NEEDED_MISMATCH, {
      message: `${from} needs ${name}, found as ${file} whose SONAME is ${soname}`,
      file: from,
      targets: ts.map((t) => t.target.id),
      evidence: { needed: name, file, soname },
      hint: `Make the NEEDED entry of ${from} and the file name agree with the SONAME ${soname} (or relink ${file} with -Wl,-soname,${name}).`,
    });
  }
}

function reportDuplicates(ctx: Ctx): void {
  const lc = linuxContext(ctx);
  const withSoname = lc.objects.filter((o) => o.elf.dynamic?.soname);
  // Files of one machine and class; in a JAR, of one directory too: the builds for each platform
  // sit in their own directory, and a loader picks one of them, so they are never loaded together.
  // npm prebuilds likewise sit in one directory per platform (prebuilds/<platform>-<arch>/).
  const perDirectory = ctx.artifact.kind === 'jar' || ctx.artifact.kind === 'npm';
  const key = (o: (typeof withSoname)[number]) => `${o.elf.header.machine}/${o.elf.header.class}${perDirectory ? `\0${dirname(o.path)}` : ''}\0${o.elf.dynamic!.soname!}`;
  for (const [soname, group] of groupBy(withSoname, key)) {
    if (group.length < 2) continue;
    const name = soname.split('\0').pop()!;
    // Node addons are loaded by path (require), never by SONAME: builds of one addon for several runtimes share it harmlessly.
    if ((ctx.artifact.kind === 'npm' || ctx.artifact.kind === 'node-addon') && !lc.objects.some((o) => o.elf.dynamic?.needed.includes(name))) continue;
    const ts = lc.targets.filter((t) => group.some((o) => servesArch(o, t)));
    const identical = new Set(group.map((o) => o.binary.sha256)).size === 1;
    ctx.report(SONAME_DUPLICATE, {
      message: `SONAME ${name} is carried by ${group.length} files (${group.map((o) => o.path).join(', ')})${identical ? ', identical copies' : ' with different contents: whichever loads first serves every binary that needs it'}`,
      file: group[0]!.path,
      targets: ts.map((t) => t.target.id),
      severity: identical ? 'warning' : undefined,
      evidence: { soname: name, files: group.map((o) => ({ path: o.path, sha256: o.binary.sha256 })), identical },
      hint: identical ? `Keep one copy of ${name} and point the binaries that need it there.` : `Give the two builds of ${name} different SONAMEs, or keep only one.`,
    });
  }
}

function reportUnversioned(ctx: Ctx): void {
  const lc = linuxContext(ctx);
  for (const o of lc.objects) {
    for (const name of o.elf.dynamic?.needed ?? []) {
      if (!/\.so$/.test(name) || name.includes('/') || LIBPYTHON_RE.test(name) || lc.bundles(name)) continue;
      // The JVM's own libraries are called libjvm.so, libjawt.so: the JVM that loads a JAR's library provides them.
      if (ctx.artifact.kind === 'jar' && jvmProvides('linux', name)) continue;
      const ts = lc.targets.filter((t) => servesArch(o, t) && !libcContradicts(o, t) && !(t.flavour === 'musl' && muslReservedName(name)));
      if (ts.length === 0) continue;
      ctx.report(SONAME_UNVERSIONED_NEEDED, {
        message: `${o.path} needs ${name}, a development symlink name that runtime packages do not install, on ${labels(ts)}`,
        file: o.path,
        targets: ts.map((t) => t.target.id),
        evidence: { needed: name },
        hint: `Relink ${o.path} against a library with a versioned SONAME (${name}.N), or bundle ${name} in the ${ctx.artifact.kind === 'jar' ? 'JAR' : ctx.artifact.kind === 'wheel' ? 'wheel' : 'package'}.`,
      });
    }
  }
}

function reportNotUnique(ctx: Ctx): void {
  const lc = linuxContext(ctx);
  for (const o of lc.objects) {
    if (o.extension !== null || o.binary.facts[0]?.kind !== 'shared-library') continue;
    const name = o.elf.dynamic?.soname ?? basename(o.path);
    if (looksUnique(name)) continue;
    const base = baseName(name);
    if (!COMMON_LIBRARIES.has(base) && !allowlistedBases().has(base)) continue;
    const ts = lc.targets.filter((t) => servesArch(o, t));
    if (ts.length === 0) continue;
    ctx.report(SONAME_NOT_UNIQUE, {
      message: `${o.path} bundles ${base} under the common SONAME ${name}: a process that already loaded another ${name} (the system's, another wheel's) uses that one instead`,
      file: o.path,
      targets: ts.map((t) => t.target.id),
      evidence: { soname: name, library: base },
      hint: `Rename ${name} to a unique name (auditwheel repair writes ${base}-<first 8 hex of its sha256>${name.slice(base.length)}) and update the DT_NEEDED entries that name it.`,
    });
  }
}

export const sonameRule: Rule = {
  name: 'soname',
  // Python extension modules are told by their init function.
  definedSymbols: EXTENSION_INIT_SYMBOLS,
  kinds: ['wheel', 'jar', 'npm', 'node-addon'],
  checks: [SONAME_NEEDED_MISMATCH, SONAME_DUPLICATE, SONAME_UNVERSIONED_NEEDED, SONAME_NOT_UNIQUE],
  run(ctx) {
    reportNeededMismatch(ctx);
    reportDuplicates(ctx);
    reportUnversioned(ctx);
    reportNotUnique(ctx);
  },
};
