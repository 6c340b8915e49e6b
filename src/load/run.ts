/**
 * Real loads of one artifact, end to end:
 *
 *   the static report → the images that can stand for its targets (built or
 *   restored on demand) → the plan (src/load/plan.ts) → the artifact laid out
 *   as its installer would → each planned load run by the probe in the image
 *   through the driver → the loader's words classified → linked to the
 *   finding that predicted them → the report's load section.
 *
 * Identical loads (the same bytes, image, probe and module for several
 * targets) run once and are reported for each target.
 */
import type { Report } from '../report/schema.ts';
import { platformOf } from '../target.ts';
import { classifyLoad } from './classify.ts';
import { layoutArtifact, type ArtifactLayout } from './layout.ts';
import { planLoads } from './plan.ts';
import { predictingFinding } from './predict.ts';
import { parseProbeOutput, probeCommand, probesDir } from './probes.ts';
import type { LoadImageSummary, LoadOutcome, Loads, PlannedLoad } from './schema.ts';
import { DEFAULT_LIMITS, SANDBOX_PATHS, type Image, type ImageId, type ImageManifest, type LoadDriver, type SandboxLimits } from './types.ts';

/** The images a host has: what each would be (for choosing), and a way to get it ready. */
export interface ImageSource {
  /** Every image this host can offer, by platform, without building anything. */
  catalog(): readonly { id: ImageId; arch: string; libc: 'glibc' | 'musl' }[];
  /** The image built (or restored) and ready to enter. */
  ensure(id: ImageId): Promise<Image>;
}

export interface RunLoadsOptions {
  driver: LoadDriver;
  images: ImageSource;
  limits?: SandboxLimits;
  /** Loads run at once (default 2). */
  concurrency?: number;
  /** Told of each image being prepared and each load finished. */
  onProgress?(event: { kind: 'image'; id: ImageId } | { kind: 'load'; done: number; total: number; outcome: LoadOutcome }): void;
}

export function imageSummary(m: ImageManifest): LoadImageSummary {
  const { python, java, node } = m.runtimes;
  return {
    id: m.id,
    title: m.title,
    arch: m.arch,
    libc: `${m.libc.kind} ${m.libc.version}`,
    emulated: m.emulated,
    runtimes: [
      ...(python ? [`python ${python.version}`] : []),
      ...(java ? [`java ${java.version}`] : []),
      ...(node ? [`node ${node.version} (NODE_MODULE_VERSION ${node.moduleVersion}, N-API ${node.napi})`] : []),
    ],
  };
}

/** Which runtime a probe uses in an image, for people. */
function runtimeName(p: PlannedLoad, m: ImageManifest): string {
  const { python, java, node } = m.runtimes;
  if (p.probe === 'python' && python) return `python ${python.version}`;
  if (p.probe === 'java' && java) return `java ${java.version}`;
  if (p.probe === 'node' && node && !p.standIn) return `node ${node.version}`;
  if (p.probe === 'node') return `N-API resolution harness (${m.libc.kind} ${m.libc.version}; ${node ? `Node ${node.version} is not one the package admits` : 'no Node in the image'})`;
  return `dlopen (${m.libc.kind} ${m.libc.version})`;
}

function notRunOutcome(p: PlannedLoad, reason: string): LoadOutcome {
  return { ...base(p), runtime: null, status: 'not-run', class: null, reason, output: '', detail: {}, predictedBy: null, surprise: false, durationMs: null };
}

function base(p: PlannedLoad) {
  return { binary: p.binary, binarySha256: p.binarySha256, target: p.target, image: p.image, probe: p.probe };
}

/** A command in the image, with the artifact's layout at /art and the image's probes at /probe. */
async function enter(image: Image, layout: ArtifactLayout, options: RunLoadsOptions, argv: string[], env: Record<string, string>) {
  return options.driver.run({ image, inputs: layout.dir, probes: await probesDir(image.manifest), argv, env, limits: options.limits ?? DEFAULT_LIMITS });
}

/** glibc's dynamic loader per architecture: run on a library with LD_TRACE_LOADED_OBJECTS, it lists every missing version. */
const GLIBC_LOADER: Partial<Record<string, string>> = { x86_64: '/lib64/ld-linux-x86-64.so.2', arm64: '/lib/ld-linux-aarch64.so.1' };

/**
 * glibc stops at the first missing symbol version; its loader in trace mode
 * names them all (as `ldd -r` does), so a report says every version a
 * system lacks, not just the first.
 */
async function missingVersions(image: Image, layout: ArtifactLayout, path: string, options: RunLoadsOptions): Promise<string[]> {
  const ld = GLIBC_LOADER[image.manifest.arch];
  if (image.manifest.libc.kind !== 'glibc' || !ld) return [];
  const res = await enter(image, layout, options, [ld, path], { PATH: '/usr/bin:/bin', LANG: 'C.UTF-8', LD_TRACE_LOADED_OBJECTS: '1', LD_WARN: 'yes' });
  return `${res.stdout}\n${res.stderr}`.split('\n').filter((l) => /version `[^']+' not found/.test(l)).map((l) => l.trim());
}

async function runOne(p: PlannedLoad, image: Image, layout: ArtifactLayout, report: Report, options: RunLoadsOptions): Promise<Omit<LoadOutcome, 'target'>> {
  const m = image.manifest;
  const path = layout.sandboxPath(p.binary);
  if (path === null) return notRunOutcome(p, `${p.binary} is not installed by the artifact's installer, so nothing loads it`);
  // A JNI_OnLoad that looks up its own classes finds them on the class path, as in the application.
  const classPath = report.artifact.kind === 'jar' ? [`${SANDBOX_PATHS.inputs}/jar`] : undefined;
  // A stand-in load goes through the harness, as in an image without Node.
  const runtimes = p.standIn ? { ...m.runtimes, node: null } : m.runtimes;
  const cmd = probeCommand(p.probe, { ...m, runtimes }, { path, module: p.module, siteDir: layout.siteDir ?? undefined, classPath });
  const res = await enter(image, layout, options, cmd.argv, cmd.env);
  const bin = report.binaries.find((b) => b.path === p.binary);
  const said = parseProbeOutput(res.stdout);
  const c = classifyLoad({
    probe: p.probe,
    report: said,
    exitCode: res.exitCode,
    signal: res.signal,
    timedOut: res.timedOut,
    oomKilled: res.oomKilled,
    stdout: res.stdout,
    stderr: res.stderr,
    binaryPath: path,
    binaryArch: bin?.facts[0]?.arch,
    imageArch: m.arch,
    pidsLimitHit: res.pidsLimitHit,
  });
  let output = [res.stderr, res.stdout].filter((x) => x.trim().length > 0).join('\n');
  const detail = { ...c.detail };
  if (c.class === 'symbol-version') {
    const all = await missingVersions(image, layout, path, options);
    if (all.length > 1) {
      output += `\nevery missing version, by the loader in trace mode:\n${all.join('\n')}`;
      detail.versions = [...new Set(all.map((l) => /version `([^']+)'/.exec(l)![1]!))].join(', ');
    }
  }
  return {
    ...base(p),
    runtime: runtimeName(p, m),
    status: c.status,
    class: c.class,
    reason: c.status !== 'passed' ? c.message : said?.partial === 'resolution-only' ? 'every library and symbol resolved (by the N-API harness: the addon\'s init was not run)' : 'loaded',
    output,
    detail,
    predictedBy: null,
    surprise: false,
    durationMs: res.wallMs,
  };
}

/** Runs `fn` over `items` with at most `n` at once, keeping order. */
async function pool<T, R>(items: readonly T[], n: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, lane));
  return out;
}

export async function runLoads(file: string, report: Report, options: RunLoadsOptions): Promise<Loads> {
  const started = performance.now();
  const platforms = new Set(report.targets.filter((t) => t.os === 'linux').map(platformOf));
  const wanted = options.images.catalog().filter((i) => platforms.has(`linux-${i.arch}-${i.libc}`));
  const images = new Map<string, Image>();
  const unavailable: string[] = [];
  for (const w of wanted) {
    options.onProgress?.({ kind: 'image', id: w.id });
    try {
      images.set(w.id, await options.images.ensure(w.id));
    } catch (e) {
      unavailable.push(`${w.id} could not be prepared: ${(e as Error).message}`);
    }
  }
  const manifests = [...images.values()].map((i) => i.manifest);
  const plan = planLoads(report, manifests).map((p) => (p.notRun && p.image === null && unavailable.length > 0 ? { ...p, notRun: `${p.notRun}; ${unavailable.join('; ')}` } : p));

  const toRun = plan.filter((p) => !p.notRun);
  const key = (p: PlannedLoad) => [p.binarySha256, p.binary, p.image, p.probe, p.module ?? '', p.standIn ? 'stand-in' : ''].join('\0');
  const distinct = [...new Map(toRun.map((p) => [key(p), p])).values()];
  const layout = distinct.length > 0 ? await layoutArtifact(file, { fileName: report.artifact.file, npmName: report.npm?.name ?? null }) : null;
  const results = new Map<string, Omit<LoadOutcome, 'target'>>();
  let done = 0;
  try {
    await pool(distinct, options.concurrency ?? 2, async (p) => {
      const r = await runOne(p, images.get(p.image!)!, layout!, report, options);
      results.set(key(p), r);
      options.onProgress?.({ kind: 'load', done: ++done, total: distinct.length, outcome: { ...r, target: p.target } });
    });
  } finally {
    layout?.remove();
  }

  const outcomes = plan.map((p): LoadOutcome => {
    if (p.notRun) return notRunOutcome(p, p.notRun);
    const r = { ...results.get(key(p))!, target: p.target };
    if (r.status === 'passed' || r.status === 'not-run') return r;
    const finding = r.class ? predictingFinding({ binary: r.binary, target: r.target, class: r.class, detail: r.detail }, report.findings) : null;
    return { ...r, predictedBy: finding?.check ?? null, surprise: finding === null };
  });
  return { driver: options.driver.name, images: manifests.map(imageSummary), outcomes, durationMs: performance.now() - started };
}

/** The load section when no load can run at all (no sandbox on this host, the load worker failed): every planned load not-run, with the reason. */
export function notRunLoads(report: Report, driver: string, reason: string): Loads {
  const outcomes = planLoads(report, []).map((p) => notRunOutcome(p, reason));
  return { driver, images: [], outcomes, durationMs: 0 };
}
