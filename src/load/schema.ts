/**
 * The load section of a report: every planned load of a binary in an image
 * that stands for one of its targets, what came of it in the loader's own
 * words, and the static finding that predicted a failure. The TypeBox schema
 * is the source of truth (docs/report.schema.json embeds it), as for the rest
 * of the report.
 */
import { Type, type Static } from 'typebox';
import { Nullable } from '../schema.ts';
import { LOAD_FAILURE_CLASSES, PROBE_KINDS } from './types.ts';

export const LOAD_STATUSES = ['passed', 'failed', 'crashed', 'timed-out', 'not-run'] as const;
export type LoadStatus = (typeof LOAD_STATUSES)[number];

export const PlannedLoadSchema = Type.Object({
  binary: Type.String({ description: 'Path of the binary inside the artifact.' }),
  binarySha256: Type.String(),
  target: Type.String({ description: 'The id of the target the load stands for.' }),
  image: Nullable(Type.String({ description: "The image that stands for the target ('debian-bookworm-amd64'); null when no image could." })),
  probe: Type.Enum(PROBE_KINDS, { description: 'How the binary is loaded: by its runtime (import, System.load, process.dlopen) or by the raw dlopen probe.' }),
  /** The Python module name (dotted) a python probe imports the file as. */
  module: Type.Optional(Type.String()),
  /**
   * For a Node-API addon in an image whose Node the package does not admit
   * (engines.node): why the N-API resolution harness loads it instead — the
   * libc, libraries and symbols of the image are still the target's.
   */
  standIn: Type.Optional(Type.String()),
  /** Why this load is not run, decided when planning; absent for loads to run. */
  notRun: Type.Optional(Type.String()),
});
export type PlannedLoad = Static<typeof PlannedLoadSchema>;

export const LoadOutcomeSchema = Type.Object(
  {
    binary: Type.String({ description: 'Path of the binary inside the artifact.' }),
    binarySha256: Type.String(),
    target: Type.String({ description: 'The id of the target the load stands for.' }),
    image: Nullable(Type.String({ description: "The image it ran in ('debian-bookworm-amd64'); null when no image stands for the target." })),
    probe: Type.Enum(PROBE_KINDS),
    runtime: Nullable(Type.String({ description: "The runtime that loaded it, e.g. 'python 3.11.2', 'node 18.20.4', 'java 17.0.19', 'dlopen (glibc 2.36)'." })),
    status: Type.Enum(LOAD_STATUSES, {
      description: '`passed`: loaded (and initialised, where the probe can); `failed`: the loader or runtime refused it; `crashed`: killed by a signal; `timed-out`: killed by the watchdog; `not-run`: no image here stands for the target, or the runtime cannot load it (the reason says which) — never a pass.',
    }),
    class: Nullable(Type.Enum(LOAD_FAILURE_CLASSES, { description: 'What kind of failure the loader\'s words describe.' })),
    reason: Type.String({ description: 'For not-run: why. Otherwise one line that sums up what happened.' }),
    output: Type.String({ description: 'The loader\'s or runtime\'s own words, verbatim (cut at 64 KiB).' }),
    detail: Type.Record(Type.String(), Type.String(), { description: "What the loader named: { library: 'libhelper.so' }, { version: 'GLIBC_2.38' }, { symbol: 'foo' }, ..." }),
    predictedBy: Nullable(Type.String({ description: 'The check id of the static finding that predicted this failure.' })),
    surprise: Type.Boolean({
      description: 'A failure no static finding predicted: a gap in the static audit, or something about the image. Worth reporting either way.',
    }),
    durationMs: Nullable(Type.Number({ minimum: 0 })),
  },
  { description: 'One binary loaded (or not) in one image for one target.' },
);
export type LoadOutcome = Static<typeof LoadOutcomeSchema>;

export const LoadImageSummarySchema = Type.Object({
  id: Type.String(),
  title: Type.String(),
  arch: Type.String(),
  libc: Type.String({ description: "'glibc 2.36', 'musl 1.2.3'." }),
  emulated: Type.Boolean(),
  runtimes: Type.Array(Type.String(), { description: "'python 3.11.2', 'java 17.0.19', 'node 18.20.4 (NODE_MODULE_VERSION 108, N-API 9)'." }),
});
export type LoadImageSummary = Static<typeof LoadImageSummarySchema>;

export const LoadsSchema = Type.Object(
  {
    driver: Type.String({ description: "The sandbox driver: 'bwrap' or 'docker'." }),
    images: Type.Array(LoadImageSummarySchema, { description: 'The images the loads ran in.' }),
    outcomes: Type.Array(LoadOutcomeSchema),
    durationMs: Type.Number({ minimum: 0 }),
  },
  { description: 'Real loads of the binaries in clean root filesystems of the targets they claim.' },
);
export type Loads = Static<typeof LoadsSchema>;
