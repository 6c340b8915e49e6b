/**
 * What an artifact is, by kind: the model its kind-specific reader built from
 * the archive (names, metadata, claims). Rules narrow on `kind`.
 */
import type { JarModel } from './jar/model.ts';
import type { NodeAddonModel } from './node-addon/model.ts';
import type { NpmModel } from './npm/model.ts';
import type { WheelModel } from './wheel/model.ts';

export type ArtifactModel =
  | { kind: 'wheel'; wheel: WheelModel }
  | { kind: 'jar'; jar: JarModel }
  | { kind: 'npm'; npm: NpmModel }
  | { kind: 'node-addon'; addon: NodeAddonModel };
