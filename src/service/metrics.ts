/**
 * /metrics in the Prometheus format (prom-client): queue depth per queue and
 * state, audit durations, finished audits by verdict, plus Node's defaults.
 * Queue depth and verdict counts are read from Redis at scrape time, so every
 * API replica reports the same numbers; durations come from the events this
 * replica saw.
 */
import { Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { Queues } from '../queue/queues.ts';
import type { Records } from '../store/records.ts';
import type { EventHub } from './events.ts';

const STATES = ['waiting', 'active', 'delayed', 'prioritized', 'failed', 'completed'] as const;

export function createMetrics(queues: Queues, records: Records, events: EventHub): Registry {
  const register = new Registry();
  collectDefaultMetrics({ register });
  new Gauge({
    name: 'distaudit_queue_jobs',
    help: 'Jobs in each queue, by state.',
    labelNames: ['queue', 'state'],
    registers: [register],
    async collect() {
      for (const q of [queues.inspect, queues.load, queues.notify]) {
        const counts = await q.getJobCounts(...STATES);
        for (const s of STATES) this.set({ queue: q.name, state: s }, counts[s] ?? 0);
      }
    },
  });
  new Gauge({
    name: 'distaudit_audits_finished',
    help: 'Audits finished since the data began, by verdict.',
    labelNames: ['verdict'],
    registers: [register],
    async collect() {
      const counts = await records.verdictCounts();
      for (const v of ['pass', 'warn', 'fail']) this.set({ verdict: v }, counts[v] ?? 0);
    },
  });
  const durations = new Histogram({
    name: 'distaudit_audit_duration_seconds',
    help: 'Time from a worker starting an audit to its report (reused reports count as 0).',
    buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300],
    registers: [register],
  });
  events.onAny((e) => {
    if (e.kind === 'audit' && e.state === 'done' && e.durationMs !== undefined) durations.observe(e.durationMs / 1000);
  });
  return register;
}
