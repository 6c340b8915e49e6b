/**
 * The service's settings, from the environment (twelve-factor style), with
 * defaults that make `distaudit serve` work on one machine with nothing set.
 * docs/service.md lists them.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_THREAD_LIMITS, type ThreadLimits } from '../jobs/audit-thread.ts';
import { DEFAULT_TUNING, type WorkerTuning } from '../jobs/inspect.ts';
import { DEFAULT_LOAD_SETTINGS, type LoadSettings } from '../load/host.ts';
import { IMAGE_IDS, isImageId } from '../load/images/catalog.ts';
import type { ImageId } from '../load/types.ts';

export interface ServiceConfig {
  host: string;
  port: number;
  /** Blobs, the embedded Redis's data and the generated tokens live here. */
  dataDir: string;
  /** An external Redis; null starts the embedded one. */
  redisUrl: string | null;
  /** The URL clients reach the service at (links in callbacks and answers); derived from host and port when unset. */
  publicUrl: string;
  maxUploadBytes: number;
  maxFilesPerUpload: number;
  /** Largest webhook body (artifacts inline, base64). */
  maxWebhookBytes: number;
  /** A webhook's timestamp may be this far from the server's clock. */
  webhookWindowSeconds: number;
  /** Origins every project may name artifact URLs on (each project adds its own). */
  fetchAllowedOrigins: string[];
  fetchTimeoutMs: number;
  /** Guards /v1/projects; null: no project administration over HTTP (the embedded default writes one to the data dir). */
  adminToken: string | null;
  /** Requests per minute per token (or address, unauthenticated). */
  rateLimitPerMinute: number;
  audit: ThreadLimits;
  /** Run the workers in the API process (the embedded default). */
  inProcessWorkers: boolean;
  /** Real loads after the static audit; null: off (audits end with their static report). */
  loads: LoadSettings | null;
}

function num(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const v = env[name];
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, not ${JSON.stringify(v)}`);
  return n;
}

function loadSettings(env: NodeJS.ProcessEnv): LoadSettings | null {
  const onOff = (env.DISTAUDIT_LOADS ?? 'on').toLowerCase();
  if (onOff === 'off') return null;
  if (onOff !== 'on') throw new Error(`DISTAUDIT_LOADS must be on or off, not ${JSON.stringify(env.DISTAUDIT_LOADS)}`);
  const driver = env.DISTAUDIT_LOAD_DRIVER ?? DEFAULT_LOAD_SETTINGS.driver;
  if (driver !== 'bwrap' && driver !== 'docker') throw new Error(`DISTAUDIT_LOAD_DRIVER must be bwrap or docker, not ${JSON.stringify(driver)}`);
  const images = env.DISTAUDIT_LOAD_IMAGES ? env.DISTAUDIT_LOAD_IMAGES.split(',').map((s) => s.trim()).filter(Boolean) : null;
  const unknown = images?.filter((i) => !isImageId(i)) ?? [];
  if (unknown.length > 0) throw new Error(`DISTAUDIT_LOAD_IMAGES names unknown images: ${unknown.join(', ')} (known: ${IMAGE_IDS.join(', ')})`);
  const d = DEFAULT_LOAD_SETTINGS;
  return {
    driver,
    images: images as ImageId[] | null,
    limits: {
      timeoutMs: num(env, 'DISTAUDIT_LOAD_TIMEOUT_S', d.limits.timeoutMs / 1000) * 1000,
      memoryBytes: num(env, 'DISTAUDIT_LOAD_MEMORY_MB', d.limits.memoryBytes / MB) * MB,
      pids: num(env, 'DISTAUDIT_LOAD_PIDS', d.limits.pids),
    },
    concurrency: num(env, 'DISTAUDIT_LOAD_CONCURRENCY', d.concurrency),
  };
}

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.DISTAUDIT_DATA) return env.DISTAUDIT_DATA;
  const xdg = env.XDG_DATA_HOME;
  return join(xdg && xdg.length > 0 ? xdg : join(homedir(), '.local', 'share'), 'distaudit');
}

const MB = 1024 * 1024;

export function configFromEnv(env: NodeJS.ProcessEnv = process.env, overrides: Partial<ServiceConfig> = {}): ServiceConfig {
  const host = overrides.host ?? env.DISTAUDIT_HOST ?? '127.0.0.1';
  const port = overrides.port ?? num(env, 'DISTAUDIT_PORT', 8080);
  const redisUrl = overrides.redisUrl !== undefined ? overrides.redisUrl : env.REDIS_URL || null;
  return {
    host,
    port,
    dataDir: defaultDataDir(env),
    redisUrl,
    publicUrl: env.DISTAUDIT_PUBLIC_URL ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    maxUploadBytes: num(env, 'DISTAUDIT_MAX_UPLOAD_MB', 1024) * MB,
    maxFilesPerUpload: num(env, 'DISTAUDIT_MAX_FILES', 64),
    maxWebhookBytes: num(env, 'DISTAUDIT_MAX_WEBHOOK_MB', 64) * MB,
    webhookWindowSeconds: num(env, 'DISTAUDIT_WEBHOOK_WINDOW_S', 300),
    fetchAllowedOrigins: (env.DISTAUDIT_FETCH_ALLOW ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    fetchTimeoutMs: num(env, 'DISTAUDIT_FETCH_TIMEOUT_S', 300) * 1000,
    adminToken: env.DISTAUDIT_ADMIN_TOKEN || null,
    rateLimitPerMinute: num(env, 'DISTAUDIT_RATE_LIMIT', 600),
    audit: {
      memoryMb: num(env, 'DISTAUDIT_AUDIT_MEMORY_MB', DEFAULT_THREAD_LIMITS.memoryMb),
      timeoutMs: num(env, 'DISTAUDIT_AUDIT_TIMEOUT_S', DEFAULT_THREAD_LIMITS.timeoutMs / 1000) * 1000,
    },
    inProcessWorkers: redisUrl === null,
    loads: loadSettings(env),
    ...overrides,
  };
}

/** Worker settings: concurrency, and how soon a dead worker's jobs are taken back (lock duration). */
export function tuningFromEnv(env: NodeJS.ProcessEnv = process.env): WorkerTuning & { graceMs: number } {
  return {
    concurrency: num(env, 'DISTAUDIT_WORKER_CONCURRENCY', DEFAULT_TUNING.concurrency),
    lockDurationMs: num(env, 'DISTAUDIT_LOCK_S', DEFAULT_TUNING.lockDurationMs / 1000) * 1000,
    stalledIntervalMs: num(env, 'DISTAUDIT_STALLED_CHECK_S', DEFAULT_TUNING.stalledIntervalMs / 1000) * 1000,
    graceMs: num(env, 'DISTAUDIT_SHUTDOWN_GRACE_S', 30) * 1000,
  };
}
