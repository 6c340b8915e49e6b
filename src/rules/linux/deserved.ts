/**
 * The platform tag a Linux wheel deserves — what `auditwheel show` would say
 * (deserved-tag.ts) — reported beside the tag it claims, with what keeps each
 * more compatible policy out of reach.
 */
import type { Check, Rule } from '../../audit/types.ts';
import { findPolicy, type PolicyLibc, type WheelArch } from '../../policy/linux.ts';
import { linuxContext, type LinuxTarget } from './context.ts';
import { muslReservedName } from './loader.ts';
import { deservedPlatformTag, type DeservedTag, type RejectReasons } from './deserved-tag.ts';
import { EXTENSION_INIT_SYMBOLS } from '../python/extension-name.ts';
import { groupBy, listSome } from '../messages.ts';

export const ELF_DESERVED_TAG: Check = {
  id: 'elf.deserved-tag',
  severity: 'info',
  title: 'The platform tag the wheel deserves',
  explain:
    'The manylinux/musllinux tag `auditwheel show` computes for this wheel from its ELF files: the most compatible policy whose symbol versions, allowed system libraries, blacklist and ISA level the binaries satisfy, or `linux_<arch>` when a library outside the policy is needed and not bundled. ' +
    'It is shown beside the claimed tag with the reasons each more compatible policy is out of reach, naming the symbols and libraries (auditwheel only says the tag is "constrained"). ' +
    'auditwheel\'s view differs from the loader\'s on a few points (it searches the top binary\'s RUNPATH for the whole dependency tree, counts versions needed from bundled libraries); the error checks follow the loader, so they can disagree with this tag — the evidence lists both.',
  fix:
    'Nothing to fix here by itself: a claim more compatible than the deserved tag shows up as errors of the other checks. A deserved tag more compatible than the claim means the wheel could be tagged for more systems.',
};

type Ctx = Parameters<Rule['run']>[0];

function reasonText(r: RejectReasons): string {
  const parts: string[] = [];
  if (r.tooNewVersions.length > 0) parts.push(`${listSome(r.tooNewVersions.map((v) => `${v.version} (${listSome(v.culprits, 2)})`), 3)}`);
  const libs = Object.keys(r.libsToEliminate);
  if (libs.length > 0) parts.push(`external ${listSome(libs, 3)}`);
  for (const [lib, syms] of Object.entries(r.blacklistedSymbols)) parts.push(`blacklisted ${listSome(syms, 3)} from ${lib}`);
  if (r.isa.length > 0) parts.push(`${r.isa[0]!.isa} needed by ${listSome(r.isa.map((i) => i.file), 2)}`);
  if (r.pyfpe) parts.push('PyFPE_jbuf');
  if (r.ucs2) parts.push('UCS2 unicode symbols');
  return parts.join('; ');
}

function claimedPolicyOf(t: LinuxTarget): string | null {
  return t.policy?.exact ? t.policy.policy.tag : null;
}

function report(ctx: Ctx, ts: LinuxTarget[], r: DeservedTag): void {
  const claims = [...new Set(ts.flatMap((t) => t.target.claims))];
  const claimed = claims.join('.') || ts[0]!.label;
  const targets = ts.map((t) => t.target.id);
  if (r.error !== null) {
    ctx.report(ELF_DESERVED_TAG, {
      message: `auditwheel show would reject this wheel (claims ${claimed}): ${r.error.split('\n')[0]}`,
      targets,
      evidence: { claimed: claims, ...r },
      hint: 'See the errors reported for the wheel\'s binaries.',
    });
    return;
  }
  let message = `deserves ${r.tag} (claims ${claimed})`;
  const claimedTags = ts.map(claimedPolicyOf).filter((x): x is string => x !== null);
  const blocked = claimedTags.find((tag) => r.rejected[tag]);
  if (blocked) message += `: ${blocked} is out of reach: ${reasonText(r.rejected[blocked]!)}`;
  else if (claimedTags.length > 0 && r.policy && r.arch) {
    const deserved = findPolicy(r.policy, r.arch);
    const claimedP = findPolicy(claimedTags[0]!, r.arch);
    if (deserved && claimedP && deserved.priority > claimedP.priority) message += `: more compatible than claimed`;
    else message += ': consistent with the claim';
  } else {
    // No policy claimed (linux_*): say what keeps the next better policy out of reach.
    const nearest = Object.keys(r.rejected)[0];
    if (nearest) message += `: ${nearest} is out of reach: ${reasonText(r.rejected[nearest]!)}`;
  }
  const muslOwn = r.libc === 'musl' ? Object.keys(r.externalLibs).filter(muslReservedName) : [];
  if (muslOwn.length > 0) message += ` (musl's loader provides ${muslOwn.join(', ')} itself; auditwheel counts it as external)`;
  ctx.report(ELF_DESERVED_TAG, {
    message,
    targets,
    evidence: { claimed: claims, ...r },
    hint: blocked ? `Fix what keeps ${blocked} out of reach (see the other findings), or claim ${r.tag}.` : `No action needed for the tag.`,
  });
}

export const deservedTagRule: Rule = {
  name: 'deserved-tag',
  // Python extension modules are told by their init function.
  definedSymbols: EXTENSION_INIT_SYMBOLS,
  kinds: ['wheel'],
  checks: [ELF_DESERVED_TAG],
  run(ctx) {
    const lc = linuxContext(ctx);
    if (lc.objects.length === 0) return;
    const binaries = lc.objects.map((o) => ({ path: o.path, elf: o.elf }));
    for (const ts of groupBy(lc.targets.filter((t) => t.arch !== null), (t) => `${t.arch}/${t.flavour}`).values()) {
      const arch = ts[0]!.arch as WheelArch;
      const libc: PolicyLibc = ts[0]!.flavour;
      // Judged against the musllinux policy the tag names (auditwheel would take its host's musl version).
      const musl = libc === 'musl' ? ts.map(claimedPolicyOf).find((x) => x !== null)?.replace(`_${arch}`, '') : undefined;
      const r = deservedPlatformTag(binaries, arch, libc, { files: lc.files, ...(musl ? { muslPolicy: musl } : {}) });
      report(ctx, ts, r);
    }
  },
};
