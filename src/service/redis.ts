/**
 * Redis connections, and the embedded default: with no REDIS_URL,
 * `distaudit serve` starts a private redis-server (from PATH) on a unix
 * socket under the data dir, with append-only persistence fsynced on every
 * write, so an accepted audit survives a crash of either process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Redis, type RedisOptions } from 'ioredis';

/** Where Redis is: a URL ('redis://host:6379/0', 'rediss://…') or a unix socket path. */
export type RedisTarget = { url: string } | { path: string };

/** REDIS_URL as a target: a redis(s):// URL, or a unix socket as unix:///path or a plain absolute path. */
export function redisTarget(url: string): RedisTarget {
  if (url.startsWith('unix://')) return { path: new URL(url).pathname };
  if (url.startsWith('/')) return { path: url };
  return { url };
}

/** A new connection; BullMQ's workers need `maxRetriesPerRequest: null` (they block), so every connection has it. */
export function connectRedis(target: RedisTarget, extra: RedisOptions = {}): Redis {
  const options: RedisOptions = { maxRetriesPerRequest: null, enableReadyCheck: true, ...extra };
  const redis = 'url' in target ? new Redis(target.url, options) : new Redis({ path: target.path, ...options });
  // ioredis reconnects by itself; without a listener it would also print every failed attempt.
  redis.on('error', () => {});
  return redis;
}

export interface EmbeddedRedis {
  target: { path: string };
  process: ChildProcess;
  stop(): Promise<void>;
}

async function pings(path: string): Promise<boolean> {
  const r = new Redis({ path, lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on('error', () => {});
  try {
    await r.connect();
    return (await r.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    r.disconnect();
  }
}

export class RedisNotFound extends Error {}

/** Starts redis-server with its data in `dir`; resolves once it answers PING. */
export async function startEmbeddedRedis(dir: string, options: { timeoutMs?: number } = {}): Promise<EmbeddedRedis> {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const socket = join(dir, 'redis.sock');
  if (existsSync(socket)) {
    if (await pings(socket)) throw new Error(`a Redis server already answers on ${socket}: is another distaudit serve using this data directory?`);
    rmSync(socket, { force: true });
  }
  const args = [
    '--port', '0',
    '--unixsocket', socket,
    '--unixsocketperm', '700',
    '--dir', dir,
    '--appendonly', 'yes',
    '--appendfsync', 'always',
    '--save', '',
    '--daemonize', 'no',
    '--logfile', join(dir, 'redis.log'),
  ];
  const child = spawn('redis-server', args, { stdio: 'ignore' });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  const deadline = Date.now() + (options.timeoutMs ?? 15_000);
  for (;;) {
    const e = await Promise.race([spawnError, new Promise<null>((r) => setTimeout(() => r(null), 50))]);
    if (e) {
      throw (e as NodeJS.ErrnoException).code === 'ENOENT'
        ? new RedisNotFound('redis-server is not on PATH: install it (Debian: apt-get install redis-server) or point REDIS_URL at a Redis server')
        : e;
    }
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}; see ${join(dir, 'redis.log')}`);
    if (existsSync(socket) && (await pings(socket))) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`redis-server did not answer on ${socket} within the time limit; see ${join(dir, 'redis.log')}`);
    }
  }
  return {
    target: { path: socket },
    process: child,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await exited;
    },
  };
}
