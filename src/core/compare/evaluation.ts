// Evaluation of a chat model on one split, in TypeScript: the trainer's protocol
// (trainer/ptlab/evaluate.py and episodes.py) step for step, so a checkpoint evaluated here (with the ONNX
// export and onnxruntime-node) writes the same episode records as `python -m ptlab eval`.
// Episode i uses seed `seed + i`, and a sampled answer draws from the key of (seed, split,
// episode, attempt), as the trainer's; a rejected answer gets the verifier's message appended
// (sequential revision); a V-IRL move starts a fresh chat.
import type { EpisodeRecord, ExperimentConfig } from '../contracts/generated/types';
import type { OwnEpisode, OwnTurn } from '../contracts/contracts';
import { EnvConfigError, GeneralPointsEpisode, generalPointsConfig, type GeneralPointsConfig, type Step } from '../envs/generalpoints';
import type { EnvServer } from '../envs/server';
import { instructionSentences, VirlEpisode, virlConfig, type VirlStep } from '../envs/virl';
import { drawKey } from '../inference/sampling';
import type { ChatMessage } from '../inference/tokenizer';
import experimentSchema from '../../../schemas/experiment.schema.json';

const evaluationDefaults = experimentSchema.$defs.evaluation.properties;

export interface SplitPlan {
  name: string;
  kind: 'id' | 'rule-ood' | 'visual-ood';
  /** The training environment with the split's overrides applied. */
  environment: Record<string, unknown>;
  /** The training environment (GeneralPoints: rule collapse is an answer with its faceCards' values under another rule); absent: the split's own. */
  training?: Record<string, unknown>;
  episodes: number;
  seed: number;
  /** V-IRL: episode i runs route i, each route once, in order (the split's `eachRouteOnce`). */
  eachRouteOnce?: boolean;
}

export interface ChatAnswer {
  text: string;
  promptTokens: number;
  outputTokens: number;
}

/** One answer per chat, in order; a sampled answer draws from its key in `drawKeys` (answerDrawKey). */
export type ChatGenerator = (chats: ChatMessage[][], drawKeys: number[]) => Promise<ChatAnswer[]>;

export interface Rate {
  rate: number;
  stderr: number;
  n: number;
}

export interface SplitSummary {
  name: string;
  kind: SplitPlan['kind'];
  environment: Record<string, unknown>;
  episodes: number;
  success: Rate;
  meanReward: number;
  meanAttempts: number;
  failureModes: Record<string, number>;
  /** V-IRL, ours: correct attempts / scored attempts. */
  perStepAccuracy?: Rate;
  /** V-IRL, the reference code's (the paper's): correct attempts / every model call, the one past the budget included. */
  perStepAccuracyReference?: Rate;
  recognition?: Rate;
}

export interface PlayedEpisode {
  index: number;
  seed: number;
  env: GeneralPointsEpisode | VirlEpisode;
  environment: Record<string, unknown>;
  messages: ChatMessage[];
  turns: OwnTurn[];
  pendingPrompt: { prompt: string } | { promptDelta: string };
  recognized: number;
}

export function rate(successes: number, n: number): Rate {
  const p = n ? successes / n : 0;
  return { rate: p, stderr: n ? Math.sqrt((p * (1 - p)) / n) : 0, n };
}

/** The environment of a split: the training one with the split's overrides. */
export function splitEnvironment(training: Record<string, unknown>, overrides: Record<string, unknown> | undefined): Record<string, unknown> {
  return { ...training, ...(overrides ?? {}) };
}

/** The training rule of a GeneralPoints split's plan (undefined: the split's own). */
function trainingFaceCards(plan: SplitPlan): GeneralPointsConfig['faceCards'] | undefined {
  return plan.training && plan.training.env !== 'virl' ? generalPointsConfig(plan.training).faceCards : undefined;
}

/** The split's episodes (or only episode `only`, for playing one by hand), not yet played. */
export function newEpisodes(plan: SplitPlan, server: EnvServer, only?: number): PlayedEpisode[] {
  const raw = plan.environment;
  const isVirl = raw.env === 'virl';
  const config = isVirl ? virlConfig(raw) : generalPointsConfig(raw);
  if (config.modality === 'vision') {
    throw new EnvConfigError(`evaluation split ${plan.name}: vision episodes need an image-text-to-text model; ONNX inference here reads text only`);
  }
  const environment = { env: isVirl ? 'virl' : 'generalpoints', ...config };
  const routes = isVirl ? server.routesFor(virlConfig(raw)) : [];
  if (plan.eachRouteOnce && !isVirl) throw new EnvConfigError(`evaluation split ${plan.name}: eachRouteOnce is for V-IRL splits (it runs each route once)`);
  if (plan.eachRouteOnce && plan.episodes !== routes.length) {
    throw new EnvConfigError(`evaluation split ${plan.name}: eachRouteOnce runs each of the split's ${routes.length} routes once, in order; set episodes to ${routes.length} (it is ${plan.episodes})`);
  }
  const indices = only === undefined ? Array.from({ length: plan.episodes }, (_, index) => index) : [only];
  return indices.map((index) => {
    const seed = (plan.seed + index) >>> 0;
    const env = isVirl ? new VirlEpisode(virlConfig(raw), routes, seed, plan.eachRouteOnce ? index : undefined) : new GeneralPointsEpisode(generalPointsConfig(raw), seed, trainingFaceCards(plan));
    return { index, seed, env, environment, messages: [{ role: 'user', content: env.prompt }], turns: [], pendingPrompt: { prompt: env.prompt }, recognized: 0 };
  });
}

function turnOf(episode: PlayedEpisode, answer: ChatAnswer, step: Step | VirlStep, expertAction: string | undefined): OwnTurn {
  // Key order as the trainer writes them, so the JSON lines match byte for byte.
  const turn: Record<string, unknown> = { index: episode.turns.length, ...episode.pendingPrompt, output: answer.text, reward: step.reward, message: step.message, done: step.done, outputTokens: answer.outputTokens, promptTokens: answer.promptTokens };
  if (expertAction !== undefined) turn.expertAction = expertAction;
  if ('recognized' in step && step.recognized !== undefined) {
    turn.recognized = step.recognized;
    episode.recognized += Number(step.recognized);
  }
  if (step.failureMode !== undefined) turn.failureMode = step.failureMode;
  return turn as OwnTurn;
}

/** The key of the episode's next answer's random draws, the trainer's (evaluate.py's play_split):
 * the evaluation seed, the split, the episode and the attempt. */
export function answerDrawKey(plan: SplitPlan, episode: PlayedEpisode): number {
  return drawKey(plan.seed, plan.name, episode.index, episode.turns.length);
}

/** Plays every episode of the split to its end, all advancing together round by round. */
export async function playSplit(plan: SplitPlan, server: EnvServer, generate: ChatGenerator, signal?: AbortSignal): Promise<{ episodes: PlayedEpisode[]; summary: SplitSummary }> {
  const episodes = newEpisodes(plan, server);
  let active = episodes;
  while (active.length > 0) {
    signal?.throwIfAborted();
    const answers = await generate(active.map((e) => e.messages), active.map((e) => answerDrawKey(plan, e)));
    const still: PlayedEpisode[] = [];
    active.forEach((episode, i) => {
      if (!advance(episode, answers[i]!)) still.push(episode);
    });
    active = still;
  }
  return { episodes, summary: summarize(plan, episodes) };
}

/** One turn: the environment scores `answer`, the transcript and the next chat follow. True when the episode is over. */
export function advance(episode: PlayedEpisode, answer: ChatAnswer): boolean {
  const env = episode.env;
  const expert = env instanceof VirlEpisode ? env.expertAction : undefined;
  const step = env.step(answer.text);
  episode.turns.push(turnOf(episode, answer, step, expert));
  if (step.done) return true;
  const next = step.nextPrompt!;
  if ('newChat' in step && step.newChat) {
    episode.messages = [{ role: 'user', content: next }];
    episode.pendingPrompt = { prompt: next };
  } else {
    episode.messages = [...episode.messages, { role: 'assistant', content: answer.text, sampled: true }, { role: 'user', content: next }];
    episode.pendingPrompt = { promptDelta: next };
  }
  return false;
}

export function summarize(plan: SplitPlan, episodes: PlayedEpisode[]): SplitSummary {
  const turns = episodes.flatMap((e) => e.turns);
  const attempts = turns.filter((t) => t.failureMode !== 'budget-exhausted');
  const failures: Record<string, number> = {};
  for (const t of turns) if (t.failureMode) failures[t.failureMode] = (failures[t.failureMode] ?? 0) + 1;
  const environment = episodes[0]?.environment ?? plan.environment;
  const summary: SplitSummary = {
    name: plan.name,
    kind: plan.kind,
    environment,
    episodes: episodes.length,
    success: rate(episodes.filter((e) => e.env.success).length, episodes.length),
    meanReward: turns.reduce((sum, t) => sum + t.reward, 0) / Math.max(1, episodes.length),
    meanAttempts: attempts.length / Math.max(1, episodes.length),
    failureModes: Object.fromEntries(Object.entries(failures).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
  };
  if (environment.env === 'virl') {
    const correct = attempts.filter((t) => t.reward === 1).length;
    summary.perStepAccuracy = rate(correct, attempts.length);
    summary.perStepAccuracyReference = rate(correct, turns.length);
  }
  if (environment.env === 'generalpoints' && environment.modality === 'vision') summary.recognition = rate(episodes.reduce((s, e) => s + e.recognized, 0), attempts.length);
  return summary;
}

function stateOf(episode: PlayedEpisode): EpisodeRecord['state'] {
  const env = episode.env;
  if (env instanceof VirlEpisode) {
    const instruction = instructionSentences(env.route, env.config.verifier === 'strict').join('\n');
    return { routeId: env.route.routeId, city: env.route.city, position: Math.min(env.position, env.rail.length - 1), railLength: env.rail.length, instruction } as EpisodeRecord['state'];
  }
  return env.state() as EpisodeRecord['state'];
}

export function episodeRecord(runId: string, step: number, plan: SplitPlan, checkpoint: string | undefined, episode: PlayedEpisode): OwnEpisode {
  const last = episode.turns[episode.turns.length - 1];
  const success = episode.env.success;
  const record: Record<string, unknown> = {
    runId,
    step,
    split: plan.name,
    splitKind: plan.kind,
    episode: episode.index,
    seed: episode.seed,
    environment: episode.environment,
    state: stateOf(episode),
    turns: episode.turns,
    success,
    totalReward: episode.turns.reduce((sum, t) => sum + t.reward, 0),
    truncated: !success,
  };
  if (checkpoint) record.checkpoint = checkpoint;
  const failed = episode.turns.filter((t) => t.failureMode && t.failureMode !== 'budget-exhausted').map((t) => t.failureMode);
  if (!success && failed.length > 0) record.failureMode = failed[failed.length - 1];
  else if (!success && last?.failureMode) record.failureMode = last.failureMode;
  return record as unknown as OwnEpisode;
}

export interface EvaluationPlan {
  splits: SplitPlan[];
  temperature: number;
  topP: number;
  maxNewTokens: number;
}


/** The splits of a validated experiment config, defaults filled as the trainer fills them. */
export function evaluationPlan(experiment: ExperimentConfig): EvaluationPlan {
  const evaluation = experiment.evaluation;
  if (!evaluation) throw new EnvConfigError('evaluation: the experiment has no evaluation splits');
  if (evaluation.sampling === 'model-defaults') {
    throw new EnvConfigError("evaluation.sampling: 'model-defaults' reads the checkpoint's generation_config.json, which the in-editor ONNX evaluation does not have; set it to 'configured' (temperature, topP) or evaluate with the trainer");
  }
  const seed = evaluation.seed ?? evaluationDefaults.seed.default;
  return {
    splits: evaluation.splits.map((split) => ({
      name: split.name,
      kind: split.kind,
      environment: splitEnvironment(experiment.environment as unknown as Record<string, unknown>, split.overrides as Record<string, unknown> | undefined),
      training: experiment.environment as unknown as Record<string, unknown>,
      episodes: split.episodes,
      seed,
      ...(split.eachRouteOnce ? { eachRouteOnce: true } : {}),
    })),
    temperature: evaluation.temperature ?? evaluationDefaults.temperature.default,
    topP: evaluation.topP ?? evaluationDefaults.topP.default,
    maxNewTokens: evaluation.maxNewTokens ?? evaluationDefaults.maxNewTokens.default,
  };
}
