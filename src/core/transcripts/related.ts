// Episodes related to the one in the transcript detail: its GRPO group (the rollout episodes
// of the same update that shared its seed, whose returns made each other's baseline) and,
// for an evaluation episode, the same seed at every evaluated step (evaluation seeds are
// fixed, so the same hand or route is replayed through training).
import type { EpisodeRecord } from '../contracts/generated/types';
import { answerSegments } from './answerFields';

export interface GroupMember {
  row: number;
  episode: number;
  success?: boolean;
  turns: number;
  /** The episode's return as the update computed it (its first attempt's), else its total reward; undefined: not known. */
  return?: number;
  /** Each attempt's advantage, when the run recorded them. */
  advantages: (number | undefined)[];
}

export interface EpisodeGroup {
  step: number;
  /** The seed the group shared; undefined for another trainer's group (its members share a prompt). */
  seed?: number;
  members: GroupMember[];
  mean: number;
  /** The sample standard deviation (n - 1), as the trainer's group baseline divides by. */
  std: number;
}

/** The rollout episodes that share `record`'s step and seed, when there are several (a GRPO group). */
export function episodeGroup(rows: readonly { row: number; record: EpisodeRecord }[]): EpisodeGroup | undefined {
  if (rows.length < 2) return undefined;
  const members = rows
    .map(({ row, record }) => ({
      row,
      episode: record.episode,
      ...(record.success !== undefined ? { success: record.success } : {}),
      turns: record.turns.length,
      ...knownReturn(record.turns[0]?.return ?? record.totalReward),
      advantages: record.source ? [importedAdvantage(record)] : record.turns.map((t) => t.advantage),
    }))
    .sort((a, b) => a.episode - b.episode);
  const returns = members.map((m) => m.return).filter((r) => r !== undefined);
  const mean = returns.reduce((a, b) => a + b, 0) / returns.length; // NaN when none is known
  const std = Math.sqrt(returns.reduce((sum, r) => sum + (r - mean) ** 2, 0) / (returns.length - 1));
  const seed = rows[0]!.record.seed;
  return { step: rows[0]!.record.step, ...(seed !== undefined && seed >= 0 ? { seed } : {}), members, mean, std };
}

const knownReturn = (value: number | undefined): { return?: number } => (value === undefined ? {} : { return: value });

/** Another trainer's logged advantage (TRL's completions have an `advantage` column). */
function importedAdvantage(record: EpisodeRecord): number | undefined {
  const value = record.source?.fields?.advantage;
  return typeof value === 'number' ? value : undefined;
}

/** TRL's GRPO group: the completions logged at the same step for the same prompt. */
export function samePrompt(record: EpisodeRecord, rows: readonly { row: number; record: EpisodeRecord }[]): { row: number; record: EpisodeRecord }[] {
  const prompt = record.turns[0]?.prompt;
  return prompt === undefined ? [] : rows.filter((r) => r.record.step === record.step && r.record.turns[0]?.prompt === prompt);
}

export interface HistoryPoint {
  row: number;
  step: number;
  checkpoint?: string;
  success?: boolean;
  turns: number;
  totalReward?: number;
  /** The first attempt's output, and its answer field (the formula or action) when it has one. */
  firstOutput: string;
  answer?: string;
  /** The answer differs from the previous evaluation's. */
  changed: boolean;
}

export interface SeedHistory {
  split: string;
  seed: number;
  points: HistoryPoint[];
  /** Index of the first point whose answer differs from the first evaluation's; undefined when it never changed. */
  firstChange?: number;
}

/** The answer a first attempt gives: its formula (GeneralPoints) or action (V-IRL) field, else the whole output. */
export function answerOf(output: string): string {
  const field = answerSegments(output).find((s) => s.field && (s.field === 'formula' || s.field === 'action') && s.part === 'value');
  return (field?.text ?? output).trim();
}

/** One evaluation seed's episodes at every evaluated step, in step order. */
export function seedHistory(rows: readonly { row: number; record: EpisodeRecord }[]): SeedHistory | undefined {
  if (rows.length < 2) return undefined;
  const sorted = [...rows].sort((a, b) => a.record.step - b.record.step || a.row - b.row);
  let firstChange: number | undefined;
  const points = sorted.map(({ row, record }, i): HistoryPoint => {
    const firstOutput = record.turns[0]?.output ?? '';
    const answer = answerOf(firstOutput);
    const changed = i > 0 && answer !== answerOf(sorted[i - 1]!.record.turns[0]?.output ?? '');
    if (firstChange === undefined && i > 0 && answer !== answerOf(sorted[0]!.record.turns[0]?.output ?? '')) firstChange = i;
    return {
      row,
      step: record.step,
      ...(record.checkpoint ? { checkpoint: record.checkpoint } : {}),
      ...(record.success !== undefined ? { success: record.success } : {}),
      turns: record.turns.length,
      ...(record.totalReward !== undefined ? { totalReward: record.totalReward } : {}),
      firstOutput,
      ...(answer !== firstOutput.trim() ? { answer } : {}),
      changed,
    };
  });
  return { split: sorted[0]!.record.split, seed: sorted[0]!.record.seed!, points, ...(firstChange !== undefined ? { firstChange } : {}) };
}
