// The whole host <-> environment preview webview contract. Imported by both sides.
// Every string here may come from a config, a route file or the user: the webview shows
// them as text only.

import type { EpisodeView } from '../core/envs/previewEpisode';
export type { EpisodeView, StreetViewView, TranscriptEntry, VariantInfo } from '../core/envs/previewEpisode';
export type { RouteMapView } from '../core/envs/views';

export const PREVIEW_VIEW_TYPE = 'ptlab.preview';

/** What the webview keeps (setState) so a reloaded panel replays the same episode. */
export interface PreviewState {
  configUri: string;
  variantId: string;
  seed: number;
  answers: string[];
}

export type ToPreview = { type: 'episode/set'; view: EpisodeView } | { type: 'error'; message: string };

export type FromPreview =
  | { type: 'ready'; restore?: PreviewState }
  | { type: 'episode/select'; variantId: string; seed: number }
  | { type: 'episode/answer'; text: string }
  | { type: 'episode/restart' };
