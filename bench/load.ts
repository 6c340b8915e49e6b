/**
 * What a real load costs, per runtime, side by side in one run:
 *
 *   bare    the image's runtime started by chroot into the image (as root,
 *           in a private mount namespace with /proc, /dev, the artifact and
 *           the probes mounted): the runtime's start and the load, nothing else;
 *   driver  the same probe on the same file through the bubblewrap driver
 *           (uid 65534, namespaces, seccomp, cgroup limits, watchdog,
 *           scratch directory): what every load in distaudit pays.
 *
 * Runs alternate (bare, driver, bare, ...) so drift hits both alike; medians
 * and 90th percentiles are printed with the overhead (driver − bare) and the
 * target: at most 100 ms above the bare start. Then, for every cached image,
 * its build time (from its manifest), tarball size and a fresh restore
 * (unpacking the tarball into a temporary directory), timed.
 *
 *   npm run bench -- load [--n=15]
 *
 * Needs root (chroot, bubblewrap as uid 65534) and the Debian amd64 images
 * (built on first use, minutes).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditFile } from '../src/audit/audit.ts';
import { BwrapDriver } from '../src/load/drivers/bwrap.ts';
import { listImages, ensureImage, storeDirs } from '../src/load/images/store.ts';
import { unpackTree } from '../src/load/images/tarball.ts';
import { layoutArtifact } from '../src/load/layout.ts';
import { planLoads } from '../src/load/plan.ts';
import { probeCommand, probesDir } from '../src/load/probes.ts';
import { DEFAULT_LIMITS, SANDBOX_PATHS, type Image, type ImageId, type ProbeKind } from '../src/load/types.ts';
import { loadArtifact, type LoadArtifactName } from '../test/fixtures/load-artifacts.ts';

const TARGET_MS = 100;
const IMAGES: ImageId[] = ['debian-bullseye-amd64', 'debian-bookworm-amd64', 'debian-trixie-amd64'];
/** One clean artifact per runtime; the dlopen probe loads the bundled library of a wheel (what no runtime loads directly). */
const CASES: { probe: ProbeKind; artifact: LoadArtifactName }[] = [
  { probe: 'python', artifact: 'wheel-ok' },
  { probe: 'java', artifact: 'jar-jni-ok' },
  { probe: 'node', artifact: 'node-addon-napi' },
  { probe: 'dlopen', artifact: 'wheel-bundled-dep' },
];

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.9))]!;
const ms = (x: number) => `${x.toFixed(1)} ms`.padStart(9);

const CHROOT = spawnSync('sh', ['-c', 'command -v chroot || echo /usr/sbin/chroot'], { encoding: 'utf8', env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' } }).stdout.trim();

/** The probe run by chroot, with the artifact and probes bound where the sandbox puts them. */
function bare(image: Image, art: string, probes: string, argv: string[], env: Record<string, string>): number {
  // /proc: the JVM finds libjli.so through /proc/self/exe; /dev: runtimes read /dev/urandom.
  const script = `mount -t proc proc "$3/proc" && mount --rbind /dev "$3/dev" && mount --bind "$1" "$3${SANDBOX_PATHS.inputs}" && mount --bind "$2" "$3${SANDBOX_PATHS.probes}" && cd "$3${SANDBOX_PATHS.scratch}" && shift 3 && exec "$CHROOT" "$ROOT" "$@"`;
  const t = performance.now();
  const r = spawnSync('unshare', ['--mount', '--propagation', 'private', 'sh', '-c', script, 'sh', art, probes, image.rootfs, ...argv], {
    env: { ...env, ROOT: image.rootfs, CHROOT },
    encoding: 'utf8',
  });
  const took = performance.now() - t;
  if (r.status !== 0) throw new Error(`bare ${argv.join(' ')} exited ${r.status}: ${r.stderr}${r.stdout}`);
  return took;
}

export async function loadBench(options: { n?: number } = {}): Promise<boolean> {
  if (process.getuid?.() !== 0) {
    console.error('bench load: needs root (chroot for the bare reference, bubblewrap as uid 65534 for the driver)');
    return false;
  }
  const n = options.n ?? 15;
  const driver = new BwrapDriver();
  const ready = await driver.available();
  if (!ready.ok) {
    console.error(`bench load: the bwrap driver cannot run here: ${ready.reason}`);
    return false;
  }
  console.log(`load overhead: bare runtime start (chroot) vs the bwrap driver, ${n} runs each, alternating; target ≤ ${TARGET_MS} ms above bare`);
  console.log(`${'image'.padEnd(24)}${'probe'.padEnd(8)}${'bare p50'.padStart(10)}${'p90'.padStart(10)}${'driver p50'.padStart(12)}${'p90'.padStart(10)}${'overhead'.padStart(11)}  ratio`);
  let ok = true;
  for (const id of IMAGES) {
    const image = await ensureImage(id);
    const probes = await probesDir(image.manifest);
    for (const c of CASES) {
      const a = loadArtifact(c.artifact);
      const report = await auditFile(a.file);
      const planned = planLoads(report, [image.manifest]).find((p) => !p.notRun && p.probe === c.probe);
      if (!planned) throw new Error(`${c.artifact}: nothing to load on ${id}`);
      const layout = await layoutArtifact(a.file, { fileName: report.artifact.file, npmName: report.npm?.name ?? null });
      try {
        const path = layout.sandboxPath(planned.binary)!;
        const classPath = report.artifact.kind === 'jar' ? [`${SANDBOX_PATHS.inputs}/jar`] : undefined;
        const cmd = probeCommand(c.probe, image.manifest, { path, module: planned.module, siteDir: layout.siteDir ?? undefined, classPath });
        const b: number[] = [];
        const d: number[] = [];
        for (let i = 0; i < n; i++) {
          b.push(bare(image, layout.dir, probes, cmd.argv, cmd.env));
          const t = performance.now();
          const r = await driver.run({ image, inputs: layout.dir, probes, argv: cmd.argv, env: cmd.env, limits: DEFAULT_LIMITS });
          d.push(performance.now() - t);
          if (r.exitCode !== 0) throw new Error(`driver ${cmd.argv.join(' ')} exited ${r.exitCode ?? r.signal}: ${r.stderr}`);
        }
        const over = median(d) - median(b);
        ok &&= over <= TARGET_MS;
        console.log(`${id.padEnd(24)}${c.probe.padEnd(8)}${ms(median(b))} ${ms(p90(b))} ${ms(median(d)).padStart(11)} ${ms(p90(d))} ${ms(over).padStart(10)}  ${(median(d) / median(b)).toFixed(2)}×${over > TARGET_MS ? '  OVER TARGET' : ''}`);
      } finally {
        layout.remove();
      }
    }
  }

  console.log('\nimages: build (from the manifest), tarball, a fresh restore (zstd -d | tar -x into a temporary directory)');
  console.log(`${'image'.padEnd(24)}${'build'.padStart(9)}${'tarball'.padStart(10)}${'unpacked'.padStart(10)}${'restore'.padStart(10)}`);
  for (const m of listImages()) {
    const tarball = join(storeDirs().images, `${m.id}.tar.zst`);
    const dest = mkdtempSync(join(tmpdir(), 'bench-restore-'));
    try {
      const t = performance.now();
      await unpackTree(tarball, dest);
      const restore = (performance.now() - t) / 1000;
      const mb = (x: number) => `${(x / 1e6).toFixed(0)} MB`.padStart(10);
      console.log(`${m.id.padEnd(24)}${`${m.buildSeconds.toFixed(0)} s`.padStart(9)}${mb(statSync(tarball).size)}${mb(m.size)}${`${restore.toFixed(2)} s`.padStart(10)}`);
    } finally {
      rmSync(dest, { recursive: true, force: true });
    }
  }
  return ok;
}
