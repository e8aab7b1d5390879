// Other trainers' rollout dumps as episode records (episode-record.schema.json with `source`),
// so the transcript viewer lists, filters, searches and reads them like our own episodes:
//
// - TRL's GRPOTrainer with `log_completions=True` writes, at every logging step,
//   `<output_dir>/completions/completions_<global_step:05d>.parquet`: columns `step`, `prompt`
//   and `completion` (a chat's messages, or plain text for non-conversational data), one
//   column per reward function (named after it), the columns reward functions add with
//   `log_extra` (ground truths, token counts: numbers too), and `advantage`. Which columns are
//   rewards only the run's trainer_state.json says (`rewards/<name>/mean`).
// - verl's trainer (trainer.rollout_data_dir / trainer.validation_data_dir) writes, per step,
//   `<dir>/<global_step>.jsonl`: one JSON object per sample with `input` (the decoded prompt,
//   chat template applied), `output`, `score`, `step`, optionally `gts`, and the reward
//   function's extra info under its own keys.
//
// What each keeps: prompt, output, reward and step become the record's; every other column
// goes to `source.fields` unchanged. What neither has: a seed, an environment, an outcome
// (success is left unset, never guessed from a reward) and a verifier's message.
// Pure: callers read the files (src/core/transcripts/episodeSources.ts).
import type { EpisodeRecord } from '../contracts/generated/types';
import { parsePythonJson } from './pythonJson';

export type ImportedFormat = NonNullable<EpisodeRecord['source']>['format'];

/** TRL's completions files, as GRPOTrainer names them. */
export const TRL_COMPLETIONS_FILE = /^completions_(\d+)\.parquet$/;
/** verl's per-step dumps, as its trainer names them. */
export const VERL_DUMP_FILE = /^(\d+)\.jsonl$/;

/** The task column of the viewer for another trainer's episodes. */
export const IMPORTED_TASKS: Record<ImportedFormat, string> = { 'trl-completions': 'TRL', 'verl-generations': 'verl' };

/** A message's text: a string, or the text parts of a multimodal content list (images as a marker). */
function contentText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (Array.isArray(content)) {
    return content
      .map((part) => {
        if (typeof part === 'string') return part;
        const p = (part ?? {}) as { type?: unknown; text?: unknown };
        if (typeof p.text === 'string') return p.text;
        return p.type === 'image' ? '[image]' : '';
      })
      .join('');
  }
  return content === null || content === undefined ? '' : JSON.stringify(content);
}

/**
 * A prompt or completion column's value as text: plain text as it is; a chat as its messages'
 * contents, each under its role when there is more than one message or the role is not the
 * one expected (user for prompts, assistant for completions).
 */
export function chatText(value: unknown, expectedRole: 'user' | 'assistant'): string {
  if (typeof value === 'string') return value;
  if (!Array.isArray(value)) return value === null || value === undefined ? '' : JSON.stringify(value);
  const messages = value.map((m) => (m ?? {}) as { role?: unknown; content?: unknown });
  if (messages.length === 1 && (messages[0]!.role === expectedRole || messages[0]!.role === undefined)) return contentText(messages[0]!.content);
  return messages.map((m) => `[${typeof m.role === 'string' ? m.role : 'message'}]\n${contentText(m.content)}`).join('\n\n');
}

/** A JSON-safe copy of a parquet value (int64 arrive as BigInt). */
function plain(value: unknown): unknown {
  if (typeof value === 'bigint') return Number(value);
  if (Array.isArray(value)) return value.map(plain);
  if (value instanceof Date) return value.toISOString();
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  if (typeof value === 'number' && !Number.isFinite(value)) return null; // NaN: a reward function that returned None
  return value;
}

const finite = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);

export interface ImportContext {
  /** The run's name (the folder opened). */
  runId: string;
  /** The file, relative to the folder opened. */
  file: string;
  /** The step the file's name gives (TRL: completions_00042 -> 42; verl: 42.jsonl). */
  fileStep: number;
}

/**
 * One row of a TRL completions file. `rewardFunctions`: the run's reward functions
 * (trlRewardColumns). The total reward is the sum of their columns, as GRPOTrainer adds them
 * with its default reward_weights of 1 (no file records other weights), skipping a function
 * that returned None (NaN); none known, or none that scored the row: no reward.
 */
export function trlCompletionRecord(row: Record<string, unknown>, index: number, context: ImportContext, rewardFunctions: readonly string[] | undefined): EpisodeRecord {
  const { step, prompt, completion, advantage, ...rest } = Object.fromEntries(Object.entries(row).map(([k, v]) => [k, plain(v)]));
  const rewards = (rewardFunctions ?? []).map((name) => rest[name]).filter(finite);
  const total = rewards.length ? rewards.reduce((sum, v) => sum + v, 0) : undefined;
  const fields: Record<string, unknown> = { ...rest };
  if (advantage !== undefined) fields.advantage = advantage;
  return {
    runId: context.runId,
    step: finite(step) && step >= 0 ? Math.trunc(step) : context.fileStep,
    split: 'train',
    splitKind: 'train',
    episode: index,
    turns: [{ index: 0, prompt: chatText(prompt, 'user'), output: chatText(completion, 'assistant'), ...(total !== undefined ? { reward: total } : {}), message: '', done: true }],
    ...(total !== undefined ? { totalReward: total } : {}),
    source: { format: 'trl-completions', file: context.file, row: index, fields },
  };
}

/**
 * Which of a completions file's columns are rewards: the reward functions the run's
 * trainer_state.json names, when the file has a column for each; otherwise undefined, with
 * why (a note for the viewer). `names`: from trainer_state.json, undefined when none was found.
 */
export function trlRewardColumns(names: readonly string[] | undefined, columns: readonly string[], file: string): { rewardFunctions?: readonly string[]; note?: string } {
  if (!names?.length) {
    return { note: 'No rewards shown: no trainer_state.json in the output_dir or its checkpoint-N folders names the reward functions (rewards/<name>/mean), so which columns are rewards is unknown (the extra columns reward functions log are numbers too); every column is in the episode\'s fields' };
  }
  const missing = names.filter((name) => !columns.includes(name));
  if (missing.length) return { note: `No rewards shown for ${file}: trainer_state.json names reward function(s) ${names.join(', ')} but the file has no column ${missing.join(', ')}` };
  return { rewardFunctions: names };
}

/**
 * One line of a verl dump, or why it is not one. `validation` marks a validation_data_dir's
 * dump (an evaluation split) rather than a rollout_data_dir's (training rollouts).
 */
export function verlGenerationRecord(text: string, line: number, context: ImportContext, validation: boolean): EpisodeRecord | string {
  const value = jsonObjectLine(text);
  if (typeof value === 'string') return value;
  const { input, output, score, step, ...fields } = value;
  if (typeof input !== 'string' || typeof output !== 'string') return 'not a verl generation (needs "input" and "output" strings)';
  const reward = finite(score) ? { reward: score } : {};
  if (!finite(score)) fields.score = score ?? null; // kept as written: no reward to show (reward unknown, not 0)
  return {
    runId: context.runId,
    step: finite(step) && step >= 0 ? Math.trunc(step) : context.fileStep,
    split: validation ? 'validation' : 'train',
    ...(validation ? {} : { splitKind: 'train' as const }),
    episode: line,
    turns: [{ index: 0, prompt: input, output, ...reward, message: '', done: true }],
    ...(finite(score) ? { totalReward: score } : {}),
    source: { format: 'verl-generations', file: context.file, row: line, fields },
  };
}

/**
 * What a folder holds, from its file names and those of its `completions/` subfolder: our run's
 * episodes.jsonl, a TRL output_dir (or its completions folder), a verl dump folder; undefined: none.
 */
export function episodesIn(names: readonly string[], completions: readonly string[] = []): { kind: 'ptlab' | ImportedFormat; inCompletions?: boolean } | undefined {
  if (names.includes('episodes.jsonl')) return { kind: 'ptlab' };
  if (completions.some((n) => TRL_COMPLETIONS_FILE.test(n))) return { kind: 'trl-completions', inCompletions: true };
  if (names.some((n) => TRL_COMPLETIONS_FILE.test(n))) return { kind: 'trl-completions' };
  if (names.some((n) => VERL_DUMP_FILE.test(n))) return { kind: 'verl-generations' };
  return undefined;
}

/** The error for a folder without episodes: what was looked for. */
export function noEpisodesMessage(path: string): string {
  return `${path} holds no episodes: looked for episodes.jsonl (our runs), completions/completions_<step>.parquet (TRL GRPOTrainer with log_completions) and <step>.jsonl (verl's rollout_data_dir or validation_data_dir)`;
}

/** One JSON-lines line as an object (Python's NaN as null: verl's json.dumps), or why it is not one ('empty line' for a blank one). */
export function jsonObjectLine(text: string): Record<string, unknown> | string {
  if (!text.trim()) return 'empty line';
  let value: unknown;
  try {
    value = parsePythonJson(text);
  } catch {
    return 'not JSON (a torn or garbage line)';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not a JSON object';
  return value as Record<string, unknown>;
}

/** Whether a verl dump folder holds validation generations (trainer.validation_data_dir), by its name. */
export function isValidationFolder(name: string): boolean {
  return /val/i.test(name);
}
