/**
 * A release compared with the project's previous one: what users who upgrade
 * lose. A platform the previous release covered and this one does not leaves
 * its users on the old version (or with a source build); a raised glibc,
 * GLIBCXX or macOS floor breaks the users whose systems sat between the two.
 */
import { toFinding } from '../audit/audit.ts';
import type { Finding } from '../audit/types.ts';
import type { BinaryFacts } from '../binary/describe.ts';
import type { Report } from '../report/schema.ts';
import { compareVersions } from '../version.ts';
import { RELEASE_CHECKS } from './checks.ts';
import type { ReleaseReport } from './schema.ts';

/** The platform a binary slice runs on, in the coverage matrix's spelling. */
function platformOfFacts(f: BinaryFacts): string {
  if (f.format === 'macho') return `macos-${f.arch}`;
  if (f.format === 'pe') return `windows-${f.arch}`;
  return ['linux', f.arch, ...(f.libc === 'glibc' || f.libc === 'musl' ? [f.libc] : [])].join('-');
}

interface Floor {
  version: string;
  /** Where it comes from: 'lib/foo.so in foo.whl'. */
  where: string;
}

/** The highest floor per platform and family (GLIBC, GLIBCXX, macOS) over all binaries of the release. */
function floors(artifacts: readonly Report[]): Map<string, Map<string, Floor>> {
  const out = new Map<string, Map<string, Floor>>();
  for (const r of artifacts) {
    for (const b of r.binaries) {
      for (const f of b.facts) {
        const families: [string, string][] = [
          ...Object.entries(f.versionFloors).filter(([k]) => k === 'GLIBC' || k === 'GLIBCXX'),
          ...(f.minOs ? [['macOS', f.minOs.version] as [string, string]] : []),
        ];
        const platform = platformOfFacts(f);
        const per = out.get(platform) ?? new Map<string, Floor>();
        out.set(platform, per);
        for (const [family, version] of families) {
          const cur = per.get(family);
          if (!cur || compareVersions(version, cur.version) > 0) per.set(family, { version, where: `${b.path} in ${r.artifact.file}` });
        }
      }
    }
  }
  return out;
}

export function diffReleases(previous: ReleaseReport, artifacts: readonly Report[], platforms: readonly string[]): Finding[] {
  const findings: Finding[] = [];
  const before = previous.matrix.platforms.filter((_, i) => previous.matrix.cells[i]?.some((c) => c !== null));
  const now = new Set(platforms);
  for (const p of before.filter((x) => !now.has(x))) {
    findings.push(
      toFinding(RELEASE_CHECKS.platformDropped, {
        message: `${previous.name} covered ${p}; this release does not`,
        evidence: { platform: p, previous: previous.name },
      }),
    );
  }
  const old = floors(previous.artifacts);
  for (const [platform, families] of floors(artifacts)) {
    // A platform the previous release did not cover has nothing to compare with.
    if (!before.includes(platform)) continue;
    for (const [family, floor] of families) {
      const was = old.get(platform)?.get(family);
      // No floor at all before (no versioned symbol of the family): any version loaded it.
      if (was && compareVersions(floor.version, was.version) <= 0) continue;
      const from = was ? was.version : `none (any ${family})`;
      findings.push(
        toFinding(RELEASE_CHECKS.floorRaised, {
          message: `${platform}: the ${family} floor rose from ${from} to ${floor.version} (${floor.where}); users between the two can no longer load it`,
          evidence: { platform, family, from: was?.version ?? null, to: floor.version, binary: floor.where, previous: previous.name },
        }),
      );
    }
  }
  return findings;
}
