/**
 * Several artifacts judged as one release: all the wheels of a version, or an
 * npm root package with its per-platform packages, or a JAR and its classifier
 * JARs. Each is audited on its own; then the release is judged as a whole: a
 * coverage matrix of platforms × artifacts, the common platforms nobody
 * covers, and version skew between the artifacts.
 */
import { basename } from 'node:path';
import { auditFile, toFinding, type AuditOptions } from '../audit/audit.ts';
import type { Finding } from '../audit/types.ts';
import { tally } from '../audit/verdict.ts';
import type { Report, Verdict } from '../report/schema.ts';
import type { ReleaseReport } from './schema.ts';
import { RELEASE_CHECKS } from './checks.ts';
import { toolVersion } from '../tool.ts';
import { COMMON_PLATFORMS, platformOf } from '../target.ts';
import { diffReleases } from './diff.ts';

const RANK: Record<Verdict, number> = { pass: 0, warn: 1, fail: 2 };

/** Name and version an artifact says it is, and what it pins its sibling packages to. */
export interface Identity {
  name: string | null;
  version: string | null;
  /** npm: optionalDependencies name → exact version the root package pins. */
  pins: Record<string, string>;
}

export function identityOf(r: Report): Identity {
  if (r.wheel) return { name: r.wheel.distribution, version: r.wheel.version, pins: {} };
  if (r.npm) return { name: r.npm.name, version: r.npm.version, pins: r.npm.platformPackages };
  if (r.jar) return { name: r.jar.name, version: r.jar.version, pins: {} };
  return { name: null, version: null, pins: {} };
}

/** The worst verdict per platform in one report; a platform it does not claim is absent. */
function verdictsByPlatform(r: Report): Map<string, Verdict> {
  const out = new Map<string, Verdict>();
  for (const t of r.targets) {
    const v = r.verdicts.find((x) => x.target === t.id)?.verdict ?? 'pass';
    const key = platformOf(t);
    const cur = out.get(key);
    if (!cur || RANK[v] > RANK[cur]) out.set(key, v);
  }
  return out;
}

function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, '-');
}

/** The release-level findings: gaps, skew, pins. */
export function judgeRelease(reports: readonly Report[]): { matrix: ReleaseReport['matrix']; findings: Finding[] } {
  const findings: Finding[] = [];
  const perArtifact = reports.map(verdictsByPlatform);
  const platforms = [...new Set(perArtifact.flatMap((m) => [...m.keys()]))].sort();
  const matrix = {
    platforms,
    artifacts: reports.map((r) => r.artifact.file),
    cells: platforms.map((p) => perArtifact.map((m) => m.get(p) ?? null)),
  };

  // Coverage: a native release should reach the common platforms.
  if (platforms.length > 0) {
    const covered = new Set(platforms);
    const missing = COMMON_PLATFORMS.filter((p) => !covered.has(p));
    const kinds = new Set(reports.map((r) => r.artifact.kind));
    for (const p of missing) {
      findings.push(
        toFinding(RELEASE_CHECKS.missingPlatform, {
          message: `no artifact of this release covers ${p}`,
          evidence: { platform: p, covered: platforms },
          hint: `Build for ${p} too (e.g. ${hintFor(p, kinds)}), or document that it is not supported.`,
        }),
      );
    }
  }

  // One project, one version.
  const ids = reports.map((r) => ({ file: r.artifact.file, ...identityOf(r) }));
  const named = ids.filter((i) => i.name !== null && i.version !== null);
  const versions = new Set(named.map((i) => i.version));
  const pinnedNames = new Set(named.flatMap((i) => Object.keys(i.pins).map(normalizeName)));
  if (versions.size > 1) {
    findings.push(
      toFinding(RELEASE_CHECKS.versionSkew, {
        message: `the artifacts carry ${versions.size} versions: ${named.map((i) => `${i.file} is ${i.version}`).join(', ')}`,
        evidence: { versions: Object.fromEntries(named.map((i) => [i.file, i.version])) },
      }),
    );
  }
  const roots = named.filter((i) => !pinnedNames.has(normalizeName(i.name!)));
  const projects = new Set(roots.map((i) => normalizeName(i.name!)));
  if (projects.size > 1) {
    findings.push(
      toFinding(RELEASE_CHECKS.mixedProjects, {
        message: `the artifacts belong to ${projects.size} projects: ${[...projects].join(', ')}`,
        evidence: { projects: Object.fromEntries(roots.map((i) => [i.file, i.name])) },
      }),
    );
  }

  // npm: every pinned platform package is in the release, at exactly the pinned version.
  for (const root of named) {
    for (const [dep, pinned] of Object.entries(root.pins)) {
      const found = named.find((i) => normalizeName(i.name!) === normalizeName(dep));
      if (!found) {
        findings.push(
          toFinding(RELEASE_CHECKS.missingPackage, {
            file: root.file,
            message: `${root.name}@${root.version} pins ${dep}@${pinned}, which is not part of this release`,
            evidence: { package: dep, pinned },
          }),
        );
      } else if (found.version !== pinned) {
        findings.push(
          toFinding(RELEASE_CHECKS.pinMismatch, {
            file: found.file,
            message: `${root.name}@${root.version} pins ${dep}@${pinned}, but the release has ${dep}@${found.version} (${found.file})`,
            evidence: { package: dep, pinned, found: found.version },
          }),
        );
      }
    }
  }
  return { matrix, findings };
}

/** What to build for a platform, per artifact kind: [wheel, npm prebuild, JAR native]. */
const BUILD_HINTS: Record<string, [string, string, string]> = {
  'linux-x86_64-glibc': ['a manylinux_2_17_x86_64 wheel', 'a linux-x64 prebuild', 'a linux-x86_64 native (or classifier JAR)'],
  'linux-arm64-glibc': ['a manylinux_2_17_aarch64 wheel', 'a linux-arm64 prebuild', 'a linux-aarch64 native (or classifier JAR)'],
  'linux-x86_64-musl': ['a musllinux_1_2_x86_64 wheel', 'a linux-x64 musl prebuild', 'a musl build of the linux-x86_64 native where the loader looks for one (or a glibc-free one)'],
  'linux-arm64-musl': ['a musllinux_1_2_aarch64 wheel', 'a linux-arm64 musl prebuild', 'a musl build of the linux-aarch64 native where the loader looks for one (or a glibc-free one)'],
  'macos-x86_64': ['a macosx_10_12_x86_64 or universal2 wheel', 'a darwin-x64 prebuild', 'a darwin x86_64 (or universal) dylib'],
  'macos-arm64': ['a macosx_11_0_arm64 or universal2 wheel', 'a darwin-arm64 prebuild', 'a darwin aarch64 (or universal) dylib'],
  'windows-x86_64': ['a win_amd64 wheel', 'a win32-x64 prebuild', 'a windows-x86_64 DLL'],
  'windows-arm64': ['a win_arm64 wheel', 'a win32-arm64 prebuild', 'a windows-aarch64 DLL'],
};

function hintFor(platform: string, kinds: ReadonlySet<Report['artifact']['kind']>): string {
  const [wheel, npm, jar] = BUILD_HINTS[platform] ?? [platform, platform, platform];
  const fitting = [...(kinds.has('wheel') ? [wheel] : []), ...(kinds.has('npm') || kinds.has('node-addon') ? [npm] : []), ...(kinds.has('jar') ? [jar] : [])];
  return (fitting.length > 0 ? fitting : [wheel, npm, jar]).join(', ');
}

/** The release report from its artifacts' reports, optionally compared with the project's previous release. */
export function releaseReport(name: string, artifacts: readonly Report[], options: { previous?: ReleaseReport | null; started?: number } = {}): ReleaseReport {
  const started = options.started ?? performance.now();
  const judged = judgeRelease(artifacts);
  const findings = [...judged.findings, ...(options.previous ? diffReleases(options.previous, artifacts, judged.matrix.platforms) : [])];
  const all = [...artifacts.flatMap((r) => r.findings), ...findings];
  const worst = artifacts.reduce<Verdict>((w, r) => (RANK[r.overall.verdict] > RANK[w] ? r.overall.verdict : w), tally(findings).verdict);
  return {
    schemaVersion: 1,
    tool: { name: 'distaudit', version: toolVersion() },
    name,
    artifacts: [...artifacts],
    matrix: judged.matrix,
    findings,
    overall: { ...tally(all), verdict: worst },
    durationMs: performance.now() - started,
  };
}

export async function auditRelease(paths: readonly string[], options: AuditOptions & { previous?: ReleaseReport | null } = {}): Promise<ReleaseReport> {
  const started = performance.now();
  const artifacts: Report[] = [];
  for (const p of paths) artifacts.push(await auditFile(p, options));
  return releaseReport(paths.length === 1 ? basename(paths[0]!) : `${paths.length} artifacts`, artifacts, { previous: options.previous, started });
}
