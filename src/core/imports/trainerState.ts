// A Hugging Face Trainer run (TRL's SFT, GRPO, DPO, ... trainers included) as its own files
// describe it: `trainer_state.json`, which the Trainer writes into each `checkpoint-N/` folder
// of its output_dir (and into output_dir itself on `save_state()`), holds `log_history`, one
// entry per logging step with the trainer's metrics under their own names. Pure: callers pass
// the text; the metrics worker and the Runs view read the files.
import { batchOfScalars, type MetricBatch } from '../dashboard/model';
import { parsePythonJson } from './pythonJson';

export interface TrainerState {
  globalStep: number;
  maxSteps: number | undefined;
  /** Every numeric entry of log_history, as (tag, step, value). */
  points: { tag: string; step: number; value: number }[];
  /** TRL's reward functions, by the names its GRPO and RLOO trainers log `rewards/<name>/mean` under. */
  rewardFunctions: string[];
}

/** TRL's per-function reward key (`eval_` at evaluation); the name is also its completions column's. */
const REWARD_MEAN = /^(?:eval_)?rewards\/(.+)\/mean$/;

/** `checkpoint-N` folder names, as the Trainer writes them. */
export const CHECKPOINT_FOLDER = /^checkpoint-(\d+)$/;

/** Parse a trainer_state.json (a diverged step's NaN loss is no point); throws with what is wrong. */
export function readTrainerState(text: string): TrainerState {
  const state = parsePythonJson(text) as { global_step?: unknown; max_steps?: unknown; log_history?: unknown };
  if (!state || typeof state !== 'object' || !Array.isArray(state.log_history)) throw new Error('no "log_history" list');
  const points: TrainerState['points'] = [];
  const rewardFunctions = new Set<string>();
  for (const entry of state.log_history as unknown[]) {
    if (!entry || typeof entry !== 'object') continue;
    const { step, ...metrics } = entry as Record<string, unknown>;
    for (const tag of Object.keys(metrics)) {
      const reward = REWARD_MEAN.exec(tag);
      if (reward) rewardFunctions.add(reward[1]!); // named even where its mean was None (a null): no function scored
    }
    if (typeof step !== 'number' || !Number.isInteger(step)) continue;
    for (const [tag, value] of Object.entries(metrics)) if (typeof value === 'number' && Number.isFinite(value)) points.push({ tag, step, value });
  }
  return {
    globalStep: typeof state.global_step === 'number' ? state.global_step : (points.at(-1)?.step ?? 0),
    maxSteps: typeof state.max_steps === 'number' && state.max_steps > 0 ? state.max_steps : undefined,
    points,
    rewardFunctions: [...rewardFunctions],
  };
}

/** The state's metrics as dashboard columns: each key a training series; no wall time (entries have none). */
export function trainerStateBatch(state: TrainerState): MetricBatch {
  return batchOfScalars(state.points, 0);
}
