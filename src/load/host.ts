/**
 * The loads this host can run, as configured: the driver (bubblewrap by
 * default, Docker on hosts that run containers), the images, the limits.
 * Used by `distaudit audit --load`, the load worker and `serve`.
 *
 * A host that cannot run loads (no bubblewrap, no user namespaces, no Docker
 * engine) still answers: every planned load is not-run with the driver's own
 * reason, never passed.
 */
import type { Report } from '../report/schema.ts';
import { BwrapDriver } from './drivers/bwrap.ts';
import { DockerDriver } from './drivers/docker.ts';
import { CATALOG } from './images/catalog.ts';
import { ensureImage } from './images/store.ts';
import { notRunLoads, runLoads, type ImageSource, type RunLoadsOptions } from './run.ts';
import type { Loads } from './schema.ts';
import { DEFAULT_LIMITS, type ImageId, type SandboxLimits } from './types.ts';

export interface LoadSettings {
  driver: 'bwrap' | 'docker';
  /** The images loads may use; null: every image in the catalog. */
  images: ImageId[] | null;
  limits: SandboxLimits;
  /** Loads run at once. */
  concurrency: number;
}

export const DEFAULT_LOAD_SETTINGS: LoadSettings = { driver: 'bwrap', images: null, limits: DEFAULT_LIMITS, concurrency: 2 };

export function hostImages(only: ImageId[] | null, onImageProgress?: (id: ImageId, stage: string) => void): ImageSource {
  return {
    catalog: () =>
      Object.values(CATALOG)
        .filter((r) => only === null || only.includes(r.id))
        .map((r) => ({ id: r.id, arch: r.arch, libc: r.build.kind === 'musl' ? 'musl' : 'glibc' })),
    // Each stage is told when it starts (no detail) and when it ends (its time and sizes): the start is the line people watch.
    ensure: (id) => ensureImage(id, { onProgress: onImageProgress && ((stage: string, detail: string) => onImageProgress(id, detail ? `${stage}… ${detail}` : `${stage}…`)) }),
  };
}

export interface HostLoader {
  readonly driver: string;
  run(file: string, report: Report, onProgress?: RunLoadsOptions['onProgress'], onImageProgress?: (id: ImageId, stage: string) => void): Promise<Loads>;
}

export function hostLoader(settings: LoadSettings = DEFAULT_LOAD_SETTINGS): HostLoader {
  const driver = settings.driver === 'docker' ? new DockerDriver() : new BwrapDriver();
  let availability: ReturnType<typeof driver.available> | null = null;
  return {
    driver: driver.name,
    async run(file, report, onProgress, onImageProgress) {
      const ready = await (availability ??= driver.available());
      if (!ready.ok) return notRunLoads(report, driver.name, `the ${driver.name} load driver cannot run on this host: ${ready.reason}`);
      return runLoads(file, report, { driver, images: hostImages(settings.images, onImageProgress), limits: settings.limits, concurrency: settings.concurrency, onProgress });
    },
  };
}
