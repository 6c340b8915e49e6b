/**
 * The audit report: what distaudit says about one artifact. The TypeBox
 * schema is the source of truth; the `Report` type derives from it and
 * docs/report.schema.json is generated from it (`npm run docs`), so the
 * published schema cannot drift from the code.
 */
import { Type, type Static } from 'typebox';
import { BinaryFactsSchema } from '../binary/describe.ts';
import { NodeAddonFactsSchema } from '../binary/addons/node.ts';
import { FindingSchema } from '../audit/types.ts';
import { Nullable } from '../schema.ts';
import { TargetSchema } from '../target.ts';
import { LoadsSchema } from '../load/schema.ts';

export const REPORT_SCHEMA_ID = 'https://distaudit.dev/schema/report-v1.json';

export const VerdictSchema = Type.Enum(['pass', 'warn', 'fail'] as const, {
  description: '`fail`: an error finding applies; `warn`: only warnings; `pass`: neither (info findings never change a verdict).',
});
export type Verdict = Static<typeof VerdictSchema>;

const Counts = {
  errors: Type.Integer({ minimum: 0 }),
  warnings: Type.Integer({ minimum: 0 }),
  infos: Type.Integer({ minimum: 0 }),
};

export const TargetVerdictSchema = Type.Object(
  {
    target: Type.String({ description: 'The target id.' }),
    verdict: VerdictSchema,
    ...Counts,
  },
  { description: 'The verdict for one target: the findings that affect it, and those that affect the whole artifact.' },
);
export type TargetVerdict = Static<typeof TargetVerdictSchema>;

export const AuditedBinarySummarySchema = Type.Object({
  path: Type.String({ description: 'Path inside the artifact.' }),
  size: Type.Integer({ minimum: 0 }),
  sha256: Type.String(),
  facts: Type.Array(BinaryFactsSchema, { description: 'One entry per binary; per slice for a fat Mach-O.' }),
  node: Type.Optional(Nullable(NodeAddonFactsSchema)),
  targets: Type.Optional(
    Type.Array(Type.String(), {
      description: 'Ids of the targets this binary must serve: every target of a wheel; for npm packages and JARs, those its own path or package claims.',
    }),
  ),
});

export const WheelSummarySchema = Type.Object(
  {
    distribution: Nullable(Type.String()),
    version: Nullable(Type.String()),
    tags: Type.Array(Type.String(), { description: 'The tags the filename claims, expanded.' }),
    pure: Type.Boolean({ description: 'True when the wheel holds no native binary.' }),
    deservedPlatformTags: Nullable(
      Type.Array(Type.String(), {
        description: 'The platform tags the binaries actually qualify for, as `auditwheel show` computes them (Linux wheels); null when not computed.',
      }),
    ),
  },
  { description: 'Wheel-specific facts.' },
);

export const NpmSummarySchema = Type.Object(
  {
    name: Nullable(Type.String()),
    version: Nullable(Type.String()),
    /** How the package delivers native code. */
    layouts: Type.Array(Type.String(), { description: "'prebuildify', 'napi-rs-platform', 'napi-rs-root', 'node-pre-gyp', 'prebuild-install', 'node-gyp', 'bundled'" }),
    platformPackages: Type.Record(Type.String(), Type.String(), { description: 'optionalDependencies that are per-platform packages, name → exact version pinned.' }),
    engines: Nullable(Type.String({ description: 'engines.node as written.' })),
  },
  { description: 'npm package facts.' },
);

export const JarSummarySchema = Type.Object(
  {
    name: Nullable(Type.String({ description: 'groupId:artifactId from pom.properties, else the manifest Implementation-Title / Bundle-SymbolicName.' })),
    version: Nullable(Type.String()),
    nestedJars: Type.Array(Type.String(), { description: 'Nested JARs read (one level deep).' }),
    conventions: Type.Array(Type.String(), { description: 'Native path conventions recognised (sqlite-jdbc, jna, netty, ...).' }),
  },
  { description: 'JAR facts.' },
);

export const ReportSchema = Type.Object(
  {
    schemaVersion: Type.Literal(1),
    tool: Type.Object({ name: Type.Literal('distaudit'), version: Type.String() }),
    artifact: Type.Object({
      file: Type.String({ description: 'The file name as given.' }),
      kind: Nullable(Type.Enum(['wheel', 'jar', 'npm', 'node-addon'] as const, { description: 'null when the kind could not be told.' })),
      size: Type.Integer({ minimum: 0 }),
      sha256: Type.String(),
    }),
    targets: Type.Array(TargetSchema, { description: 'Every platform the artifact claims, made explicit.' }),
    binaries: Type.Array(AuditedBinarySummarySchema, { description: 'Every native binary found (by magic bytes, not by name).' }),
    findings: Type.Array(FindingSchema),
    verdicts: Type.Array(TargetVerdictSchema, { description: 'One per target.' }),
    overall: Type.Object(
      { verdict: VerdictSchema, ...Counts },
      { description: 'The worst verdict over all targets, or over all findings when the artifact claims no target.' },
    ),
    wheel: Type.Optional(WheelSummarySchema),
    npm: Type.Optional(NpmSummarySchema),
    jar: Type.Optional(JarSummarySchema),
    loads: Type.Optional(LoadsSchema),
    checksRun: Type.Array(Type.String(), { description: 'Ids of every check that ran on this artifact: those without a finding passed.' }),
    durationMs: Type.Number({ minimum: 0 }),
  },
  { $id: REPORT_SCHEMA_ID, title: 'distaudit report', description: 'What distaudit decided about one artifact.' },
);
export type Report = Static<typeof ReportSchema>;
