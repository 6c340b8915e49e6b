/**
 * How an npm package delivers its native code, judged from package.json and
 * the file list: binaries downloaded or compiled at install (which the audit
 * cannot see, and users pay for), build outputs that shadow the prebuilds,
 * platform packages pinned loosely, common platforms nothing covers, and a
 * package.json npm cannot use.
 */
import type { Check, Rule } from '../../audit/types.ts';
import { COMMON_PLATFORMS, platformOf } from '../../target.ts';
import type { NpmModel } from '../../artifact/npm/model.ts';
import { nodeLines } from '../../artifact/npm/node-lines.ts';
import { npmOf, type Ctx } from './common.ts';
import { groupBy, listSome } from '../messages.ts';

export const PACKAGE_JSON_INVALID: Check = {
  id: 'npm.package-json-invalid',
  severity: 'error',
  title: 'package.json is missing or unusable',
  explain:
    'npm reads everything about a package from `package/package.json`: its name and version, the platforms it installs on (`os`, `cpu`, `libc`), its install scripts and dependencies. ' +
    'This tarball has none at its root, or one that is not a JSON object, or one without a name or version: npm refuses to install it (`EJSONPARSE`, "Invalid package, must have name and version"). ' +
    'A field of the wrong type (an `os` that is not a list of strings, `engines` that is not an object) is ignored by npm; that is reported as a warning.',
  fix: 'Publish the tarball `npm pack` writes from a directory whose package.json is valid (`npm pkg fix` repairs common mistakes).',
};

export const ENGINES_INVALID: Check = {
  id: 'npm.engines-invalid',
  severity: 'warning',
  title: 'engines.node is not a range npm can read',
  explain:
    '`engines.node` does not parse as an npm version range (node-semver\'s grammar), or admits no Node release at all. npm then ignores it and installs the package on every Node version, and distaudit judges the addons against the maintained Node lines instead (Node 20 and later).',
  fix: 'Write a range node-semver accepts, e.g. `>=18.17.0`, `^20.3.0 || >=22`, and check it with `npx semver -r "<range>" 20.0.0`.',
};

export const BINARY_DOWNLOADED: Check = {
  id: 'npm.binary-downloaded-at-install',
  severity: 'warning',
  title: 'The native binary is downloaded at install, not shipped',
  explain:
    'The package uses node-pre-gyp (a `binary` block in package.json) or prebuild-install: the tarball carries no binary for users\' platforms; the install script downloads one from the host named in package.json (GitHub releases, an S3 bucket) by a URL built from the Node ABI, platform, architecture and libc. ' +
    'The audit cannot judge what it cannot see, and users depend on that host at every install: offline and proxied installs, mirrors and lockfile-based deployments fail or fall back to compiling (`--fallback-to-build`, `|| node-gyp rebuild`), and the downloaded bytes are covered by no npm integrity hash. ' +
    'The message names the host and the file-name template; audit the release assets themselves (distaudit audits a `.node` file on its own).',
  fix: 'Ship the binaries in the npm tarball (prebuildify + node-gyp-build) or as per-platform packages (the @napi-rs/cli layout), so npm\'s integrity check covers them and installs work offline.',
};

export const BUILDS_AT_INSTALL: Check = {
  id: 'npm.builds-at-install',
  severity: 'warning',
  title: 'Compiled on users\' machines at install',
  explain:
    'The package ships `binding.gyp` and an install step that compiles it: `node-gyp rebuild`, which npm runs by itself for a package with binding.gyp and no install script — on every platform, even where prebuilds exist, and node-gyp-build then loads the fresh build/Release output before any prebuild — or a fallback (`node-gyp-build`, `prebuild-install || node-gyp rebuild`, node-pre-gyp `--fallback-to-build`) on platforms without a usable prebuild. ' +
    'Compiling needs Python, make and a C/C++ toolchain (`gyp ERR! find Python`, `make: not found` in slim and Alpine images, Visual Studio Build Tools on Windows), network access to Node\'s headers, and minutes per install. ' +
    'The message names the common platforms where it compiles.',
  fix: 'Ship prebuilds for those platforms (prebuildify, prebuildify-cross), and set an install script (`node-gyp-build`) or `"gypfile": false` so npm does not compile where a prebuild exists.',
};

export const BUILD_OUTPUT_SHIPPED: Check = {
  id: 'npm.build-output-shipped',
  severity: 'warning',
  title: 'A local build output is in the tarball',
  explain:
    'The tarball contains `build/Release/*.node` (or `build/Debug/`): the addon as compiled on the publisher\'s machine. node-gyp-build and `bindings` load it before any prebuild, on every platform, so users of every other OS, architecture, libc or Node ABI get a binary that does not load there ("invalid ELF header", "wrong ELF class", NODE_MODULE_VERSION mismatch) — while prebuilds that would have worked sit unused. ' +
    'It usually means `build/` was not excluded from the package (`files`, `.npmignore`).',
  fix: 'Exclude `build/` from the package (list what to publish in `files`, or add `build/` to `.npmignore`) and rely on the prebuilds.',
};

export const OPTIONAL_NOT_PINNED: Check = {
  id: 'npm.optional-dependency-not-pinned',
  severity: 'warning',
  title: 'Per-platform packages pinned with a range',
  explain:
    'A root package that loads its native code from per-platform packages (`optionalDependencies` on `<name>-linux-x64-gnu`, `<name>-darwin-arm64`… — the @napi-rs/cli layout, esbuild, sharp) must pin each one to the exact version it was built with. ' +
    'With a range (`^1.2.0`, `~1.2.0`, `*`), npm may install a platform package of another release — older from a lockfile or a mirror that lags, newer once one is published — and the JavaScript side calls a binary of a different version; the napi-rs loader checks versions only when `NAPI_RS_ENFORCE_VERSION_CHECK` is set.',
  fix: 'Pin each platform package to the exact version the release publishes (`"@scope/pkg-linux-x64-gnu": "1.2.3"`); `napi prepublish` and `napi version` write exact pins.',
};

export const MISSING_PREBUILD: Check = {
  id: 'npm.missing-prebuild',
  severity: 'warning',
  title: 'A common platform has no prebuild or platform package',
  explain:
    'The package ships native code for some platforms but none for one that many users run (Linux x86_64 and arm64 with glibc and with musl, macOS x86_64 and arm64, Windows x86_64 and arm64), and nothing compiles it there at install. ' +
    'Users on it get "No native build was found for platform=linux arch=arm64 …" (node-gyp-build), or "Cannot find module \'<pkg>-linux-arm64-musl\'" (a napi-rs root whose platform package does not exist). ' +
    'An untagged Linux prebuild counts for musl too (node-gyp-build picks it there; npm.prebuild-pick-fails says whether it loads). Packages that download at install are not judged here (npm.binary-downloaded-at-install), nor per-platform packages themselves.',
  fix: 'Build for the missing platforms (prebuildify-cross, the napi-rs CLI `--target`, GitHub Actions runners for arm64 and Windows) or state that they are not supported.',
};

// ---------------------------------------------------------------------------

function reportPackageJson(ctx: Ctx, npm: NpmModel): void {
  const pj = npm.packageJson;
  const fatal = pj === null || npm.packageJsonProblems.some((p) => p.field === 'name' || p.field === 'version');
  if (fatal) {
    ctx.report(PACKAGE_JSON_INVALID, {
      message: `${npm.packageJsonPath ?? 'package/package.json'}: ${npm.packageJsonProblems.filter((p) => p.field === null || p.field === 'name' || p.field === 'version').map((p) => p.message).join('; ')}: npm cannot install the package`,
      file: npm.packageJsonPath,
      evidence: { problems: npm.packageJsonProblems },
    });
  }
  const ignored = npm.packageJsonProblems.filter((p) => p.field !== null && p.field !== 'name' && p.field !== 'version');
  if (ignored.length > 0) {
    ctx.report(PACKAGE_JSON_INVALID, {
      message: `${npm.packageJsonPath}: ${listSome(ignored.map((p) => p.message), 3)}`,
      file: npm.packageJsonPath,
      severity: 'warning',
      evidence: { problems: ignored },
      hint: 'Fix the field\'s type (npm pkg fix), or remove it.',
    });
  }
  const engines = pj?.enginesNode ?? null;
  if (engines !== null) {
    const l = nodeLines(engines);
    if (!l.declared) {
      ctx.report(ENGINES_INVALID, {
        message: `${l.defaultReason}; the addons are judged against Node ${l.range} instead`,
        file: npm.packageJsonPath,
        evidence: { engines, reason: l.admission.error ?? l.defaultReason },
      });
    }
  }
}

function reportDownloads(ctx: Ctx, npm: NpmModel): void {
  const b = npm.nodePreGyp;
  const kind = npm.install.downloads;
  if (!kind) return;
  let where: string;
  const evidence: Record<string, unknown> = { tool: kind, script: npm.install.script };
  if (kind === 'node-pre-gyp') {
    const template = b ? [b.host, b.remotePath, b.packageName].filter((x) => x).join('/').replace(/([^:])\/\/+/g, '$1/') : null;
    where = b?.host ? `${template ?? b.host}` : 'the binary.host of package.json (none given)';
    Object.assign(evidence, { host: b?.host ?? null, remotePath: b?.remotePath ?? null, packageName: b?.packageName ?? null, napiVersions: b?.napiVersions ?? [], modulePath: b?.modulePath ?? null });
  } else {
    const name = npm.packageJson?.name ?? '{name}';
    where = `GitHub releases of the repository: {tag_prefix}{version}/${name.replace(/^@[^/]+\//, '')}-v{version}-{runtime}-v{abi}-{platform}{libc}-{arch}.tar.gz`;
  }
  const shipped = npm.natives.length;
  ctx.report(BINARY_DOWNLOADED, {
    message: `the install script (${npm.install.script ?? 'node-pre-gyp install'}) downloads the native binary from ${where}: the tarball ${shipped > 0 ? `carries ${shipped} native file(s), but not what the install fetches` : 'carries none'}, so the audit cannot judge it${npm.install.buildsAtInstall ? `; where the download fails it compiles (${npm.install.buildsAtInstall})` : ''}`,
    file: npm.packageJsonPath,
    evidence,
    hint: 'Audit the release assets the install downloads (each .node file on its own), or ship the binaries in the package (prebuildify, or per-platform packages).',
  });
}

/** The common platforms the package's own targets or its platform packages cover. */
function coveredPlatforms(ctx: Ctx, npm: NpmModel): Set<string> {
  const covered = new Set(ctx.targets.map(platformOf));
  for (const p of npm.platformPackages) {
    const n = p.platform;
    if (n.wasm || !n.os) continue;
    const arches = n.universal ? ['x86_64', 'arm64'] : n.arch ? [n.arch] : [];
    for (const arch of arches) {
      if (n.os !== 'linux') covered.add(`${n.os}-${arch}`);
      else for (const libc of n.libc ? [n.libc] : ['glibc', 'musl']) covered.add(`linux-${arch}-${libc}`);
    }
  }
  return covered;
}

function reportBuilds(ctx: Ctx, npm: NpmModel): void {
  const inst = npm.install;
  const cmd = inst.buildsAtInstall;
  if (!cmd || inst.downloads) return;
  let message: string;
  let platforms: string[] = [];
  if (inst.implicitNodeGyp) {
    const prebuilt = npm.prebuilds.some((p) => p.tags !== null);
    message = `npm runs node-gyp rebuild at every install (binding.gyp, no install script): every user compiles the addon${prebuilt ? ', the prebuilds are never used (node-gyp-build loads the fresh build/Release output first)' : ''}`;
  } else if (!inst.buildIsFallback) {
    message = `the install script (${inst.script}) compiles the addon on every user's machine`;
  } else {
    const covered = coveredPlatforms(ctx, npm);
    platforms = COMMON_PLATFORMS.filter((p) => !covered.has(p));
    if (platforms.length === 0) return;
    message = `no prebuild for ${listSome(platforms, 8)}: there the install script (${inst.script}) compiles binding.gyp`;
  }
  ctx.report(BUILDS_AT_INSTALL, {
    message: `${message} — users need Python, make and a C/C++ toolchain`,
    file: npm.packageJsonPath,
    evidence: { command: cmd, script: inst.script, implicit: inst.implicitNodeGyp, fallback: inst.buildIsFallback, platforms },
    hint: platforms.length > 0 ? `Ship prebuilds for ${platforms.join(', ')}.` : inst.implicitNodeGyp ? 'Ship prebuilds and set "install": "node-gyp-build" (or "gypfile": false).' : BUILDS_AT_INSTALL.fix,
  });
}

function reportBuildOutput(ctx: Ctx, npm: NpmModel): void {
  for (const rel of npm.buildOutputs) {
    const path = npm.archivePath.get(rel)!;
    const facts = npm.scanned[path]?.facts ?? [];
    const what = facts.length > 0 ? facts.map((f) => `${f.format} ${f.arch}${f.libc ? ` ${f.libc}` : ''}`).join(' + ') : 'not a readable native binary';
    const first = rel === npm.buildOutputs[0];
    ctx.report(BUILD_OUTPUT_SHIPPED, {
      message: `${rel} (${what}) is in the tarball${first ? ': node-gyp-build and bindings load it before any prebuild, on every platform' : ''}`,
      file: path,
      evidence: { facts: facts.map((f) => ({ format: f.format, arch: f.arch, libc: f.libc })), loadedFirst: first },
      hint: `Remove build/ from the package (files in package.json, or .npmignore).`,
    });
  }
}

function reportPins(ctx: Ctx, npm: NpmModel): void {
  const loose = npm.platformPackages.filter((p) => !p.exact);
  if (loose.length === 0) return;
  const version = npm.packageJson?.version ?? null;
  ctx.report(OPTIONAL_NOT_PINNED, {
    message: `${loose.length} of ${npm.platformPackages.length} platform packages are pinned with a range, not an exact version: ${listSome(loose.map((p) => `${p.name}@${p.spec}`), 4)}`,
    file: npm.packageJsonPath,
    evidence: { packages: loose.map((p) => ({ name: p.name, spec: p.spec })), version },
    hint: `Pin them exactly${version ? ` ("${loose[0]!.name}": "${version}")` : ''}.`,
  });
}

function reportMissing(ctx: Ctx, npm: NpmModel): void {
  if (npm.platform || npm.install.downloads || npm.install.buildsAtInstall) return;
  if (ctx.targets.length === 0 && npm.platformPackages.length === 0) return;
  const covered = coveredPlatforms(ctx, npm);
  const missing = COMMON_PLATFORMS.filter((p) => !covered.has(p));
  if (missing.length === 0) return;
  const via = npm.platformPackages.length > 0 ? 'no platform package' : 'no prebuild';
  for (const group of groupBy(missing, (p) => p.split('-')[0]!).values()) {
    ctx.report(MISSING_PREBUILD, {
      message: `${via} for ${group.join(', ')}, and nothing compiles there at install: users get ${npm.platformPackages.length > 0 ? '"Cannot find module" for the platform package' : '"No native build was found"'}`,
      file: npm.packageJsonPath,
      evidence: { missing: group, covered: [...covered].sort() },
      hint: `Build for ${group.join(', ')}, or document that ${group.length === 1 ? 'it is' : 'they are'} not supported.`,
    });
  }
}

export const npmPackageRule: Rule = {
  name: 'npm-package',
  kinds: ['npm'],
  checks: [PACKAGE_JSON_INVALID, ENGINES_INVALID, BINARY_DOWNLOADED, BUILDS_AT_INSTALL, BUILD_OUTPUT_SHIPPED, OPTIONAL_NOT_PINNED, MISSING_PREBUILD],
  run(ctx) {
    const npm = npmOf(ctx);
    if (!npm) return;
    reportPackageJson(ctx, npm);
    reportDownloads(ctx, npm);
    reportBuilds(ctx, npm);
    reportBuildOutput(ctx, npm);
    reportPins(ctx, npm);
    reportMissing(ctx, npm);
  },
};
