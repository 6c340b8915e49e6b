/**
 * What the Node addon fuzz test mutates: parsing and the addon analysis
 * together, as the audit runs them (loaded by URL inside the fuzz worker).
 */
import { parseBinary } from '../../src/binary/index.ts';
import type { ByteSource } from '../../src/binary/source.ts';
import { nodeAddonFacts, type NodeAddonFacts } from '../../src/binary/addons/node.ts';

export function parseAndAnalyse(src: ByteSource): NodeAddonFacts | null {
  const bin = parseBinary(src);
  return bin ? nodeAddonFacts(src, bin) : null;
}
