/**
 * A Server-Sent Events stream of one audit's or release's changes: the
 * current state first (`state`), then every change (`progress`), and the
 * final state (`done`), after which the stream ends. A comment line every 15 s keeps proxies from closing it.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import { TERMINAL, type AuditEvent } from '../store/records.ts';
import type { EventHub } from './events.ts';

export async function streamEvents(req: FastifyRequest, reply: FastifyReply, hub: EventHub, id: string, snapshot: () => Promise<object & { state: string }>): Promise<void> {
  reply.hijack();
  const raw = reply.raw;
  raw.writeHead(200, {
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache, no-transform',
    connection: 'keep-alive',
    'x-accel-buffering': 'no',
    'x-request-id': String(req.id),
  });
  let closed = false;
  const send = (event: string, data: object) => {
    if (!closed) raw.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
  };
  const end = () => {
    if (closed) return;
    closed = true;
    off();
    clearInterval(heartbeat);
    raw.end();
  };
  // Subscribe before reading the snapshot, so no change falls between the two.
  const buffered: AuditEvent[] = [];
  let live = false;
  const off = hub.on(id, (e) => {
    if (!live) buffered.push(e);
    else onEvent(e);
  });
  const onEvent = async (e: AuditEvent) => {
    if (TERMINAL.has(e.state)) {
      send('done', await snapshot());
      end();
    } else send('progress', e);
  };
  const heartbeat = setInterval(() => !closed && raw.write(': keep-alive\n\n'), 15_000);
  req.raw.on('close', end);
  const first = await snapshot();
  send('state', first);
  // Every stream ends with `done`, also one opened after the end.
  if (TERMINAL.has(first.state)) {
    send('done', first);
    return end();
  }
  live = true;
  for (const e of buffered) await onEvent(e);
}
