/**
 * The npm package model: what a package tarball says about itself and how it
 * delivers native code, read from a scan (reader.ts) and its package.json.
 * Nothing here judges: the rules in src/rules/node/ do, and targets.ts turns
 * the claims into targets.
 *
 * Paths: npm strips the first component of every tarball entry
 * (`package/` by convention, whatever it is called), so `rel` paths here are
 * inside the package; `path` keeps the archive's own spelling for messages
 * and for matching the audited binaries.
 *
 * Layouts recognised (several can hold at once):
 *
 * | layout | told by | where the binary comes from |
 * |---|---|---|
 * | prebuildify | `.node` files under `prebuilds/<platform>-<arch>/` | the tarball; node-gyp-build picks one at run time |
 * | napi-rs-platform | `os` / `cpu` fields (or a `-<platform>-<arch>[-abi]` name) and a `.node` file | the tarball: one platform's build |
 * | platform-package | the same fields, native code but no `.node` (esbuild, sharp's libvips) | the tarball |
 * | napi-rs-root | `optionalDependencies` naming per-platform packages | the platform packages, installed by npm where os / cpu / libc match |
 * | node-pre-gyp | a `binary` block, or an install script running node-pre-gyp | downloaded at install from `binary.host` |
 * | prebuild-install | an install script running prebuild-install | downloaded at install from GitHub releases |
 * | node-gyp | `binding.gyp` | compiled at install (npm runs `node-gyp rebuild` itself when there is no install script) |
 * | bundled | `build/Release/*.node` or another `.node` file elsewhere | the tarball; node-gyp-build and `bindings` load build/Release first |
 *
 * @example
 * const npm = readNpmModel('demo-1.0.0.tgz', scan, text);
 * npm.layouts;                              // ['prebuildify', 'node-gyp']
 * npm.prebuilds.map((p) => p.rel);          // ['prebuilds/linux-x64/demo.node', ...]
 * npm.install.buildsAtInstall;              // 'node-gyp-build' (builds where no prebuild loads)
 */
import type { ArchiveScan } from '../archive/types.ts';
import type { NodeAddonFacts } from '../../binary/addons/node.ts';
import { parsePackageJson, type PackageJson, type PackageJsonProblem, type NodePreGypBinary } from './package-json.ts';
import { parseTags, parseTuple, type PrebuildTags, type PrebuildTuple } from './prebuilds.ts';
import { platformOfPackageName, type NamedPlatform } from './platform-packages.ts';
import type { ScannedNative as NativeFacts } from '../natives.ts';

/** What the scan read of one native binary (every one, by magic bytes), before the pipeline's own parse. */
export interface ScannedNative extends NativeFacts {
  /** Node addon facts of a binary named `*.node`; null when it is none (or not named so). */
  node: NodeAddonFacts | null;
}

export interface NpmScanInfo {
  /** Archive paths of every native binary, in scan order. */
  natives: string[];
  scanned: Record<string, ScannedNative>;
}

export interface NpmScan extends ArchiveScan {
  npm: NpmScanInfo;
}

export interface NpmPrebuild {
  /** Archive path ('package/prebuilds/linux-x64/demo.node'). */
  path: string;
  /** Path in the package ('prebuilds/linux-x64/demo.node'). */
  rel: string;
  /** The directory under prebuilds/ ('linux-x64'). */
  dir: string;
  /** Null when node-gyp-build cannot read the directory name (it skips the directory). */
  tuple: PrebuildTuple | null;
  /** Null for a file that is not a `.node` file (a shared library copied beside the prebuilds). */
  tags: PrebuildTags | null;
}

/** A per-platform package a root lists in optionalDependencies. */
export interface PlatformPackageDep {
  name: string;
  /** The version or range as written. */
  spec: string;
  /** An exact version (`1.2.3`, `=1.2.3`, `v1.2.3`): what npm can install only one of. */
  exact: boolean;
  platform: NamedPlatform;
}

/** What the package's own fields (or name) say about the platform it is built for. */
export interface PlatformClaim {
  os: string[];
  cpu: string[];
  libc: string[];
  /** The platform the package name spells, if it spells one. */
  named: NamedPlatform | null;
}

export interface InstallInfo {
  preinstall: string | null;
  install: string | null;
  postinstall: string | null;
  /** npm itself runs `node-gyp rebuild`: a binding.gyp, no install or preinstall script, gypfile not false. */
  implicitNodeGyp: boolean;
  /** The command that compiles on users' machines when it runs, if any does (a node-gyp fallback only with a binding.gyp to compile). */
  buildsAtInstall: string | null;
  /** Whether compiling happens only where no usable prebuild is found (node-gyp-build, prebuild-install ||, --fallback-to-build). */
  buildIsFallback: boolean;
  /** An install script downloads the binary (prebuild-install, node-pre-gyp install). */
  downloads: 'prebuild-install' | 'node-pre-gyp' | null;
  /** The script that downloads or builds, as written. */
  script: string | null;
}

export interface NpmModel {
  filename: string;
  /** The first path component npm strips ('package'); null when the tarball has no directory at all. */
  root: string | null;
  packageJsonPath: string | null;
  /** Null when package.json is missing or not a JSON object (see packageJsonProblems). */
  packageJson: PackageJson | null;
  packageJsonProblems: PackageJsonProblem[];
  /** Files, as paths in the package (first component stripped). */
  files: string[];
  /** Archive path of each file by package path. */
  archivePath: ReadonlyMap<string, string>;
  /** Native binaries (archive paths) and what the scan read of them. */
  natives: string[];
  scanned: Record<string, ScannedNative>;
  /** Every file directly under prebuilds/<dir>/. */
  prebuilds: NpmPrebuild[];
  /** build/Release/*.node and build/Debug/*.node, as package paths (what node-gyp-build and `bindings` load first). */
  buildOutputs: string[];
  /** `.node` files neither in a prebuilds/<dir>/ directory nor build/Release|Debug (package paths). */
  otherAddons: string[];
  /** 'binding.gyp' when the package root has one. */
  bindingGyp: string | null;
  /** The package's own platform claim; null for a package that claims none. */
  platform: PlatformClaim | null;
  /** optionalDependencies that are per-platform packages. */
  platformPackages: PlatformPackageDep[];
  nodePreGyp: NodePreGypBinary | null;
  install: InstallInfo;
  /** How the loader is reached: node-gyp-build (a dependency), bindings, or null. */
  loader: 'node-gyp-build' | 'bindings' | null;
  layouts: string[];
}

const PACKAGE_JSON = /^[^/]+\/package\.json$/;

/** The entries the npm kind keeps as text: the package's own package.json. */
export function npmKeepText(path: string): boolean {
  return PACKAGE_JSON.test(path);
}

/** The package path of an archive path (npm strips the first component); null for a top-level name. */
export function packagePath(path: string): string | null {
  const i = path.indexOf('/');
  return i < 0 || i === path.length - 1 ? null : path.slice(i + 1);
}

const EXACT_VERSION = /^[=v]?\s*\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/;

function installInfo(pj: PackageJson | null, bindingGyp: boolean): InstallInfo {
  const s = pj?.scripts ?? {};
  const preinstall = s.preinstall ?? null;
  const install = s.install ?? null;
  const postinstall = s.postinstall ?? null;
  // read-package-json: `if (binding.gyp exists && !scripts.install && !scripts.preinstall && gypfile !== false) scripts.install = 'node-gyp rebuild'`.
  const implicitNodeGyp = bindingGyp && install === null && preinstall === null && pj?.gypfile !== false;
  const scripts = [preinstall, install, postinstall].filter((x): x is string => x !== null);
  const find = (re: RegExp) => scripts.find((x) => re.test(x)) ?? null;
  let buildsAtInstall: string | null = null;
  let buildIsFallback = false;
  let downloads: InstallInfo['downloads'] = null;
  let script: string | null = null;
  const preGyp = find(/\bnode-pre-gyp\b/);
  const prebuildInstall = find(/\bprebuild-install\b/);
  const gypBuild = find(/\bnode-gyp-build(?:-optional)?\b/);
  const direct = find(/\bnode-gyp\s+(?:rebuild|build|configure)|\bcmake-js\b|\bnapi\s+build\b/);
  if (implicitNodeGyp) {
    buildsAtInstall = 'node-gyp rebuild';
    script = 'node-gyp rebuild (run by npm for binding.gyp)';
  } else if (preGyp) {
    downloads = 'node-pre-gyp';
    script = preGyp;
    if (/--fallback-to-build/.test(preGyp)) {
      buildsAtInstall = 'node-pre-gyp --fallback-to-build';
      buildIsFallback = true;
    }
  } else if (prebuildInstall) {
    downloads = 'prebuild-install';
    script = prebuildInstall;
    if (bindingGyp && (/\|\|/.test(prebuildInstall) || direct)) {
      buildsAtInstall = 'node-gyp rebuild';
      buildIsFallback = true;
    }
  } else if (gypBuild) {
    script = gypBuild;
    // Without binding.gyp the fallback build has nothing to compile: node-gyp fails at once.
    if (bindingGyp) {
      buildsAtInstall = 'node-gyp-build';
      buildIsFallback = true;
    }
  } else if (direct) {
    script = direct;
    buildsAtInstall = direct;
  }
  return { preinstall, install, postinstall, implicitNodeGyp, buildsAtInstall, buildIsFallback, downloads, script };
}

function platformClaim(pj: PackageJson | null): PlatformClaim | null {
  if (!pj) return null;
  const os = (pj.os ?? []).filter((x) => !x.startsWith('!'));
  const cpu = (pj.cpu ?? []).filter((x) => !x.startsWith('!'));
  const named = pj.name ? platformOfPackageName(pj.name) : null;
  // A package for one platform says so with positive os and cpu entries; a name alone is not enough.
  if (os.length === 0 || cpu.length === 0) return null;
  return { os, cpu, libc: (pj.libc ?? []).filter((x) => !x.startsWith('!')), named };
}

export function readNpmModel(filename: string, scan: ArchiveScan, text: (path: string) => string | null): NpmModel {
  const base = filename.slice(filename.lastIndexOf('/') + 1);
  const files: string[] = [];
  const archivePath = new Map<string, string>();
  let root: string | null = null;
  for (const e of scan.entries) {
    if (e.isDirectory) continue;
    const rel = packagePath(e.path);
    if (rel === null) continue;
    root ??= e.path.slice(0, e.path.indexOf('/'));
    if (!archivePath.has(rel)) {
      files.push(rel);
      archivePath.set(rel, e.path);
    }
  }
  const info = (scan as Partial<NpmScan>).npm ?? { natives: [], scanned: Object.create(null) as NpmScanInfo['scanned'] };

  const pjPath = archivePath.get('package.json') ?? null;
  let packageJson: PackageJson | null = null;
  let packageJsonProblems: PackageJsonProblem[];
  if (pjPath === null) {
    packageJsonProblems = [{ field: null, message: 'the tarball has no package.json at its root' }];
  } else {
    const t = text(pjPath);
    if (t === null) packageJsonProblems = [{ field: null, message: `${pjPath} could not be read (not UTF-8, or not read in full)` }];
    else {
      const parsed = parsePackageJson(t);
      packageJson = parsed.json;
      packageJsonProblems = parsed.problems;
    }
  }

  const prebuilds: NpmPrebuild[] = [];
  const buildOutputs: string[] = [];
  const otherAddons: string[] = [];
  for (const rel of files) {
    const parts = rel.split('/');
    if (parts[0] === 'prebuilds' && parts.length === 3) {
      prebuilds.push({ path: archivePath.get(rel)!, rel, dir: parts[1]!, tuple: parseTuple(parts[1]!), tags: parseTags(parts[2]!) });
      continue;
    }
    if (!rel.endsWith('.node')) continue;
    if (parts.length === 3 && parts[0] === 'build' && (parts[1] === 'Release' || parts[1] === 'Debug')) buildOutputs.push(rel);
    else otherAddons.push(rel);
  }
  buildOutputs.sort((a, b) => (a.startsWith('build/Release/') === b.startsWith('build/Release/') ? (a < b ? -1 : a > b ? 1 : 0) : a.startsWith('build/Release/') ? -1 : 1));

  const bindingGyp = archivePath.has('binding.gyp') ? 'binding.gyp' : null;
  const platform = platformClaim(packageJson);
  const platformPackages: PlatformPackageDep[] = [];
  for (const [name, spec] of Object.entries(packageJson?.optionalDependencies ?? {})) {
    const p = platformOfPackageName(name);
    if (p) platformPackages.push({ name, spec, exact: EXACT_VERSION.test(spec.trim()), platform: p });
  }
  const install = installInfo(packageJson, bindingGyp !== null || packageJson?.gypfile === true);
  const deps = { ...(packageJson?.dependencies ?? {}), ...(packageJson?.optionalDependencies ?? {}) };
  const loader = 'node-gyp-build' in deps || /\bnode-gyp-build\b/.test(install.script ?? '') ? 'node-gyp-build' : 'bindings' in deps ? 'bindings' : null;

  const layouts: string[] = [];
  const addonFiles = prebuilds.some((p) => p.tags !== null);
  if (addonFiles) layouts.push('prebuildify');
  if (platform) layouts.push(otherAddons.length + buildOutputs.length > 0 ? 'napi-rs-platform' : 'platform-package');
  // A platform package may itself depend on platform packages (sharp's on its libvips): it is no root.
  if (platformPackages.length > 0 && !platform) layouts.push('napi-rs-root');
  if (packageJson?.binary?.host || install.downloads === 'node-pre-gyp') layouts.push('node-pre-gyp');
  if (install.downloads === 'prebuild-install') layouts.push('prebuild-install');
  if (bindingGyp !== null || packageJson?.gypfile === true) layouts.push('node-gyp');
  if (buildOutputs.length > 0 || (!platform && otherAddons.length > 0)) layouts.push('bundled');

  return {
    filename: base,
    root,
    packageJsonPath: pjPath,
    packageJson,
    packageJsonProblems,
    files,
    archivePath,
    natives: info.natives,
    scanned: info.scanned,
    prebuilds,
    buildOutputs,
    otherAddons,
    bindingGyp,
    platform,
    platformPackages,
    nodePreGyp: packageJson?.binary ?? null,
    install,
    loader,
    layouts,
  };
}
