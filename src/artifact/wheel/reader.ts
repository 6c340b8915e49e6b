/**
 * The wheel kind as the audit pipeline sees it (src/artifact/kinds.ts): which
 * entries to keep as text, the model, its targets, and the wheel summary of
 * the report.
 */
import type { ArtifactReader } from '../kinds.ts';
import { scanZip } from '../archive/zip.ts';
import { tripleText } from './tags.ts';
import { readWheelModel, wheelKeepText } from './model.ts';
import { wheelTargets } from './targets.ts';

export const wheelReader: ArtifactReader = {
  kind: 'wheel',
  matches: (fileName) => fileName.toLowerCase().endsWith('.whl'),
  scan: scanZip,
  keepText: wheelKeepText,
  model: (fileName, scan, text) => ({ kind: 'wheel', wheel: readWheelModel(fileName, scan, text) }),
  targets: (model) => (model.kind === 'wheel' ? wheelTargets(model.wheel) : []),
  summary(ctx, findings) {
    if (ctx.artifact.kind !== 'wheel') return {};
    const w = ctx.artifact.wheel;
    // The Linux rules compute the deserved tag once (elf.deserved-tag); the summary repeats their answer.
    const deserved = [...new Set(findings.filter((f) => f.check === 'elf.deserved-tag' && typeof f.evidence.tag === 'string').map((f) => f.evidence.tag as string))];
    return {
      wheel: {
        distribution: w.parsed?.distribution ?? w.metadata?.name ?? null,
        version: w.parsed?.version ?? w.metadata?.version ?? null,
        tags: w.parsed?.tags.map(tripleText) ?? [],
        pure: ctx.binaries.length === 0,
        deservedPlatformTags: deserved.length > 0 ? deserved : null,
      },
    };
  },
};
