/**
 * The audit of a large real wheel (tensorflow-cpu 2.18.0, 230 MB, 990 MB
 * inflated, 70 native binaries, one of them a 633 MB library with 228,000
 * dynamic symbols) beside `auditwheel show` and `unzip -p` on the same file,
 * in the same run. Targets: at least 10× faster than auditwheel show, at most
 * 1.5× the time to inflate the wheel, peak RSS at most 256 MiB.
 */
import { spawnSync } from 'node:child_process';
import { downloadWheel } from '../test/support/pypi.ts';
import { ensureVenv, venvBin } from '../test/support/python-tools.ts';

const WHEEL = {
  project: 'tensorflow-cpu',
  version: '2.18.0',
  filename: 'tensorflow_cpu-2.18.0-cp312-cp312-manylinux_2_17_x86_64.manylinux2014_x86_64.whl',
  sha256: '39bd421ad125e4163d6e2d41ab0e158b583fb5c6f9254522fb87635b0e70b891',
};

function timed(cmd: string, args: string[]): number {
  const t0 = performance.now();
  const r = spawnSync(cmd, args, { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr?.toString().slice(0, 500)}`);
  return performance.now() - t0;
}

export function wheelAudit(): boolean {
  const wheel = downloadWheel(WHEEL, WHEEL.sha256);
  ensureVenv();
  // Warm the page cache so every tool reads the same way.
  timed('cat', [wheel]);

  // Measure what ships: the compiled audit, without a TypeScript loader in the process.
  const build = spawnSync('npm', ['run', '--silent', 'build'], { cwd: new URL('..', import.meta.url).pathname, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`npm run build failed: ${build.stderr || build.stdout}`);
  const ours = spawnSync(process.execPath, [new URL('./audit-one.mjs', import.meta.url).pathname, wheel], { encoding: 'utf8' });
  if (ours.status !== 0) throw new Error(`audit failed: ${ours.stderr}`);
  const o = JSON.parse(ours.stdout.trim().split('\n').pop()!) as { ms: number; maxRssKb: number; verdict: string; binaries: number };
  const unzip = timed('unzip', ['-p', wheel]);
  const auditwheel = timed(venvBin('auditwheel'), ['show', wheel]);

  const rss = o.maxRssKb / 1024;
  console.log(`audit of ${WHEEL.filename} (${o.binaries} native binaries; verdict ${o.verdict})`);
  console.log(`  distaudit audit    ${(o.ms / 1000).toFixed(2)} s   peak RSS ${rss.toFixed(0)} MiB`);
  console.log(`  unzip -p           ${(unzip / 1000).toFixed(2)} s   → distaudit / inflate = ${(o.ms / unzip).toFixed(2)}× (target ≤ 1.5×)`);
  console.log(`  auditwheel show    ${(auditwheel / 1000).toFixed(2)} s   → auditwheel / distaudit = ${(auditwheel / o.ms).toFixed(1)}× faster (target ≥ 10×)`);
  const ok = o.ms <= 1.5 * unzip && auditwheel >= 10 * o.ms && rss <= 256;
  console.log(`  targets ${ok ? 'met' : 'NOT met'} (peak RSS target ≤ 256 MiB)`);
  return ok;
}
