// The environment preview's model: the config's variants and one hand-played episode of
// one of them, through the TypeScript environments (src/core/envs). Pure: no vscode, no DOM;
// route files come through the loader the host passes in.
import type { ExperimentConfig } from '../contracts/generated/types';
import { renderHandSvg } from './cards';
import {
  completeSolutions,
  EnvConfigError,
  expertResponse as generalPointsExpert,
  GeneralPointsEpisode,
  generalPointsConfig,
  type GeneralPointsConfig,
  type Step,
} from './generalpoints';
import { loadRoutes, routeMap, svgDataUri, taskName, type RouteMapView } from './views';
import type { RouteFileLoader } from './server';
import {
  expertResponse as virlExpert,
  instructionSentences,
  VirlEpisode,
  type StreetViewDescriptor,
  virlConfig,
  type VirlStep,
} from './virl';

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
  /** V-IRL: the split plays route i at seed firstSeed + i, each route once, as `ptlab eval` does. */
  eachRouteOnce: boolean;
  /** The seed of the split's first evaluation episode (evaluation.seed), or the experiment's seed. */
  firstSeed: number;
}

export type TranscriptEntry =
  | { kind: 'prompt'; text: string; newChat: boolean; position?: number }
  | { kind: 'answer'; text: string }
  | { kind: 'verdict'; attempt: number; reward: number; message: string; failureMode: string | null; correct: boolean; done: boolean; success: boolean };

export interface StreetViewView {
  /** What the prompt says the model observes at this position. */
  observation: string;
  /** The descriptor the trainer renders the grid from. */
  city: string;
  routeId: string;
  position: number;
  /** The place on the route's full rail: names the panorama. */
  place: number;
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

export interface Variant extends VariantInfo {
  /** The training environment with the split's overrides applied (as the trainer does). */
  environment: Record<string, unknown>;
}

/** The training variant, then each evaluation split, in the config's order. */
export function previewVariants(experiment: ExperimentConfig): Variant[] {
  const base = experiment.environment as unknown as Record<string, unknown>;
  const variants: Variant[] = [
    { id: 'train', name: 'training', kind: 'train', task: taskName(base), overrides: [], recognition: false, eachRouteOnce: false, firstSeed: experiment.seed ?? 0, environment: base },
  ];
  for (const split of experiment.evaluation?.splits ?? []) {
    const overrides = (split.overrides ?? {}) as Record<string, unknown>;
    const environment = { ...base, ...overrides };
    variants.push({
      id: `split:${split.name}`,
      name: split.name,
      kind: split.kind,
      task: taskName(environment),
      overrides: Object.entries(overrides).map(([k, v]) => `${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`),
      recognition: split.recognition ?? false,
      eachRouteOnce: split.eachRouteOnce ?? false,
      firstSeed: experiment.evaluation?.seed ?? 1234,
      environment,
    });
  }
  return variants;
}

/** eachRouteOnce: the route evaluation's episode at this seed plays (episode i, seed firstSeed + i, route i). */
function evaluationRoute(variant: Variant, seed: number, routes: number): number {
  const episode = (seed - variant.firstSeed) >>> 0;
  if (episode >= routes) {
    const last = (variant.firstSeed + routes - 1) >>> 0;
    throw new EnvConfigError(`split ${variant.name} runs each of its ${routes} routes once, at seeds ${variant.firstSeed} to ${last}: seed ${seed} is none of its episodes`);
  }
  return episode;
}

/** A split's training rule, against which its answers are rule collapse, as the evaluations judge
 * them (undefined: the variant's own, the training variant's). */
function trainingFaceCards(source: PreviewSource, variant: Variant): GeneralPointsConfig['faceCards'] | undefined {
  const training = source.variants.find((v) => v.kind === 'train');
  return variant.kind !== 'train' && training ? generalPointsConfig(training.environment).faceCards : undefined;
}

// ---------------------------------------------------------------------------- one episode

export interface PreviewSource {
  configUri: string;
  configPath: string;
  experiment: string;
  variants: Variant[];
}

/** One episode of one variant, played by hand: each answer is a step of the environment. */
export class PreviewEpisode {
  readonly variant: Variant;
  private readonly episode: GeneralPointsEpisode | VirlEpisode;
  readonly answers: string[] = [];
  private readonly transcript: TranscriptEntry[] = [];

  constructor(
    private readonly source: PreviewSource,
    variantId: string,
    readonly seed: number,
    loadRouteFile: RouteFileLoader,
  ) {
    const variant = source.variants.find((v) => v.id === variantId);
    if (!variant) throw new EnvConfigError(`no variant "${variantId}" in ${source.configPath}`);
    this.variant = variant;
    if (variant.environment.env === 'virl') {
      const config = virlConfig(variant.environment);
      const routes = loadRoutes(config, loadRouteFile);
      this.episode = new VirlEpisode(config, routes, seed, variant.eachRouteOnce ? evaluationRoute(variant, seed, routes.length) : undefined);
      this.transcript.push({ kind: 'prompt', text: this.episode.prompt, newChat: true, position: 0 });
    } else {
      this.episode = new GeneralPointsEpisode(generalPointsConfig(variant.environment), seed, trainingFaceCards(source, variant));
      this.transcript.push({ kind: 'prompt', text: this.episode.prompt, newChat: true });
    }
  }

  get done(): boolean {
    return this.episode.done;
  }

  /** One attempt: the verifier's reward and message are appended to the transcript. An answer
   * after the end (a second submit sent before the first's verdict came back) is ignored: false. */
  answer(text: string): boolean {
    if (this.episode.done) return false;
    const step: Step | VirlStep = this.episode.step(text);
    this.answers.push(text);
    this.transcript.push(
      { kind: 'answer', text },
      {
        kind: 'verdict',
        attempt: this.answers.length,
        reward: step.reward,
        message: step.message,
        failureMode: step.failureMode ?? null,
        correct: 'correct' in step ? step.correct : step.success,
        done: step.done,
        success: step.success,
      },
    );
    if (step.nextPrompt !== undefined) {
      const newChat = 'newChat' in step && step.newChat;
      this.transcript.push({ kind: 'prompt', text: step.nextPrompt, newChat, ...(this.episode instanceof VirlEpisode ? { position: this.episode.position } : {}) });
    }
    return true;
  }

  view(): EpisodeView {
    const e = this.episode;
    const common = {
      configUri: this.source.configUri,
      configPath: this.source.configPath,
      experiment: this.source.experiment,
      variants: this.source.variants.map(({ environment: _, ...info }) => info),
      variantId: this.variant.id,
      seed: this.seed,
      modality: e.config.modality,
      verifier: e.config.verifier,
      maxVerify: e.config.maxVerify,
      prompt: e.prompt,
      transcript: [...this.transcript],
      done: e.done,
      success: e.success,
    };
    return e instanceof VirlEpisode ? { ...common, ...this.virlView(e) } : { ...common, ...this.generalPointsView(e) };
  }

  private generalPointsView(e: GeneralPointsEpisode): Pick<EpisodeView, 'env' | 'attemptsLeft' | 'attemptsNote' | 'expertAnswer' | 'generalPoints'> {
    const left = Math.max(0, e.config.maxVerify - e.attempts);
    const note = e.done ? (e.success ? 'solved' : 'episode over') : left > 0 ? `${left} of ${e.config.maxVerify} attempts left` : 'no attempts left: the next answer ends the episode (step_limit_reached)';
    const cardImage = e.config.modality === 'vision' ? svgDataUri(renderHandSvg(e.hand.cards, e.hand.suits)) : undefined;
    return {
      env: 'generalpoints',
      attemptsLeft: left,
      attemptsNote: note,
      ...(e.done ? {} : { expertAnswer: generalPointsExpert(e.hand) }),
      generalPoints: {
        cards: e.hand.cards,
        suits: e.hand.suits,
        values: e.hand.values,
        ...(cardImage ? { cardImage } : {}),
        solutions: completeSolutions(e.hand.values, e.config.target),
        verifierSolutions: e.hand.solutions.length,
      },
    };
  }

  private virlView(e: VirlEpisode): Pick<EpisodeView, 'env' | 'attemptsLeft' | 'attemptsNote' | 'expertAnswer' | 'virl'> {
    const left = Math.max(0, e.config.maxVerify - e.attemptsHere);
    const note = e.done
      ? e.success
        ? 'reached the destination'
        : 'episode over'
      : left > 0
        ? `${left} of ${e.config.maxVerify} attempts left at position ${e.position + 1}`
        : 'no attempts left here: the next answer ends the episode';
    const image = e.image();
    return {
      env: 'virl',
      attemptsLeft: left,
      attemptsNote: note,
      ...(e.done ? {} : { expertAnswer: virlExpert(e.config, e.route, e.rail, e.position) }),
      virl: {
        routeId: e.route.routeId,
        city: e.route.city,
        position: e.position,
        railLength: e.rail.length,
        instruction: instructionSentences(e.route, e.config.verifier === 'strict'),
        map: routeMap(e.route, e.rail, e.position, e.config.actionSpace),
        ...(image ? { streetView: streetView(image) } : {}),
      },
    };
  }
}

/** The street view at a descriptor's position, before the Python trainer draws its grid. */
export function streetView(image: StreetViewDescriptor): StreetViewView {
  return {
    observation: `You observe an image of 4 views; ${image.atIntersection ? 'You observe an intersection' : ''}`,
    city: image.city,
    routeId: image.routeId,
    position: image.position,
    place: image.place,
    heading: image.heading,
    landmark: image.landmark,
    atIntersection: image.atIntersection,
    note: 'The 2x2 street-view grid (front, right / back, left) is drawn by the Python trainer (ptlab/envs/streetview.py).',
  };
}
