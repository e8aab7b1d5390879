// The whole host <-> environment preview webview contract. Imported by both sides.
// Every string here may come from a config, a route file or the user: the webview shows
// them as text only.

export const PREVIEW_VIEW_TYPE = 'ptlab.preview';

/** One variant of the config: the training environment or an evaluation split. */
export interface VariantInfo {
  id: string;
  /** e.g. "training", "ood-rule". */
  name: string;
  kind: 'train' | 'id' | 'rule-ood' | 'visual-ood';
  /** The paper's task name of this variant: GP-L, GP-VL, V-IRL-L, V-IRL-VL. */
  task: string;
  /** The split's overrides as `key: value` lines (empty for the training variant). */
  overrides: string[];
  recognition: boolean;
  /** The seed of the split's first evaluation episode (evaluation.seed), or the experiment's seed. */
  firstSeed: number;
}

export type TranscriptEntry =
  | { kind: 'prompt'; text: string; newChat: boolean; position?: number }
  | { kind: 'answer'; text: string }
  | { kind: 'verdict'; attempt: number; reward: number; message: string; failureMode: string | null; correct: boolean; done: boolean; success: boolean };

/** The V-IRL route drawn from its milestones (metres east and south of the start). */
export interface RouteMapView {
  start: string;
  destination: string;
  /** Start, each intersection, destination. */
  intersections: { x: number; y: number; landmarks: string }[];
  /** Each rail position (where the agent stands when asked). */
  rail: { x: number; y: number; heading: number; action: string; observation: string }[];
  /** The agent's rail position now (rail.length - 1 when finished). */
  agent: number;
}

export interface StreetViewView {
  /** What the prompt says the model observes at this position. */
  observation: string;
  /** The descriptor the trainer renders the grid from. */
  city: string;
  routeId: string;
  position: number;
  heading: number;
  landmark: string;
  atIntersection: boolean;
  /** A PNG data URI when the Python trainer rendered the grid. */
  image?: string;
  /** Why there is no image, or where it came from. */
  note: string;
}

export interface EpisodeView {
  /** The config file's URI (what a restored panel reopens) and its workspace-relative path. */
  configUri: string;
  configPath: string;
  experiment: string;
  variants: VariantInfo[];
  variantId: string;
  seed: number;
  env: 'generalpoints' | 'virl';
  modality: 'language' | 'vision';
  verifier: 'reference' | 'strict';
  maxVerify: number;
  /** The current chat's opening prompt, exactly as the model gets it. */
  prompt: string;
  transcript: TranscriptEntry[];
  done: boolean;
  success: boolean;
  /** Attempts left (at this position for V-IRL). */
  attemptsLeft: number;
  attemptsNote: string;
  /** What the expert answers now; undefined when the episode is over. */
  expertAnswer?: string;
  generalPoints?: {
    cards: string[];
    suits: string[];
    values: number[];
    /** The card image (an SVG data URI) for the vision variant. */
    cardImage?: string;
    /** Every solution of the complete solver (all five expression shapes). */
    solutions: string[];
    /** How many the verifier's own enumeration finds (reference: the authors' solver). */
    verifierSolutions: number;
  };
  virl?: {
    routeId: string;
    city: string;
    position: number;
    railLength: number;
    instruction: string[];
    map: RouteMapView;
    streetView?: StreetViewView;
  };
}

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
