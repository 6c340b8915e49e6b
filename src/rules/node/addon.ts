/**
 * What a Node addon's bytes say, against what its package claims: the
 * Node-API level it needs (imports and the declared version) versus the Node
 * releases engines.node admits; the NODE_MODULE_VERSION of a V8/NAN build
 * versus its tags; which Node lines an ABI-bound package has no build for;
 * files named `.node` that register no module; Node-API resolved at run time.
 *
 * The facts come from src/binary/addons/node.ts (`AuditedBinary.node`); the
 * Node lines from the package's engines.node (src/artifact/npm/node-lines.ts:
 * the default range, and warnings instead of errors, when it has none).
 */
import type { AuditedBinary, Check, Rule } from '../../audit/types.ts';
import type { NodeAddonFacts } from '../../binary/addons/node.ts';
import { firstReleaseOffering, moduleVersionReleases, napiLevelOf, NAPI_DEFAULT_VERSION, type ModuleVersionRelease } from '../../policy/node.ts';
import { OLDEST_MAINTAINED_MAJOR, rangeText, type NodeLines } from '../../artifact/npm/node-lines.ts';
import { abiNumber } from '../../artifact/npm/prebuilds.ts';
import { platformOf, type Target } from '../../target.ts';
import { addonFiles, linesOf, majorsText, npmOf, relPath, type Ctx } from './common.ts';
import { groupBy, ids, listSome } from '../messages.ts';

const NAPI_MATRIX_DOC = 'the Node-API version matrix (https://nodejs.org/api/n-api.html#node-api-version-matrix)';

export const NAPI_TOO_NEW: Check = {
  id: 'node.napi-too-new',
  severity: 'error',
  title: 'Needs a newer Node-API than the Node releases engines.node admits',
  explain:
    'A Node-API addon needs the Node-API level of the newest function it imports (node-api-headers\' table: `napi_create_threadsafe_function` is 4, `node_api_symbol_for` 9, `node_api_create_property_key_utf16` 10) and at least the level it declares (`node_api_module_get_api_version_v1`, the `NAPI_VERSION` it was built with). ' +
    'Node-API levels arrived in minor releases of several Node lines at once (9 in 18.17.0 and 20.3.0, 10 in 22.14.0 and 23.6.0: ' + NAPI_MATRIX_DOC + '), so `engines.node` admitting `>=18` lets npm install the addon on Node 18.0.0, which offers 8. ' +
    'There, a missing function ends the process at its first call (`symbol lookup error: … undefined symbol: node_api_symbol_for`: Node loads addons with RTLD_LAZY), and a declared level above the runtime\'s is refused at `require()` ("requires Node-API version 10, but this version of Node.js only supports version 9 add-ons") — or, in Node 20.18 and 22.13, crashes the process outright (nodejs/node#57233). ' +
    'The message names the functions (or the declaration) and, per Node line, the first release that has the level. Without an engines field the addon is judged against the maintained lines (Node 20 and later) and the finding is a warning.',
  fix:
    'Raise `engines.node` so every admitted line starts at a release that offers the level (e.g. `^18.17.0 || >=20.3.0` for 9), or build for a lower level (`NAPI_VERSION`, napi-rs features `napi4`…) and stop calling the newer functions.',
};

export const DECLARED_BELOW_IMPORTS: Check = {
  id: 'node.declared-napi-below-imports',
  severity: 'warning',
  title: 'Declares an older Node-API version than the functions it imports',
  explain:
    'From Node-API 9 on, Node gives an addon the behaviour of the version it declares (`node_api_module_get_api_version_v1`, written by `NAPI_MODULE_INIT` from `NAPI_VERSION`), and version 8 when it declares nothing or less than 8 (nodejs/node PR #45715). ' +
    'This addon imports functions of a newer level than it declares: it is built against headers where they exist but asks Node for the older behaviour of the calls that changed between versions (finalizers, property keys) — usually a `NAPI_VERSION` defined too low, or functions declared by hand.',
  fix: 'Build with `NAPI_VERSION` at least the level of the newest function the addon calls (node-addon-api: `NAPI_VERSION` in binding.gyp `defines`; napi-rs: the matching `napiN` feature).',
};

export const MODULE_VERSION_MISMATCH: Check = {
  id: 'node.module-version-mismatch',
  severity: 'error',
  title: 'V8/NAN addon built for another Node ABI than its name or package claims',
  explain:
    'A V8/NAN addon (not Node-API) is bound to one NODE_MODULE_VERSION, the ABI of the Node or Electron release whose headers it was built with (115 is Node 20, 127 Node 22, 119 Electron 28; nodejs/node doc/abi_version_registry.json). ' +
    'node-gyp-build picks a prebuild by its `abiNN` and runtime tags, and a platform package or a `napi`-tagged file is loaded on every Node. When the binary\'s own number differs from the claim, the loader picks it where it cannot load: `was compiled against a different Node.js version using NODE_MODULE_VERSION 108. This version of Node.js requires NODE_MODULE_VERSION 115` — or, for an Electron build named `node.abiNN`, undefined V8 symbols. ' +
    'The number is read from the binary (its `node_register_module_v<N>` export or the `node_module` struct it registers), never from the name.',
  fix: 'Name each prebuild after the runtime and ABI it was built for (prebuildify does: `node.abi115.node`, `electron.abi119.node`), or build it with Node-API (node-addon-api) so one build loads everywhere.',
};

export const ABI_BUILD_ENGINES: Check = {
  id: 'node.abi-build-engines',
  severity: 'error',
  title: 'V8/NAN prebuilds miss Node lines that engines.node admits',
  explain:
    'A package of V8/NAN addons needs one prebuild per NODE_MODULE_VERSION (per Node major line) and platform. `engines.node` admits Node lines for which this platform has no `abiNN` prebuild: there node-gyp-build finds nothing ("No native build was found for platform=linux arch=x64 runtime=node abi=127"), so the install compiles from source when the package ships binding.gyp and a build fallback (users need Python and a C++ toolchain; a warning), and fails at `require()` otherwise (an error). ' +
    'Lines newer than any Node release node-abi knows are left out.',
  fix: 'Add the missing prebuilds (prebuildify `--target` per Node version, or `prebuildify --all`), narrow `engines.node` to the lines covered, or move to Node-API so one build serves every line.',
};

export const NOT_AN_ADDON: Check = {
  id: 'node.not-an-addon',
  severity: 'error',
  title: 'A .node file that registers no Node module',
  explain:
    'Node loads a `.node` file with dlopen and then looks for a module it registered: a constructor calling `node_module_register` (V8/NAN) or `napi_module_register` (legacy Node-API), or an exported `node_register_module_v<N>` or `napi_register_module_v1`. ' +
    'This file has none of them (or is not a native binary at all), so `require()` fails with "Module did not self-register" (or "invalid ELF header" / "not a valid Win32 application"). ' +
    'Node-API names in its data alone do not make it an addon.',
  fix: 'Ship the addon build itself (node-gyp\'s `build/Release/<target>.node`, napi-rs\' `<name>.<triple>.node`), not a helper library or object file renamed `.node`.',
};

export const RUNTIME_RESOLVED: Check = {
  id: 'node.runtime-resolved',
  severity: 'info',
  title: 'Node-API functions resolved at run time',
  explain:
    'The addon exports `napi_register_module_v1` but imports no Node-API function: it looks them up in the running process (dlsym / GetProcAddress), as napi-rs does with its `dyn-symbols` feature (the default on Windows and in napi-rs 3). Tools that decide "N-API or not" from imports (node-addon-api\'s check-napi.js) call it "not N-API"; it is one. ' +
    'Its minimum Node-API level cannot be read from imports: the level shown is the ceiling of the Node-API names in its read-only data (what it may call, not what it needs). A function missing from the running Node becomes a stub that reports "Node-API symbol … has not been loaded" when called, instead of a load failure.',
  fix: 'Nothing to fix. To have the level checked, build without `dyn-symbols`, or state the level in engines.node.',
};

export const EXPERIMENTAL_NAPI: Check = {
  id: 'node.experimental-napi',
  severity: 'warning',
  title: 'Uses experimental Node-API',
  explain:
    'The addon imports Node-API functions that no released Node-API version includes (they are outside node-api-headers\' table: `NAPI_EXPERIMENTAL` additions such as `node_api_post_finalizer` before it was stabilised), or declares `NAPI_VERSION_EXPERIMENTAL`. ' +
    'Experimental functions exist only in the Node releases that ship them, and may change or disappear: on other releases the first call ends the process with `undefined symbol`.',
  fix: 'Build without `NAPI_EXPERIMENTAL` once the functions are part of a Node-API version, and require that version (engines.node); until then, pin engines.node to the releases that have them.',
};

// ---------------------------------------------------------------------------

/** What an addon needs: the highest of its imports' level and its declared level (NAPI_VERSION_EXPERIMENTAL excluded). */
export function neededNapi(f: NodeAddonFacts): { level: number; byImports: number | null; declared: number | null } | null {
  const declared = f.declaredNapi !== null && !f.declaredNapiExperimental ? f.declaredNapi : null;
  const level = Math.max(f.minNapi ?? 0, declared ?? 0);
  return level > 0 ? { level, byImports: f.minNapi, declared } : null;
}

function nodeTargets(ctx: Ctx, bin: AuditedBinary): Target[] {
  const ts = ctx.targetsOf(bin);
  return ts.filter((t) => !t.node || t.node.runtime === 'node');
}

interface NapiNeed {
  bin: AuditedBinary;
  need: NonNullable<ReturnType<typeof neededNapi>>;
  culprits: string[];
}

function reportNapiTooNew(ctx: Ctx, lines: NodeLines): void {
  const needs: NapiNeed[] = [];
  for (const bin of addonFiles(ctx)) {
    const f = bin.node;
    if (!f || f.kind !== 'napi') continue;
    const need = neededNapi(f);
    if (need) needs.push({ bin, need, culprits: f.minNapiCulprits });
  }
  // One finding per requirement: the builds of one package for several platforms usually share it.
  for (const group of groupBy(needs, (n) => `${n.need.level}\0${n.need.byImports}\0${n.need.declared}\0${n.culprits.join(',')}`).values()) {
    const { need, culprits } = group[0]!;
    // A line counts as offering the level when it does, even as an experimental feature (Node 6.14.2, 8.0–8.5: N-API behind a warning).
    const lacking = lines.lines.filter((l) => napiLevelOf(l.lowest, { includeExperimental: true }) < need.level);
    if (lacking.length === 0) continue;
    const bins = group.map((g) => g.bin);
    const ts = [...new Map(bins.flatMap((b) => nodeTargets(ctx, b)).map((t) => [t.id, t])).values()];
    const files = bins.map((b) => relPath(ctx, b.path));
    const declaredWins = need.declared !== null && need.declared === need.level;
    const importsWin = need.byImports !== null && need.byImports === need.level;
    const why: string[] = [];
    if (importsWin) why.push(`imports ${listSome(culprits, 3)} (Node-API ${need.level})`);
    if (declaredWins) why.push(`declares Node-API ${need.level} (node_api_module_get_api_version_v1)`);
    const perLine = lacking.map((l) => ({ major: l.major, lowest: l.lowest, napi: napiLevelOf(l.lowest, { includeExperimental: true }), first: firstReleaseOffering(need.level, l.major) }));
    const shown = perLine.map((l) => `Node ${l.lowest} (Node-API ${l.napi || 'none'}; ${l.first ? `${l.first} has ${need.level}` : `Node ${l.major} never has ${need.level}`})`);
    const maintained = perLine.some((l) => l.major >= OLDEST_MAINTAINED_MAJOR);
    const effect = declaredWins
      ? `Node refuses it there ("requires Node-API version ${need.level}, but this version of Node.js only supports version ${perLine[0]!.napi} add-ons"; Node 20.18 and 22.13 crash instead, nodejs/node#57233)`
      : `there the first call to ${culprits[0] ?? 'the function'} ends the process (undefined symbol)`;
    const where = `${files[0]}${files.length > 1 ? ` (and ${files.length - 1} more build${files.length > 2 ? 's' : ''} of it)` : ''}`;
    ctx.report(NAPI_TOO_NEW, {
      message: `${where} needs Node-API ${need.level}: it ${why.join(' and ')}; ${rangeText(lines)} admits ${listSome(shown, 3)}: ${effect}${maintained ? '' : ' (only on Node lines past their end of life)'}`,
      file: bins[0]!.path,
      targets: ids(ts),
      severity: lines.declared && maintained ? undefined : 'warning',
      evidence: {
        needed: need.level,
        byImports: need.byImports,
        culprits,
        declared: need.declared,
        files,
        range: lines.range,
        rangeDeclared: lines.declared,
        lines: perLine,
      },
      hint: `Admit only releases with Node-API ${need.level}: ${perLine
        .filter((l) => l.first)
        .map((l) => `>=${l.first} on Node ${l.major}`)
        .join(', ')}${perLine.some((l) => !l.first) ? `${perLine.some((l) => l.first) ? ', and ' : ''}drop ${majorsText(perLine.filter((l) => !l.first).map((l) => l.major))}` : ''} — or build for a lower Node-API level.`,
    });
  }
}

function reportDeclaredBelowImports(ctx: Ctx): void {
  for (const bin of addonFiles(ctx)) {
    const f = bin.node;
    if (!f || f.kind !== 'napi' || f.minNapi === null || f.declaredNapiExperimental) continue;
    const exported = f.declaredNapi !== null;
    const effective = Math.max(f.declaredNapi ?? NAPI_DEFAULT_VERSION, NAPI_DEFAULT_VERSION);
    if (f.minNapi <= effective) continue;
    const declaredText = exported ? `declares Node-API ${f.declaredNapi}${f.declaredNapi! < NAPI_DEFAULT_VERSION ? ` (Node raises it to ${NAPI_DEFAULT_VERSION})` : ''}` : `declares no Node-API version (no node_api_module_get_api_version_v1: Node treats it as ${NAPI_DEFAULT_VERSION})`;
    ctx.report(DECLARED_BELOW_IMPORTS, {
      message: `${relPath(ctx, bin.path)} ${declaredText} but imports ${listSome(f.minNapiCulprits, 3)} of Node-API ${f.minNapi}: Node gives it the behaviour of Node-API ${effective}`,
      file: bin.path,
      targets: ids(nodeTargets(ctx, bin)),
      evidence: { declared: f.declaredNapi, effective, imports: f.minNapi, culprits: f.minNapiCulprits },
      hint: `Build with NAPI_VERSION=${f.minNapi}.`,
    });
  }
}

function runtimesText(rs: readonly ModuleVersionRelease[]): string {
  if (rs.length === 0) return 'no release node-abi knows';
  return rs.map((r) => `${r.runtime === 'node' ? 'Node' : r.runtime === 'electron' ? 'Electron' : 'NW.js'} ${r.from}${r.until ? ` to before ${r.until}` : ' and later'}`).join(', ');
}

function reportModuleVersion(ctx: Ctx): void {
  const prebuildTags = new Map((npmOf(ctx)?.prebuilds ?? []).map((p) => [p.path, p.tags]));
  for (const bin of addonFiles(ctx)) {
    const f = bin.node;
    if (!f || f.kind !== 'v8' || f.moduleVersion === null) continue;
    const mv = f.moduleVersion;
    const releases = moduleVersionReleases(mv);
    const source = f.slices.find((x) => x.moduleVersionSource)?.moduleVersionSource ?? null;
    const runtimes = new Set(releases.map((r) => r.runtime));
    const problems = new Map<string, Target[]>();
    for (const t of ctx.targetsOf(bin)) {
      const n = t.node;
      if (!n) continue;
      let claim: string | null = null;
      if (n.napi) claim = 'claims Node-API (loaded on every Node)';
      else if (n.moduleVersion !== null && n.moduleVersion !== mv) claim = `claims NODE_MODULE_VERSION ${n.moduleVersion} (${runtimesText(moduleVersionReleases(n.moduleVersion).filter((r) => r.runtime === n.runtime))})`;
      else if (n.moduleVersion === null) claim = 'carries no abi tag (node-gyp-build picks it on every Node)';
      else if (!runtimes.has(n.runtime)) claim = `claims ${n.runtime} (no ${n.runtime} release has NODE_MODULE_VERSION ${mv})`;
      if (claim) problems.set(claim, [...(problems.get(claim) ?? []), t]);
    }
    // The file name's own abi tag, even when the tuple names no platform distaudit knows.
    const tags = prebuildTags.get(bin.path) ?? null;
    const tagged = tags ? abiNumber(tags) : null;
    if (problems.size === 0 && tagged !== null && tagged !== mv && !tags!.napi) problems.set(`is named abi${tagged}`, []);
    for (const [claim, ts] of problems) {
      ctx.report(MODULE_VERSION_MISMATCH, {
        message: `${relPath(ctx, bin.path)} is a V8/NAN addon built for NODE_MODULE_VERSION ${mv} (${runtimesText(releases)}; ${source ?? 'read from the binary'}) but ${claim}: elsewhere require() fails with "was compiled against a different Node.js version using NODE_MODULE_VERSION ${mv}"`,
        file: bin.path,
        targets: ids(ts),
        evidence: { moduleVersion: mv, source, runtimes: releases, claims: ts.map((t) => t.node) },
        hint: `Name it ${releases[0] ? `${releases[0].runtime}.abi${mv}.node` : `abi${mv}`} (what prebuildify writes), or rebuild it for the runtime its name claims.`,
      });
    }
  }
}

function reportAbiCoverage(ctx: Ctx, lines: NodeLines): void {
  const npm = npmOf(ctx);
  if (!npm) return;
  // Platform → NODE_MODULE_VERSIONs of Node ABI prebuilds for it.
  const covered = new Map<string, Set<number>>();
  for (const t of ctx.targets) {
    const n = t.node;
    if (!n || n.runtime !== 'node' || n.napi || n.moduleVersion === null) continue;
    const key = platformOf(t);
    const set = covered.get(key) ?? new Set<number>();
    set.add(n.moduleVersion);
    covered.set(key, set);
  }
  if (covered.size === 0) return;
  const wanted = lines.lines.filter((l) => l.moduleVersion !== null && !moduleVersionReleases(l.moduleVersion).filter((r) => r.runtime === 'node').every((r) => r.future));
  const missing = [...covered].map(([platform, set]) => ({ platform, lines: wanted.filter((l) => !set.has(l.moduleVersion!)) })).filter((m) => m.lines.length > 0);
  const fallback = npm.install.buildsAtInstall;
  for (const group of groupBy(missing, (m) => m.lines.map((l) => l.major).join(',')).values()) {
    const ls = group[0]!.lines;
    const platforms = group.map((g) => g.platform);
    const ts = ctx.targets.filter((t) => platforms.includes(platformOf(t)) && t.node?.runtime === 'node');
    ctx.report(ABI_BUILD_ENGINES, {
      message: `no V8/NAN prebuild for ${majorsText(ls.map((l) => l.major))} (NODE_MODULE_VERSION ${ls.map((l) => l.moduleVersion).join(', ')}) on ${listSome(platforms, 4)}, which ${rangeText(lines)} admits${lines.admission.openEnded ? ' (and every later line)' : ''}: ${fallback ? `there the install compiles from source (${fallback}: Python and a C++ toolchain needed)` : 'there require() finds no build ("No native build was found")'}`,
      targets: ids(ts),
      severity: fallback ? 'warning' : undefined,
      evidence: { platforms, lines: ls.map((l) => ({ major: l.major, moduleVersion: l.moduleVersion })), range: lines.range, buildFallback: fallback },
      hint: `Add prebuilds for ${ls.map((l) => `abi${l.moduleVersion}`).join(', ')} (prebuildify -t <version>), or narrow engines.node to the lines covered.`,
    });
  }
}

function reportNotAddon(ctx: Ctx): void {
  for (const bin of addonFiles(ctx)) {
    if (bin.node !== null && bin.node !== undefined) continue;
    ctx.report(NOT_AN_ADDON, {
      message: `${relPath(ctx, bin.path)} registers no Node module (no napi_register_module_v1 or node_register_module_v<N> export, no node_module_register / napi_module_register call): require() fails with "Module did not self-register"`,
      file: bin.path,
      targets: ids(ctx.targetsOf(bin)),
      evidence: { format: bin.facts[0]?.format, kind: bin.facts[0]?.kind },
    });
  }
  const npm = npmOf(ctx);
  if (!npm) return;
  const natives = new Set([...npm.natives, ...ctx.unparsable.map((u) => u.path)]);
  const entries = new Map(ctx.scan.entries.map((e) => [e.path, e]));
  for (const rel of npm.files) {
    if (!rel.endsWith('.node')) continue;
    const path = npm.archivePath.get(rel)!;
    if (natives.has(path)) continue;
    const entry = entries.get(path);
    if (!entry || entry.sha256 === null) continue;
    ctx.report(NOT_AN_ADDON, {
      message: `${rel} is not a native binary (no ELF, Mach-O or PE magic${entry.size < 200 ? `; ${entry.size} bytes: a Git LFS pointer or a placeholder?` : ''}): require() fails with "invalid ELF header" or "not a valid Win32 application"`,
      file: path,
      evidence: { size: entry.size },
    });
  }
}

function reportRuntimeResolved(ctx: Ctx): void {
  for (const bin of addonFiles(ctx)) {
    const f = bin.node;
    if (!f || f.kind !== 'napi-dynamic') continue;
    const culprits = [...new Set(f.slices.flatMap((s) => s.dynamicCeilingCulprits))];
    ctx.report(RUNTIME_RESOLVED, {
      message: `${relPath(ctx, bin.path)} resolves Node-API at run time (exports napi_register_module_v1, imports no Node-API function)${f.dynamicNapiCeiling !== null ? `: the Node-API names in its data reach version ${f.dynamicNapiCeiling} (${listSome(culprits, 3)}), a ceiling, not a requirement` : ''}`,
      file: bin.path,
      targets: ids(ctx.targetsOf(bin)),
      evidence: { ceiling: f.dynamicNapiCeiling, culprits, names: f.slices.reduce((n, s) => n + s.dynamicNapiNames, 0) },
    });
  }
}

function reportExperimental(ctx: Ctx): void {
  for (const bin of addonFiles(ctx)) {
    const f = bin.node;
    if (!f || (f.experimentalImports.length === 0 && !f.declaredNapiExperimental)) continue;
    const parts: string[] = [];
    if (f.experimentalImports.length > 0) parts.push(`imports ${listSome(f.experimentalImports, 3)}, outside every released Node-API version`);
    if (f.declaredNapiExperimental) parts.push('declares NAPI_VERSION_EXPERIMENTAL');
    ctx.report(EXPERIMENTAL_NAPI, {
      message: `${relPath(ctx, bin.path)} ${parts.join(' and ')}: only the Node releases that ship ${f.experimentalImports.length > 0 ? 'those functions' : 'the experimental API'} load it`,
      file: bin.path,
      targets: ids(nodeTargets(ctx, bin)),
      evidence: { experimentalImports: f.experimentalImports, declaredExperimental: f.declaredNapiExperimental },
    });
  }
}

export const nodeAddonRule: Rule = {
  name: 'node-addon',
  kinds: ['npm', 'node-addon'],
  checks: [NAPI_TOO_NEW, DECLARED_BELOW_IMPORTS, EXPERIMENTAL_NAPI, MODULE_VERSION_MISMATCH, ABI_BUILD_ENGINES, NOT_AN_ADDON, RUNTIME_RESOLVED],
  run(ctx) {
    const lines = linesOf(ctx);
    reportNapiTooNew(ctx, lines);
    reportDeclaredBelowImports(ctx);
    reportExperimental(ctx);
    reportModuleVersion(ctx);
    reportAbiCoverage(ctx, lines);
    reportNotAddon(ctx);
    reportRuntimeResolved(ctx);
  },
};
