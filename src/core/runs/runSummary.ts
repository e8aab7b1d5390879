// What an assistant is told about a run (src/features/assistant/runTools.ts): its identity and
// live state (the Runs view's: stale once its heartbeat stops), its latest evaluation of each
// split in the paper's measure of the split (paperMeasures, as the report and the dashboard
// judge it) and its latest training scalars, read from the end of its metrics.jsonl backwards
// (the trainer appends in step order, so the end holds the latest); and the comparison of two
// runs' latest evaluations. Pure: callers read the files.
import { compareEpisodes, type PairedSplit } from '../compare/compare';
import type { OwnEpisode } from '../contracts/contracts';
import type { EvaluationRecord, MetricRecord } from '../contracts/generated/types';
import { paperMeasures, type PaperMeasure } from '../dashboard/model';
import { taskName } from '../envs/views';
import { NAME_WIDTH, oneLine, shownName } from '../oneLine';
import { concat } from './jsonlTail';
import { parseMetricsJsonl, type RecordedEpisodes } from './runs';
import { runIdentity, type RunFolder, type RunState } from './runFolder';

/** How much of a metrics.jsonl is read at a time, from its end: a few hundred records. */
export const METRICS_CHUNK_BYTES = 256 * 1024;

export interface SplitResult {
  split: string;
  splitKind: string;
  /** The paper's measure of the split's kind (paperMeasures), which rate, stderr and n are of. */
  measure: PaperMeasure;
  step: number;
  rate: number;
  stderr: number;
  n: number;
}

export interface RunSummary {
  folder: string;
  experiment: string;
  job: string;
  /** The live state (folderState): `stale` for a running run whose heartbeat or process stopped. */
  state: RunState;
  source: string;
  /** The last global step recorded (training or evaluation). */
  step: number | undefined;
  evaluations: SplitResult[];
  /** The last training record's scalars that tell how training goes. */
  training: Record<string, number>;
  problems: string[];
}

const HEADLINE = ['rollout/reward_mean', 'rollout/success_rate', 'train/loss', 'ppo/approx_kl', 'ppo/entropy', 'ppo/clipfrac', 'mismatch/kl'];

/** `length` bytes of a file from `position` (fewer only at its end). */
export type ReadAt = (position: number, length: number) => Promise<Uint8Array>;

const NEWLINE = 0x0a;
const utf8 = new TextDecoder('utf-8');

/** The split names run.json's copy of the config evaluates; undefined when it names none. */
export function configuredSplits(run: RunFolder): string[] | undefined {
  const evaluation = (run.manifest?.config as { evaluation?: { splits?: unknown } } | undefined)?.evaluation;
  if (!Array.isArray(evaluation?.splits)) return undefined;
  const names = evaluation.splits.map((s: unknown) => (s as { name?: unknown } | null)?.name);
  return names.length && names.every((n): n is string => typeof n === 'string') ? names : undefined;
}

/**
 * What summarizeRun needs of a metrics file of `size` bytes, in file order: every record from
 * its latest training record on (the latest step and training scalars) and, before those, read
 * a chunk at a time backwards, the evaluations of splits not yet seen, until each of `splits`
 * has its latest (all of them, undefined: to the file's start). A split evaluated rarely falls
 * out of any fixed tail: a PPO update's record is over a kilobyte.
 */
export async function summaryRecords(size: number, readAt: ReadAt, splits: readonly string[] | undefined, chunkBytes = METRICS_CHUNK_BYTES): Promise<MetricRecord[]> {
  const seen = new Set<string>();
  let trained = false;
  const chunks: MetricRecord[][] = [];
  /** The head of the later chunk, up to its first newline: a line the cut may have gone through. */
  let carry: Uint8Array = new Uint8Array(0);
  for (let end = size; end > 0 && !(trained && splits?.every((s) => seen.has(s))); ) {
    const start = Math.max(0, end - chunkBytes);
    const bytes = concat(await readAt(start, end - start), carry);
    end = start;
    const cut = start > 0 ? bytes.indexOf(NEWLINE) + 1 : 0;
    carry = bytes.subarray(0, cut);
    if (start > 0 && cut === 0) {
      carry = bytes; // no line starts in it: one line longer than a chunk
      continue;
    }
    const records = parseMetricsJsonl(utf8.decode(bytes.subarray(cut)), trained).records; // before the latest training record: evaluations only
    const kept = trained ? records.filter((r) => r.kind === 'eval' && !seen.has(splitOf(r))) : records;
    for (const r of kept) {
      if (r.kind === 'eval') seen.add(splitOf(r));
      else trained = true;
    }
    chunks.push(kept);
  }
  return chunks.reverse().flat();
}

const splitOf = (record: MetricRecord): string => (record as MetricRecord & { split: string }).split;

/** The run's summary from its metrics `records`; `state` is its live state (folderState: the
 * caller has the clock and the stale setting). */
export function summarizeRun(run: RunFolder, folder: string, records: readonly MetricRecord[], state: RunState): RunSummary {
  const identity = runIdentity(run, folder);
  const evaluated = records.filter((r): r is MetricRecord & EvaluationRecord => r.kind === 'eval');
  // as the report and the dashboard judge a run (studyMeasures): the reference's per-step accuracy where recorded
  const measures = paperMeasures(taskName((run.manifest?.config as { environment?: unknown } | undefined)?.environment), evaluated.some((r) => r.perStepAccuracyReference));
  const evaluations = new Map<string, SplitResult>();
  let training: Record<string, number> = {};
  let step: number | undefined;
  for (const record of records) {
    step = Math.max(step ?? 0, record.step);
    if (record.kind === 'eval') {
      const r = record as MetricRecord & EvaluationRecord;
      const measure = measures[r.splitKind];
      const value = r[measure.field];
      if (value) evaluations.set(r.split, { split: r.split, splitKind: r.splitKind, measure, step: r.step, rate: value.rate, stderr: value.stderr, n: value.n });
    } else {
      const metrics = (record as MetricRecord & { metrics: Record<string, number | null> }).metrics;
      training = Object.fromEntries(HEADLINE.flatMap((name) => (typeof metrics[name] === 'number' ? [[name, metrics[name] as number]] : [])));
    }
  }
  return {
    folder,
    experiment: identity.experiment,
    job: identity.job,
    state,
    source: identity.source,
    step: step ?? run.manifest?.progress?.step ?? run.imported?.step,
    evaluations: [...evaluations.values()],
    training,
    problems: run.problems,
  };
}

/** The most runs ptlab_listRuns lists: a workspace of sweeps holds thousands, and each is a few lines. */
export const LISTED_RUNS = 100;

/**
 * The runs a listing shows: those whose folder (as `name` gives it) or experiment contains
 * `filter` (any case), most recently updated first (other trainers' runs, undated, after ours,
 * by folder), at most `cap` of them; and how many matched. Reads no metrics file: only the
 * shown runs are summarised.
 */
export function listedRuns(runs: readonly RunFolder[], name: (folder: string) => string, filter: string | undefined, cap = LISTED_RUNS): { shown: RunFolder[]; matched: number } {
  const wanted = filter?.toLowerCase();
  const named = runs.map((run) => ({ run, identity: runIdentity(run, name(run.folder)), updated: Date.parse(run.manifest?.updatedAt ?? '') }));
  const matching = named.filter(({ identity }) => !wanted || identity.folder.toLowerCase().includes(wanted) || identity.experiment.toLowerCase().includes(wanted));
  const newest = (x: number, y: number) => (Number.isNaN(x) ? (Number.isNaN(y) ? 0 : 1) : Number.isNaN(y) ? -1 : y - x);
  matching.sort((x, y) => newest(x.updated, y.updated) || x.identity.folder.localeCompare(y.identity.folder));
  return { shown: matching.slice(0, cap).map((m) => m.run), matched: matching.length };
}

/** A listing as text: the shown runs' summaries, of `matched` runs matching `filter`, of `total`. */
export function describeRuns(shown: readonly RunSummary[], matched: number, total: number, filter?: string): string {
  if (!matched) return filter ? `No run matches "${filter}" (${total} run(s) in the workspace).` : 'No runs in the workspace yet.';
  const more = matched > shown.length ? `; the ${shown.length} most recently updated are listed, ${matched - shown.length} more: narrow them with filter (folder or experiment).` : ';';
  return [`${matched} run(s)${more} each split's latest evaluation in the paper's measure (episode success; V-IRL: per-step accuracy on ID and rule OOD, route success on visual OOD), ± one standard error.`, ...shown.map(describeRun)].join('\n');
}

export interface SplitComparison {
  split: string;
  a: SplitResult;
  b: SplitResult;
  /** a - b (A - B, as the compare view signs it), in units of the split's measure (a rate). */
  difference: number;
  /** Paired (the compare view's, over the same seeds) where `paired` is set, else sqrt(se_a^2 + se_b^2). */
  stderr: number;
  /** The compare view's numbers for the split (compareEpisodes), where both runs' episodes pair up. */
  paired?: PairedSplit;
  /** Why the comparison is unpaired. */
  unpaired?: string;
}

/** The splits both runs evaluated in one measure, latest against latest: paired where `pairs`
 * holds the split's PairedSplit (pairedSplit), unpaired otherwise, with the reason it holds. */
export function compareRuns(a: RunSummary, b: RunSummary, pairs: ReadonlyMap<string, PairedSplit | string> = new Map()): SplitComparison[] {
  return a.evaluations.flatMap((x): SplitComparison[] => {
    const y = b.evaluations.find((e) => e.split === x.split);
    if (!y || y.measure.field !== x.measure.field) return [];
    const paired = pairs.get(x.split);
    if (typeof paired === 'object') return [{ split: x.split, a: x, b: y, difference: paired.difference, stderr: paired.differenceStderr, paired }];
    return [{ split: x.split, a: x, b: y, difference: x.rate - y.rate, stderr: Math.sqrt(x.stderr ** 2 + y.stderr ** 2), unpaired: paired ?? 'no episodes read' }];
  });
}

/**
 * The compare view's paired numbers for a split of two runs' latest evaluations (compareEpisodes:
 * paired SE, exact McNemar), from each run's episodes of that split at its evaluation's step
 * (`episodesA`, `episodesB`); or why they cannot stand for the evaluations: the measure is no
 * episode outcome (V-IRL's per-step accuracy), a side has no episodes, or they are not the same
 * seeds, all of the evaluation's episodes on each side.
 */
export function pairedSplit(c: Pick<SplitComparison, 'split' | 'a' | 'b'>, episodesA: readonly OwnEpisode[], episodesB: readonly OwnEpisode[]): PairedSplit | string {
  if (c.a.measure.field !== 'success') return `${c.a.measure.name} is not an episode's outcome, which pairing compares`;
  if (!episodesA.length) return `A has no ${shownName(c.split)} episodes at step ${c.a.step}`;
  if (!episodesB.length) return `B has no ${shownName(c.split)} episodes at step ${c.b.step}`;
  const comparison = compareEpisodes(episodesA, episodesB);
  const split = comparison.splits.find((s) => s.split === c.split);
  const pairs = split?.pairs ?? 0;
  if (!split || comparison.unmatched.length || pairs !== c.a.n || pairs !== c.b.n) {
    return `the episodes at these steps are not the same ${c.a.n === c.b.n ? c.a.n : `${c.a.n} and ${c.b.n}`} seeds of each: ${pairs} paired`;
  }
  return split;
}

const pct = (x: number): string => `${(x * 100).toFixed(1)}%`;
const pts = (x: number): string => `${x >= 0 ? '+' : ''}${(x * 100).toFixed(1)}`;
/** As the compare view writes a p-value. */
const pValue = (p: number): string => (p < 0.001 ? p.toExponential(1) : p.toFixed(3));

/** One run as lines of text for a language model, one line each whatever its files hold. */
export function describeRun(s: RunSummary): string {
  const lines = [`${shownName(s.folder)}: ${s.job} run of ${shownName(s.experiment)}, ${s.state}${s.step !== undefined ? ` at step ${s.step}` : ''}${s.source !== 'ptlab' ? ` (${s.source} run)` : ''}`];
  for (const e of s.evaluations) lines.push(`  ${shownName(e.split)} (${e.splitKind}) ${e.measure.name} ${pct(e.rate)} ± ${pct(e.stderr)} (SE, n=${e.n}) at step ${e.step}`);
  const scalars = Object.entries(s.training);
  const unread = s.source === 'tensorboard' ? 'state, step, evaluations and training scalars' : 'evaluations and training scalars'; // event files are read in the metrics worker only
  if (s.source !== 'ptlab') lines.push(`  another trainer's run: its ${unread} are not read here (the dashboard shows its scalars)`);
  if (scalars.length) lines.push(`  latest training: ${scalars.map(([k, v]) => `${k} ${Number(v.toPrecision(4))}`).join(', ')}`);
  for (const p of s.problems) lines.push(`  problem: ${oneLine(p, 2 * NAME_WIDTH)}`);
  return lines.join('\n');
}

/** Two runs' comparison as text: each shared split's difference A - B with its standard error,
 * paired with McNemar's p where `pairs` has the split's PairedSplit (see compareRuns). */
export function describeComparison(a: RunSummary, b: RunSummary, pairs?: ReadonlyMap<string, PairedSplit | string>): string {
  const splits = compareRuns(a, b, pairs);
  const lines = [`A = ${shownName(a.folder)}, B = ${shownName(b.folder)}; differences are A - B in points of the split's measure, as the compare view gives them`, describeRun(a), describeRun(b)];
  for (const x of a.evaluations) {
    const y = b.evaluations.find((e) => e.split === x.split);
    if (y && y.measure.field !== x.measure.field) lines.push(`${shownName(x.split)}: not compared: A's is in ${x.measure.field}, B's in ${y.measure.field}`);
  }
  if (!splits.length) lines.push('No split evaluated by both runs in one measure: nothing to compare.');
  for (const c of splits) lines.push(`${shownName(c.split)} ${c.a.measure.name}: A - B = ${pts(c.difference)} points (${c.paired ? pairedText(c.paired) : `SE ${(c.stderr * 100).toFixed(1)}, unpaired: ${c.unpaired}; ${significance(c)}`})`);
  return lines.join('\n');
}

/** A run's episodes of its evaluation at `step`, as its episodes file records them. */
export type EpisodesOf = (run: 'a' | 'b', step: number) => Promise<RecordedEpisodes>;

/** describeComparison, paired (pairedSplit) from the runs' recorded episodes of each shared
 * split; what could not be read of a run's episodes file is among that run's problems, so the
 * text says why fewer episodes pair than were evaluated. */
export async function describePairedComparison(a: RunSummary, b: RunSummary, episodesOf: EpisodesOf): Promise<string> {
  const problems = { a: new Set<string>(), b: new Set<string>() };
  const episodes = async (run: 'a' | 'b', split: string, step: number) => {
    const recorded = await episodesOf(run, step);
    for (const problem of recorded.problems) problems[run].add(problem);
    return recorded.episodes.filter((e) => e.split === split);
  };
  const pairs = new Map<string, PairedSplit | string>();
  for (const c of compareRuns(a, b)) {
    // pairing compares episode outcomes: for another measure pairedSplit says so without episodes
    const paired = c.a.measure.field === 'success' ? pairedSplit(c, await episodes('a', c.split, c.a.step), await episodes('b', c.split, c.b.step)) : pairedSplit(c, [], []);
    pairs.set(c.split, paired);
  }
  const withProblems = (s: RunSummary, run: 'a' | 'b'): RunSummary => ({ ...s, problems: [...s.problems, ...problems[run]] });
  return describeComparison(withProblems(a, 'a'), withProblems(b, 'b'), pairs);
}

function pairedText(p: PairedSplit): string {
  return `paired SE ${(p.differenceStderr * 100).toFixed(1)} over ${p.pairs} episodes on the same seeds; exact McNemar p = ${pValue(p.mcnemarP)}, A only ${p.onlyA} / B only ${p.onlyB}`;
}

/** Whether the difference lies beyond 2 SE. The trainer's binomial SE is 0 at a rate of 0% or
 * 100%: with both sides there the SE gives no scale, so no claim is made either way. */
function significance(c: SplitComparison): string {
  if (c.stderr === 0) return c.difference === 0 ? 'no difference' : 'SE undefined: both rates are 0% or 100%, so no significance is claimed';
  return `${Math.abs(c.difference / c.stderr) >= 2 ? 'beyond' : 'within'} 2 SE`;
}
