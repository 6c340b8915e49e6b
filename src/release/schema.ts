/** The report on a release: each artifact's report, the coverage matrix, and release-level findings. */
import { Type, type Static } from 'typebox';
import { FindingSchema } from '../audit/types.ts';
import { Nullable } from '../schema.ts';
import { ReportSchema, VerdictSchema } from '../report/schema.ts';

export const RELEASE_SCHEMA_ID = 'https://distaudit.dev/schema/release-v1.json';

export const ReleaseReportSchema = Type.Object(
  {
    schemaVersion: Type.Literal(1),
    tool: Type.Object({ name: Type.Literal('distaudit'), version: Type.String() }),
    name: Type.String(),
    artifacts: Type.Array(ReportSchema),
    matrix: Type.Object(
      {
        platforms: Type.Array(Type.String(), { description: "Platforms any artifact claims: 'linux-x86_64-glibc', 'macos-arm64', ..." }),
        artifacts: Type.Array(Type.String(), { description: 'Artifact file names, in the order of the columns.' }),
        cells: Type.Array(Type.Array(Nullable(VerdictSchema)), { description: 'cells[platform][artifact]: the verdict of that artifact on that platform, null when it does not claim it.' }),
      },
      { description: 'Coverage: platforms × artifacts.' },
    ),
    findings: Type.Array(FindingSchema, { description: 'Release-level findings (gaps, skew, pins); each artifact\'s own findings are in its report.' }),
    overall: Type.Object({ verdict: VerdictSchema, errors: Type.Integer(), warnings: Type.Integer(), infos: Type.Integer() }),
    durationMs: Type.Number(),
  },
  { $id: RELEASE_SCHEMA_ID, title: 'distaudit release report' },
);
export type ReleaseReport = Static<typeof ReleaseReportSchema>;
