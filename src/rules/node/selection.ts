/**
 * What node-gyp-build loads from the package on common systems, and whether
 * that file loads there: the loader's choice replayed from the file list
 * (src/artifact/npm/select.ts), then the chosen binary judged against the
 * system from its bytes.
 *
 * Systems (each with the Node line the package is judged on: Node 20 when
 * engines.node admits it, else the lowest admitted line from 20 on, else the
 * highest admitted one; its NODE_MODULE_VERSION from node-abi, its Node-API
 * level from the matrix at the line's latest release):
 *
 * | system | node-gyp-build sees | the system is |
 * |---|---|---|
 * | Debian 12 x86_64, arm64 | linux, x64 / arm64 (armv 8), libc glibc | glibc 2.36 (manylinux_2_36's symbol versions and libraries) |
 * | Alpine Linux x86_64 | linux, x64, libc musl (/etc/alpine-release) | musl |
 * | Void Linux musl x86_64 | linux, x64, libc **glibc** (no /etc/alpine-release) | musl |
 * | macOS 14 arm64 | darwin, arm64 (armv 8) | macOS 14, Apple silicon (signatures required) |
 * | Windows x64 | win32, x64 | Windows |
 *
 * A system is simulated only when the package claims its platform (a target
 * of that OS, architecture and libc): platforms it does not claim are
 * npm.missing-prebuild's. A failure on Void Linux is a warning: it comes from
 * node-gyp-build's libc detection, which users there work around with
 * `LIBC=musl`.
 *
 * "Loads" is judged from the bytes: the format and architecture (a slice for
 * it, in a fat Mach-O); on glibc the symbol versions against Debian 12's
 * (naming the symbols; versions needed from libraries the package carries do
 * not count); a musl build on glibc (its libc is not there); on musl the
 * musl-loadability of a glibc build (src/rules/linux/musl-load.ts: glibc's
 * loader, glibc-only functions, libraries a musl system lacks, with
 * libstdc++ and libgcc_s counted present); the minimum macOS and the arm64
 * code signature; the addon's registration, its Node-API level (imports and
 * declaration) and NODE_MODULE_VERSION against the system's Node.
 */
import type { AuditedBinary, Check, Rule } from '../../audit/types.ts';
import type { Arch } from '../../binary/arch.ts';
import { compareVersions } from '../../version.ts';
import type { Os, Target } from '../../target.ts';
import { allowsVersion, findPolicy, wheelArchOf, type TargetPolicy } from '../../policy/linux.ts';
import { napiLevelOf, nodeModuleVersion } from '../../policy/node.ts';
import type { NpmModel } from '../../artifact/npm/model.ts';
import { pickPrebuild, type LoaderEnv, type PrebuildPick } from '../../artifact/npm/select.ts';
import { rangeText, type NodeLines } from '../../artifact/npm/node-lines.ts';
import { neededVersions } from '../linux/elf-facts.ts';
import { muslLoadProblems, muslProblemText } from '../linux/musl-load.ts';
import { neededNapi } from './addon.ts';
import { nodeHostProvides } from './host.ts';
import { linesOf, npmOf, type Ctx } from './common.ts';
import { groupBy, ids, listSome } from '../messages.ts';

export const PICKS_NOTHING: Check = {
  id: 'npm.prebuild-picks-nothing',
  severity: 'error',
  title: 'node-gyp-build finds no prebuild on a platform the package claims',
  explain:
    'The package ships prebuilds for this platform, but none that node-gyp-build accepts on a common system running the Node line the package is judged on: every file in `prebuilds/<platform>-<arch>/` carries a tag that contradicts it — an `abiNN` of other Node versions, a `glibc` or `musl` tag of the other libc (node-gyp-build calls a system musl only when /etc/alpine-release exists), an `armvN` tag on arm64 (which node-gyp-build calls armv8), an `electron` runtime, or a `uvN` tag that is not libuv 1 (also what a file name starting with "uv" parses to). ' +
    '`require()` then throws "No native build was found for platform=linux arch=x64 runtime=node abi=115 uv=1 libc=glibc node=20…", unless the install compiled the addon (a node-gyp-build install script with binding.gyp). The message lists each file and why it was passed over.',
  fix: 'Add the prebuild that system needs (prebuildify writes `node.napi.node` for Node-API builds, which every Node version accepts), or fix the tag that excludes it.',
};

export const PICK_FAILS: Check = {
  id: 'npm.prebuild-pick-fails',
  severity: 'error',
  title: 'The prebuild node-gyp-build picks does not load there',
  explain:
    'On a common system the package claims (Debian 12 x86_64 and arm64, Alpine x86_64, Void Linux musl x86_64, macOS 14 arm64, Windows x64, each with the Node line the package is judged on), node-gyp-build picks a file that will not load: ' +
    'a build for another OS or architecture (a shipped `build/Release` output is picked before every prebuild, on every system); a musl build on glibc; on musl, a glibc build that needs glibc\'s loader, glibc-only functions (`__memcpy_chk`, `fcntl64`) or libraries Alpine lacks — an untagged Linux prebuild is picked on every libc, and on Void Linux, which has no /etc/alpine-release, node-gyp-build picks the glibc build even beside a musl one; symbol versions newer than Debian 12\'s glibc 2.36 (``version `GLIBC_2.38\' not found``); a minimum macOS above the system\'s, or an unsigned arm64 slice (Killed: 9); a Node-API level or NODE_MODULE_VERSION the system\'s Node does not offer; a file that is not an addon. ' +
    'The message names the pick, the system and each reason. Where the install script is node-gyp-build, the install tests the pick and compiles from source when it fails (a toolchain is needed); otherwise the failure is at require().',
  fix: 'Fix the build the message names (rebuild it on an older system, for the right target, with the right tags), or add a more specific prebuild (a `musl`-tagged one for Alpine) so node-gyp-build picks that instead.',
};

export interface SimulatedSystem {
  id: string;
  name: string;
  env: LoaderEnv;
  os: Os;
  arch: Arch;
  libc: 'glibc' | 'musl' | null;
  /** glibc systems: the policy whose symbol versions the system's libraries provide. */
  glibcPolicy: string | null;
  macos: string | null;
  severity: 'error' | 'warning';
}

export const SIMULATED_SYSTEMS: readonly SimulatedSystem[] = [
  { id: 'debian12-x64', name: 'Debian 12 x86_64 (glibc 2.36)', env: { platform: 'linux', arch: 'x64', libc: 'glibc', armv: '', uv: '1' }, os: 'linux', arch: 'x86_64', libc: 'glibc', glibcPolicy: 'manylinux_2_36', macos: null, severity: 'error' },
  { id: 'debian12-arm64', name: 'Debian 12 arm64 (glibc 2.36)', env: { platform: 'linux', arch: 'arm64', libc: 'glibc', armv: '8', uv: '1' }, os: 'linux', arch: 'arm64', libc: 'glibc', glibcPolicy: 'manylinux_2_36', macos: null, severity: 'error' },
  { id: 'alpine-x64', name: 'Alpine Linux x86_64 (musl)', env: { platform: 'linux', arch: 'x64', libc: 'musl', armv: '', uv: '1' }, os: 'linux', arch: 'x86_64', libc: 'musl', glibcPolicy: null, macos: null, severity: 'error' },
  { id: 'void-musl-x64', name: 'Void Linux musl x86_64 (no /etc/alpine-release)', env: { platform: 'linux', arch: 'x64', libc: 'glibc', armv: '', uv: '1' }, os: 'linux', arch: 'x86_64', libc: 'musl', glibcPolicy: null, macos: null, severity: 'warning' },
  { id: 'macos14-arm64', name: 'macOS 14 arm64', env: { platform: 'darwin', arch: 'arm64', libc: 'glibc', armv: '8', uv: '1' }, os: 'macos', arch: 'arm64', libc: null, glibcPolicy: null, macos: '14.0', severity: 'error' },
  { id: 'windows-x64', name: 'Windows x64', env: { platform: 'win32', arch: 'x64', libc: 'glibc', armv: '', uv: '1' }, os: 'windows', arch: 'x86_64', libc: null, glibcPolicy: null, macos: null, severity: 'error' },
];

export interface SimulatedNode {
  major: number;
  moduleVersion: number;
  napi: number;
}

/** The Node line a package is simulated with: 20 when admitted, else the lowest admitted from 20 on, else the highest admitted. */
export function simulatedNode(lines: NodeLines): SimulatedNode {
  const majors = lines.lines.map((l) => l.major).filter((m) => nodeModuleVersion(m) !== null);
  const major = majors.includes(20) ? 20 : (majors.filter((m) => m > 20).sort((a, b) => a - b)[0] ?? majors.sort((a, b) => b - a)[0] ?? 20);
  return { major, moduleVersion: nodeModuleVersion(major) ?? 115, napi: napiLevelOf(`${major}.9999.0`) };
}

const FORMAT_OF_OS: Partial<Record<Os, 'elf' | 'macho' | 'pe'>> = { linux: 'elf', macos: 'macho', windows: 'pe' };

/** Why `bin` would not load on `sys` with `node`; empty when it would. */
export function loadProblems(bin: AuditedBinary, sys: SimulatedSystem, node: SimulatedNode, carries: (name: string) => boolean): string[] {
  const out: string[] = [];
  const facts = bin.facts;
  const format = facts[0]?.format;
  if (format !== FORMAT_OF_OS[sys.os]) return [`it is ${format === 'elf' ? 'an ELF (Linux)' : format === 'macho' ? 'a Mach-O (macOS)' : 'a PE (Windows)'} binary`];
  if (format === 'macho') {
    const slice = facts.find((f) => f.arch === sys.arch || (sys.arch === 'arm64' && f.arch === 'arm64e'));
    if (!slice) return [`it has no ${sys.arch} slice (${facts.map((f) => f.arch).join(', ')})`];
    if (slice.minOs && slice.minOs.platform === 'macos' && sys.macos && compareVersions(slice.minOs.version, sys.macos) > 0) out.push(`it needs macOS ${slice.minOs.version}`);
    if (slice.signature === 'none' && (slice.arch === 'arm64' || slice.arch === 'arm64e')) out.push('its arm64 slice is unsigned (Killed: 9)');
  } else if (facts[0]!.arch !== sys.arch) {
    return [`it is ${facts[0]!.arch}, not ${sys.arch}`];
  }
  if (bin.parsed.format === 'elf') {
    const elf = bin.parsed;
    const libc = facts[0]!.libc;
    if (sys.libc === 'glibc' && libc === 'musl') out.push(`it is linked against musl (${facts[0]!.libcEvidence ?? 'musl'}), which a glibc system does not have`);
    if (sys.libc === 'glibc' && libc !== 'musl' && sys.glibcPolicy) {
      const arch = wheelArchOf(sys.arch);
      const policy = arch ? findPolicy(sys.glibcPolicy, arch) : null;
      if (policy) {
        const tp: TargetPolicy = { policy, exact: true, libcCeiling: null, note: null };
        for (const n of neededVersions(elf)) {
          if (carries(n.file) || n.weak || allowsVersion(tp, n.version)) continue;
          out.push(`it needs ${n.version} from ${n.file} (${listSome(n.symbols.map((s) => `${s}@${n.version}`), 3) || 'no symbol named'}): "version \`${n.version}' not found"`);
        }
      }
    }
    if (sys.libc === 'musl' && libc === 'glibc') {
      const problems = muslLoadProblems(elf, (name) => carries(name) || nodeHostProvides('linux', name, 'musl'));
      if (problems.length > 0) out.push(`it is a glibc build musl cannot load: ${listSome(problems.map(muslProblemText), 5)}`);
    }
  }
  const f = bin.node;
  if (!f || f.kind === null) {
    out.push('it registers no Node module ("Module did not self-register")');
    return out;
  }
  if (f.kind === 'v8' && f.moduleVersion !== null && f.moduleVersion !== node.moduleVersion) {
    out.push(`it is a V8/NAN build for NODE_MODULE_VERSION ${f.moduleVersion}; Node ${node.major} requires ${node.moduleVersion}`);
  }
  if (f.kind === 'napi') {
    const need = neededNapi(f);
    if (need && need.byImports !== null && need.byImports > node.napi) out.push(`it imports ${listSome(f.minNapiCulprits, 3)} (Node-API ${need.byImports}); Node ${node.major} offers ${node.napi}`);
    if (need && need.declared !== null && need.declared > node.napi) out.push(`it declares Node-API ${need.declared}; Node ${node.major} supports ${node.napi} ("requires Node-API version ${need.declared}")`);
  }
  return out;
}

interface Outcome {
  sys: SimulatedSystem;
  pick: PrebuildPick;
  problems: string[];
  targets: Target[];
}

function claimedTargets(ctx: Ctx, sys: SimulatedSystem): Target[] {
  return ctx.targets.filter((t) => t.os === sys.os && t.arch === sys.arch && (sys.os !== 'linux' || t.libc?.kind === sys.libc) && (!t.node || t.node.runtime === 'node'));
}

/** Whether node-gyp-build is how the package loads its addon. */
function usesNodeGypBuild(npm: NpmModel): boolean {
  return npm.prebuilds.some((p) => p.tags !== null) || npm.loader === 'node-gyp-build';
}

function simulate(ctx: Ctx, npm: NpmModel, node: SimulatedNode): Outcome[] {
  const names = new Set(npm.files.map((f) => f.slice(f.lastIndexOf('/') + 1)));
  const carries = (name: string) => names.has(name.slice(name.lastIndexOf('/') + 1));
  const byPath = new Map(ctx.binaries.map((b) => [b.path, b]));
  const unparsable = new Map(ctx.unparsable.map((u) => [u.path, u]));
  const out: Outcome[] = [];
  for (const sys of SIMULATED_SYSTEMS) {
    const targets = claimedTargets(ctx, sys);
    if (targets.length === 0) continue;
    const pick = pickPrebuild(npm.files, sys.env, { runtime: 'node', abi: String(node.moduleVersion) });
    let problems: string[] = [];
    if (pick.file !== null) {
      const path = npm.archivePath.get(pick.file)!;
      const bin = byPath.get(path);
      const bad = unparsable.get(path);
      if (bin) problems = loadProblems(bin, sys, node, carries);
      else if (bad) problems = [`it cannot be parsed (${bad.reason})`];
      else problems = ['it is not a native binary'];
    }
    out.push({ sys, pick, problems, targets });
  }
  return out;
}

function pickText(p: PrebuildPick): string {
  return p.via === 'prebuilds' ? p.file! : `${p.file} (${p.via} comes before prebuilds/)`;
}

export const npmSelectionRule: Rule = {
  name: 'npm-selection',
  kinds: ['npm'],
  checks: [PICKS_NOTHING, PICK_FAILS],
  run(ctx) {
    const npm = npmOf(ctx);
    if (!npm || !usesNodeGypBuild(npm)) return;
    const lines = linesOf(ctx);
    const node = simulatedNode(lines);
    const nodeText = `Node ${node.major} (NODE_MODULE_VERSION ${node.moduleVersion}, Node-API ${node.napi})`;
    const outcomes = simulate(ctx, npm, node);
    const compile = npm.install.buildsAtInstall === 'node-gyp-build';
    const fallback = compile ? ': the install compiles from source instead (node-gyp-build; Python and a C/C++ toolchain needed)' : '';

    const nothing = outcomes.filter((o) => o.pick.file === null);
    for (const group of groupBy(nothing, (o) => `${o.pick.dir}\0${o.pick.considered.map((c) => `${c.file}:${c.rejected}`).join(',')}`).values()) {
      const { pick } = group[0]!;
      const systems = group.map((o) => o.sys);
      const dir = pick.dir ? `prebuilds/${pick.dir}` : 'prebuilds/';
      const passed = pick.considered.map((c) => `${c.file.slice(c.file.lastIndexOf('/') + 1)} (${c.rejected})`);
      const env = systems[0]!.env;
      ctx.report(PICKS_NOTHING, {
        message: `on ${systems.map((s) => s.name).join(', ')} with ${nodeText}, node-gyp-build finds nothing in ${dir}${passed.length ? `: ${listSome(passed, 4)}` : ' (no .node file)'}; require() throws "No native build was found for platform=${env.platform} arch=${env.arch} runtime=node abi=${node.moduleVersion} uv=1${env.armv ? ` armv=${env.armv}` : ''} libc=${env.libc}"${fallback}`,
        targets: ids([...new Map(group.flatMap((o) => o.targets).map((t) => [t.id, t])).values()]),
        severity: systems.some((s) => s.severity === 'error') && !compile ? 'error' : 'warning',
        evidence: { systems: systems.map((s) => s.id), node, dir: pick.dir, considered: pick.considered, range: rangeText(lines) },
        hint: `Add a prebuild to ${dir} that ${nodeText} on ${systems[0]!.name} accepts (an N-API build named node.napi.node is accepted by every Node), or remove the tag that excludes it.`,
      });
    }

    const failing = outcomes.filter((o) => o.pick.file !== null && o.problems.length > 0);
    for (const group of groupBy(failing, (o) => `${o.pick.file}\0${o.problems.join('\n')}`).values()) {
      const { pick, problems } = group[0]!;
      const systems = group.map((o) => o.sys);
      const path = npm.archivePath.get(pick.file!)!;
      const onlyBlind = systems.every((s) => s.libc === 'musl') && !pick.considered.find((c) => c.file === pick.file)?.tags.includes('musl');
      ctx.report(PICK_FAILS, {
        message: `on ${systems.map((s) => s.name).join(', ')} with ${nodeText}, node-gyp-build picks ${pickText(pick)}, which does not load there: ${problems.join('; ')}${fallback}`,
        file: path,
        targets: ids([...new Map(group.flatMap((o) => o.targets).map((t) => [t.id, t])).values()]),
        severity: systems.some((s) => s.severity === 'error') && !compile ? 'error' : 'warning',
        evidence: { systems: systems.map((s) => s.id), node, pick: pick.file, via: pick.via, problems, considered: pick.considered, range: rangeText(lines) },
        hint: onlyBlind
          ? `Ship a musl build (prebuilds/${pick.dir}/<name>.musl.node) for Alpine, or build ${pick.file} so musl can load it too (no _FORTIFY_SOURCE, no _FILE_OFFSET_BITS=64, no NEEDED ld-linux).`
          : pick.via !== 'prebuilds'
            ? `Remove ${pick.file} from the package: it shadows the prebuilds.`
            : `Rebuild ${pick.file} for ${systems[0]!.name} and ${nodeText}.`,
      });
    }
  },
};
