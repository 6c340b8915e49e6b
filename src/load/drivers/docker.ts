/**
 * The Docker load driver, for hosts that run containers rather than user
 * namespaces: the same request, the same read-only root filesystem (imported
 * once as a Docker image), the same limits, enforced by the engine.
 *
 *   docker run --name <run> --init --network none --read-only --cap-drop ALL
 *     --security-opt no-new-privileges --user 65534:65534
 *     --memory <bytes> --memory-swap <bytes> --pids-limit <n> --ulimit core=0 …
 *     --platform linux/<arch> --hostname sandbox --tmpfs /tmp
 *     -v <inputs>:/art:ro -v <probes>:/probe:ro -v <scratch>:/scratch --workdir /scratch
 *     --env K=V… distaudit/<image id>:<manifest hash> <argv>
 *
 * Differences from bwrap, said rather than hidden:
 * - no --rm: the container is inspected after it exits (State.OOMKilled) and
 *   then removed with `docker rm -f`;
 * - pidsLimitHit is always false: the engine does not report refused forks;
 * - Docker adds HOSTNAME (and PATH, HOME when the request has none) to req.env;
 * - the engine must be local: the bind mounts are host paths.
 *
 * The image is `tar -C <rootfs> -c . | docker import - distaudit/<id>:<hash>`,
 * once per manifest (the hash is the manifest's, so a rebuilt image is
 * imported again).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { SANDBOX_PATHS, type Image, type LoadDriver, type SandboxRequest, type SandboxResult } from '../types.ts';
import { CappedOutput, checkRequest, findOnPath, makeScratch, removeScratch, SANDBOX_GID, SANDBOX_UID, statusFromExit } from './driver.ts';

const TMP_BYTES = 64 * 1024 * 1024;
const FSIZE_BYTES = 256 * 1024 * 1024;
const NOFILE = 1024;

/** The Docker image a distaudit image is imported as. */
export function dockerImageTag(image: Image): string {
  const hash = createHash('sha256').update(JSON.stringify(image.manifest)).digest('hex').slice(0, 12);
  return `distaudit/${image.manifest.id}:${hash}`;
}

export function dockerPlatform(image: Image): string {
  return image.manifest.arch === 'arm64' ? 'linux/arm64' : 'linux/amd64';
}

/** `docker run` arguments (after `docker`) of one run. Bind paths cannot hold ':' (docker -v splits on it). */
export function dockerRunArgs(req: SandboxRequest, scratch: string, container: string): string[] {
  for (const p of [req.inputs, req.probes, scratch]) if (p.includes(':')) throw new Error(`docker driver: cannot bind a path with ':' (${p})`);
  return [
    'run', '--name', container, '--init',
    '--network', 'none', '--read-only', '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges',
    '--user', `${SANDBOX_UID}:${SANDBOX_GID}`,
    '--memory', String(req.limits.memoryBytes), '--memory-swap', String(req.limits.memoryBytes),
    '--pids-limit', String(req.limits.pids),
    '--ulimit', 'core=0', '--ulimit', `nofile=${NOFILE}:${NOFILE}`, '--ulimit', `fsize=${FSIZE_BYTES}:${FSIZE_BYTES}`,
    '--platform', dockerPlatform(req.image), '--hostname', 'sandbox',
    '--tmpfs', `/tmp:rw,nosuid,nodev,size=${TMP_BYTES},mode=1777`,
    '-v', `${req.inputs}:${SANDBOX_PATHS.inputs}:ro`,
    '-v', `${req.probes}:${SANDBOX_PATHS.probes}:ro`,
    '-v', `${scratch}:${SANDBOX_PATHS.scratch}`,
    '--workdir', SANDBOX_PATHS.scratch,
    ...Object.entries(req.env).flatMap(([k, v]) => ['--env', `${k}=${v}`]),
    dockerImageTag(req.image), ...req.argv,
  ]; // prettier-ignore
}

/** The docker CLI's own settings (DOCKER_HOST, DOCKER_CONFIG, ...) are the user's; only the locale is ours. */
const DOCKER_ENV = { ...process.env, LC_ALL: 'C' };

/** Runs a docker subcommand to its end; stdout and stderr are returned. */
function docker(args: string[], timeoutMs = 60_000): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve) => {
    const child = spawn('docker', args, { stdio: ['ignore', 'pipe', 'pipe'], env: DOCKER_ENV, timeout: timeoutMs });
    let out = '';
    let err = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', (e) => resolve({ code: null, out, err: e.message }));
    child.on('close', (code) => resolve({ code, out, err }));
  });
}

let runCounter = 0;

export class DockerDriver implements LoadDriver {
  readonly name = 'docker' as const;
  private availability: Promise<{ ok: true } | { ok: false; reason: string }> | null = null;
  private readonly imported = new Map<string, Promise<void>>();

  available(): Promise<{ ok: true } | { ok: false; reason: string }> {
    return (this.availability ??= (async () => {
      if (!findOnPath('docker')) return { ok: false, reason: 'the docker CLI is not installed (https://docs.docker.com/engine/install/)' } as const;
      const r = await docker(['info', '--format', '{{.ServerVersion}}'], 20_000);
      if (r.code !== 0 || !r.out.trim()) {
        return { ok: false, reason: `no Docker engine is reachable: ${(r.err || r.out).trim() || `docker info exited ${r.code}`}` } as const;
      }
      return { ok: true } as const;
    })());
  }

  /** Imports the image's root filesystem once per manifest. */
  private ensureImported(image: Image): Promise<void> {
    const tag = dockerImageTag(image);
    let p = this.imported.get(tag);
    if (!p) {
      p = (async () => {
        if ((await docker(['image', 'inspect', tag])).code === 0) return;
        await importRootfs(image.rootfs, tag, dockerPlatform(image));
      })();
      p.catch(() => this.imported.delete(tag));
      this.imported.set(tag, p);
    }
    return p;
  }

  async run(req: SandboxRequest): Promise<SandboxResult> {
    checkRequest(req);
    const ready = await this.available();
    if (!ready.ok) throw new Error(`docker driver: ${ready.reason}`);
    await this.ensureImported(req.image);
    const scratch = makeScratch();
    // Unique across processes and hosts sharing one engine.
    const container = `distaudit-load-${process.pid}-${++runCounter}-${randomBytes(4).toString('hex')}`;
    try {
      return await runContainer(req, scratch, container);
    } finally {
      await docker(['rm', '-f', container]);
      await removeScratch(scratch);
    }
  }
}

function importRootfs(rootfs: string, tag: string, platform: string): Promise<void> {
  const tar = spawn('tar', ['--numeric-owner', '-C', rootfs, '-c', '.'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const imp = spawn('docker', ['import', '--platform', platform, '-', tag], { stdio: ['pipe', 'ignore', 'pipe'], env: DOCKER_ENV });
  tar.stdout!.pipe(imp.stdin!);
  let err = '';
  const ended = (child: ChildProcess) =>
    new Promise<number | null>((resolve) => {
      child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
      child.on('error', (e) => ((err += e.message), resolve(null)));
      child.on('close', resolve);
    });
  // Both must succeed: docker would import whatever part of the stream a failing tar wrote.
  return Promise.all([ended(tar), ended(imp)]).then(async ([tarCode, impCode]) => {
    if (tarCode === 0 && impCode === 0) return;
    if (impCode === 0) await docker(['image', 'rm', tag]);
    throw new Error(`importing ${rootfs} as ${tag} failed (tar ${tarCode}, docker import ${impCode}): ${err.trim()}`);
  });
}

function runContainer(req: SandboxRequest, scratch: string, container: string): Promise<SandboxResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const stdout = new CappedOutput();
    const stderr = new CappedOutput();
    let timedOut = false;
    const child = spawn('docker', dockerRunArgs(req, scratch, container), { stdio: ['ignore', 'pipe', 'pipe'], env: DOCKER_ENV });
    child.stdout!.on('data', (c: Buffer) => stdout.push(c));
    child.stderr!.on('data', (c: Buffer) => stderr.push(c));
    const watchdog = setTimeout(() => {
      timedOut = true;
      void docker(['kill', container]);
    }, req.limits.timeoutMs);
    child.on('error', (e) => {
      clearTimeout(watchdog);
      reject(new Error(`cannot start docker: ${e.message}`, { cause: e }));
    });
    child.on('close', (code, signal) => {
      clearTimeout(watchdog);
      const wallMs = Math.round(performance.now() - started);
      void (async () => {
        const state = await docker(['inspect', '--format', '{{.State.OOMKilled}} {{.State.ExitCode}}', container]);
        // 125-127 from docker itself: the container never started.
        if (state.code !== 0) return reject(new Error(`docker run failed (status ${code ?? signal}): ${stderr.text().trim()}`));
        const [oom, exit] = state.out.trim().split(' ');
        resolve({ ...statusFromExit(Number(exit), null), timedOut, oomKilled: oom === 'true', pidsLimitHit: false, stdout: stdout.text(), stderr: stderr.text(), wallMs });
      })();
    });
  });
}
