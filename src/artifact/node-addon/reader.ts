/**
 * The bare `.node` kind as the audit pipeline sees it (src/artifact/kinds.ts):
 * the file read as a one-entry archive (../archive/single.ts), its facts read
 * as it goes by (the npm kind's scan wrapper), targets from those facts
 * (model.ts). No package.json: the npm layout checks do not apply; the Node
 * addon checks and the platform checks do.
 */
import type { ArtifactReader } from '../kinds.ts';
import { scanSingle } from '../archive/single.ts';
import { NODE_ADDON_DEFINED_SYMBOLS, nodeAddonFacts } from '../../binary/addons/node.ts';
import { recordingNatives } from '../npm/reader.ts';
import { nodeAddonTargets, readNodeAddonModel } from './model.ts';

export const scanNodeAddon = recordingNatives(scanSingle, () => true);

export const nodeAddonReader: ArtifactReader = {
  kind: 'node-addon',
  matches: (fileName) => /\.node$/i.test(fileName),
  scan: scanNodeAddon,
  // Nothing to read as text: the file is the binary.
  keepText: () => false,
  model: (fileName, scan) => ({ kind: 'node-addon', addon: readNodeAddonModel(fileName, scan) }),
  targets: (model) => (model.kind === 'node-addon' ? nodeAddonTargets(model.addon) : []),
  probe: (src, parsed) => ({ node: nodeAddonFacts(src, parsed) }),
  definedSymbols: NODE_ADDON_DEFINED_SYMBOLS,
  summary: () => ({}),
};
