/**
 * Live audit and release events for Server-Sent Events streams and metrics:
 * one Redis subscription per API process, fanned out to the listeners of
 * each id. Workers publish on every change (store/records.ts).
 */
import type { Redis } from 'ioredis';
import { EVENTS_CHANNEL, type AuditEvent } from '../store/records.ts';

type Listener = (e: AuditEvent) => void;

export class EventHub {
  private readonly byId = new Map<string, Set<Listener>>();
  private readonly all = new Set<Listener>();

  private constructor(private readonly sub: Redis) {
    sub.on('message', (_channel: string, message: string) => {
      let e: AuditEvent;
      try {
        e = JSON.parse(message) as AuditEvent;
      } catch {
        return;
      }
      for (const l of this.all) l(e);
      for (const l of this.byId.get(e.id) ?? []) l(e);
    });
  }

  static async open(sub: Redis): Promise<EventHub> {
    await sub.subscribe(EVENTS_CHANNEL);
    return new EventHub(sub);
  }

  /** Listens to one audit's or release's events; returns the unsubscribe function. */
  on(id: string, l: Listener): () => void {
    const set = this.byId.get(id) ?? new Set();
    set.add(l);
    this.byId.set(id, set);
    return () => {
      set.delete(l);
      if (set.size === 0) this.byId.delete(id);
    };
  }

  onAny(l: Listener): () => void {
    this.all.add(l);
    return () => this.all.delete(l);
  }

  async close(): Promise<void> {
    this.sub.disconnect();
  }
}
