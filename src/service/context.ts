/** What every route plugin works with. */
import type { Redis } from 'ioredis';
import type { Queues } from '../queue/queues.ts';
import type { BlobStore } from '../store/blobs.ts';
import type { Records } from '../store/records.ts';
import type { ServiceConfig } from './config.ts';
import type { EventHub } from './events.ts';

export interface ServiceContext {
  config: ServiceConfig;
  redis: Redis;
  records: Records;
  blobs: BlobStore;
  queues: Queues;
  events: EventHub;
}
