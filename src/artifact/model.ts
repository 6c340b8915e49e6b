/**
 * What an artifact is, by kind: the model its kind-specific reader built from
 * the archive (names, metadata, claims). Rules narrow on `kind`.
 */
import type { WheelModel } from './wheel/model.ts';

export type ArtifactModel = { kind: 'wheel'; wheel: WheelModel };
