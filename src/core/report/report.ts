// The study report: what `npx ptlab report` puts in a self-contained HTML page. Pure:
// callers pass the run folders' file contents. The page (webview/report/main.ts) draws it.
import { compareEpisodes, type PairedSplit } from '../compare/compare';
import { evaluationDifference, type ComparedSide } from '../compare/pairing';
import type { MetricRecord, RunManifest } from '../contracts/generated/types';
import type { OwnEpisode } from '../contracts/contracts';
import { paperArms, paperColumns, RunRecords, studyMeasures, type PaperColumn, type PaperMeasures } from '../dashboard/model';
import { lineProblems, stoppedWriting } from '../runs/jsonlTail';
import { folderState, readRunFolder, runIdentity, type EndedHere, type RunFolder } from '../runs/runFolder';
import { runInfo } from '../runs/runInfo';
import { parseEpisodesJsonl, parseMetricsJsonl, rateCurves, type SplitCurve } from '../runs/runs';
import { armsVerdict, type ArmResults, type SplitResult, type Verdict } from './verdict';

export type Method = 'SFT' | 'RL';

export interface RunFiles {
  /** The run folder as the report names it (relative path). */
  folder: string;
  manifest: string | undefined;
  metrics: string | undefined;
  /** Its episodes.jsonl: episode records of its evaluations (training rollouts may be included; they are left out). */
  episodes: string | undefined;
}

export interface SplitPoint {
  split: string;
  splitKind: SplitCurve['splitKind'];
  rate: number;
  stderr: number;
  n: number;
}

export interface ReportData {
  title: string;
  createdAt: string;
  /** What the report could not read of its runs' files and left out, each naming the file (and
   * line): an off-contract run.json, bad lines of metrics.jsonl and episodes.jsonl, a last line
   * cut off. Empty when every file was read whole. */
  problems: string[];
  /** The measure of each split kind in `init`, `finals`, the curves and the verdict: the paper's
   * for the study's task (V-IRL: per-step accuracy, route success on visual OOD). */
  measures: PaperMeasures;
  /** The dashboard's paper view of the two runs (drawn by webview/dashboard/paper.ts). */
  paper: PaperColumn[];
  runs: { method: Method; folder: string; status: string; seconds: number | undefined; curves: SplitCurve[] }[];
  /** Init's rate: step 0 of the SFT run, or of the RL run when the SFT run left Init to it. */
  init: SplitPoint[];
  /** Each run's final evaluation per split (several rows per arm with several training seeds);
   * `arm` names the run's arm, as the verdict's effects do. */
  finals: (SplitPoint & { method: Method; arm: string; folder: string; step: number; gflops: number; delta: number | undefined; failureModes: Record<string, number> })[];
  /** The first SFT and RL runs' final checkpoints (training seed 0's with several). */
  comparison: { sft: string; rl: string; splits: PairedSplit[]; examples: { split: string; seed: number; sft: OwnEpisode; rl: OwnEpisode }[] };
  /** Whether the study reproduces the paper's finding, from the numbers above. */
  verdict: Verdict;
  samples: { method: Method; records: OwnEpisode[] }[];
}

/** How long the run's processes ran: its segments' time, not the pauses between a cancel and
 * its resume; the last segment ends with the run. A segment that left no end (a killed
 * process) is not counted. */
export function runSeconds(manifest: RunManifest | undefined): number | undefined {
  if (!manifest?.endedAt) return undefined;
  const segments = manifest.segments ?? [];
  if (segments.length === 0) return (Date.parse(manifest.endedAt) - Date.parse(manifest.createdAt)) / 1000;
  return segments.reduce((sum, segment, i) => {
    const end = segment.endedAt ?? (i === segments.length - 1 ? manifest.endedAt : undefined);
    return end ? sum + (Date.parse(end) - Date.parse(segment.startedAt)) / 1000 : sum;
  }, 0);
}

/** A run's files as the report reads them, and what could not be read of them. */
interface ReadRun {
  folder: RunFolder;
  metrics: MetricRecord[];
  episodes: OwnEpisode[];
  problems: string[];
}

function readRun(files: RunFiles, createdAt: string, endedHere?: EndedHere): ReadRun {
  const folder = readRunFolder(files.folder, files.manifest);
  const writing = !stoppedWriting(folderState(folder, Date.parse(createdAt), undefined, endedHere));
  const metrics = parseMetricsJsonl(files.metrics ?? '');
  const episodes = parseEpisodesJsonl(files.episodes ?? '');
  const problems = [
    ...folder.problems.map((problem) => `${files.folder}/${problem}`),
    ...lineProblems(`${files.folder}/metrics.jsonl`, metrics, writing, 'the report'),
    ...lineProblems(`${files.folder}/episodes.jsonl`, episodes, writing, 'the report'),
  ];
  return { folder, metrics: metrics.records, episodes: episodes.records, problems };
}

const lastEvalStep = (episodes: OwnEpisode[]) => episodes.filter((e) => e.split !== 'train').reduce((m, e) => Math.max(m, e.step), -1);

/** A few final OOD episodes per method, failures that show the failure mode first. */
function samplesOf(records: OwnEpisode[], count: number): OwnEpisode[] {
  const ood = records.filter((r) => r.splitKind !== 'id');
  const pick = [...ood.filter((r) => !r.success), ...ood.filter((r) => r.success)];
  return pick.slice(0, count);
}

/** The report's default title: the task and the model the study started from (the SFT run's). */
export function studyTitle(manifest: string | undefined): string {
  let config: { model?: { name?: unknown }; environment?: { env?: unknown; modality?: unknown } } | undefined;
  try {
    config = (JSON.parse(manifest ?? '') as { config?: typeof config }).config;
  } catch {
    config = undefined;
  }
  const environment = config?.environment;
  const task = environment ? `${environment.env === 'virl' ? 'V-IRL' : 'GP'}-${environment.modality === 'vision' ? 'VL' : 'L'}: ` : '';
  const model = config?.model?.name;
  return `${task}SFT vs RL from the same Init${typeof model === 'string' ? ` (${model})` : ''}`;
}

/** Refuses a study whose runs' evaluations do not pair: a split both played on another
 * environment or seed, or another decoding (the verdict and the paired examples compare them
 * episode by episode). */
function checkEvaluatedAlike(runs: { method: string; folder: string; manifest: RunManifest | undefined; episodes: OwnEpisode[] }[]): void {
  const sides: ComparedSide[] = runs.flatMap(({ method, folder, manifest, episodes }) =>
    manifest ? [{ side: method, label: folder, runJson: `${folder}/run.json`, kind: 'evaluation' as const, manifest, episodes: episodes.filter((e) => e.split !== 'train') }] : [],
  );
  for (const other of sides.slice(1)) {
    const difference = evaluationDifference(sides[0]!, other);
    if (difference) throw new Error(`the study's runs were not evaluated alike, so their results do not compare: ${difference}; evaluate every run with one evaluation config (same splits, seeds and decoding)`);
  }
}

/** Refuses an arm two of whose runs trained from one seed (their configs differ in nothing
 * else): the report would average them as two training seeds, their spread standing for the
 * seeds' where there is one. The runs are picked by folder name, which says nothing of the seed. */
function checkSeedsDiffer(arms: { label: string; runs: { index: number; info: { seed?: number } }[] }[], folderOf: (index: number) => string): void {
  for (const arm of arms) {
    const first = new Map<number, string>();
    for (const { index, info } of arm.runs) {
      if (info.seed === undefined) continue;
      const earlier = first.get(info.seed);
      if (earlier !== undefined) throw new Error(`${earlier} and ${folderOf(index)} are runs of ${arm.label} with the same seed (${info.seed}) and config: the report would average them as two training seeds; train one again with another seed in its config, or leave it out of the study`);
      first.set(info.seed, folderOf(index));
    }
  }
}

/**
 * The study of `sftRuns` and `rlRuns` (one run per training seed, at least one each) from one
 * Init: the paper view of all of them (the seed mean and its spread with several), each run's
 * finals, the verdict over the seeds, and the first SFT and RL runs compared episode by episode.
 * Runs of a method whose configs differ in more than the seed are separate arms (paperArms),
 * each averaged over its own seeds and named in the verdict's effects.
 */
export function buildReport(title: string, sftRuns: RunFiles[], rlRuns: RunFiles[], createdAt = new Date().toISOString(), endedHere?: EndedHere): ReportData {
  if (sftRuns.length === 0 || rlRuns.length === 0) throw new Error('a study report needs at least one SFT run and one RL run');
  const all = [...sftRuns.map((files) => ['SFT', files] as const), ...rlRuns.map((files) => ['RL', files] as const)];
  const read = all.map(([, files]) => readRun(files, createdAt, endedHere)); // endedHere: a run killed on this machine stopped, though its heartbeat is fresh
  const folders = read.map((run) => run.folder);
  checkEvaluatedAlike(all.map(([method, files], index) => ({ method, folder: files.folder, manifest: folders[index]!.manifest, episodes: read[index]!.episodes })));
  const parsed = read.map((run) => run.metrics);
  const recorded = parsed.map((metrics, index) => {
    const records = new RunRecords();
    records.add(metrics);
    return { info: runInfo(folders[index]!), records };
  });
  const paper = paperColumns(recorded);
  const arms = paperArms(recorded.map((run, index) => ({ ...run, index })), ({ index }) => all[index]![0]);
  checkSeedsDiffer(arms, (index) => all[index]![1].folder);
  const armOf = (index: number) => arms.find((arm) => arm.runs.some((run) => run.index === index))!.label;
  const measures = studyMeasures(recorded);
  // every number below is in its split kind's measure
  const runs = all.map(([method, files], index) => ({
    method,
    folder: files.folder,
    status: runIdentity(folders[index]!).status,
    seconds: runSeconds(folders[index]!.manifest),
    curves: rateCurves(parsed[index]!, (kind) => measures[kind].field),
  }));
  // Init: step 0 of the first run that evaluated it (a run with evaluation.atStart false leaves it to another)
  const initIndex = Math.max(0, runs.findIndex((run) => run.curves.some((c) => c.points.some((p) => p.step === 0))));
  const initRun = runs[initIndex]!;
  const init: SplitPoint[] = initRun.curves.flatMap((c) => {
    const first = c.points.find((p) => p.step === 0);
    return first ? [{ split: c.split, splitKind: c.splitKind, rate: first.rate, stderr: first.stderr, n: first.n }] : [];
  });
  const failureModes = (index: number, split: string, step: number): Record<string, number> => {
    const record = parsed[index]!.filter((r) => r.kind === 'eval' && r.step === step && (r as { split?: string }).split === split).pop();
    return ((record as { failureModes?: Record<string, number> } | undefined)?.failureModes ?? {}) as Record<string, number>;
  };
  const finals = runs.flatMap((run, index) =>
    run.curves.flatMap((c) => {
      const last = c.points[c.points.length - 1];
      if (!last) return [];
      const base = init.find((i) => i.split === c.split)?.rate;
      const delta = base === undefined ? undefined : last.rate - base;
      const modes = failureModes(index, c.split, last.step);
      return [{ method: run.method, arm: armOf(index), folder: run.folder, split: c.split, splitKind: c.splitKind, rate: last.rate, stderr: last.stderr, n: last.n, step: last.step, gflops: last.gflops, delta, failureModes: modes }];
    }),
  );
  const finalEpisodes = (index: number) => {
    const { episodes } = read[index]!;
    const step = lastEvalStep(episodes);
    return episodes.filter((e) => e.split !== 'train' && e.step === step);
  };
  const result = (point: SplitPoint, episodes: OwnEpisode[]): SplitResult => ({ ...point, episodes: episodes.filter((e) => e.split === point.split) });
  const armResults = (method: Method): ArmResults[] =>
    arms
      .filter((arm) => arm.method === method)
      .map((arm) => ({
        label: arm.label,
        seeds: arm.runs.map(({ index }) => {
          const episodes = finalEpisodes(index);
          return finals.filter((f) => f.folder === all[index]![1].folder).map((f) => result(f, episodes));
        }),
      }));
  const [sft, rl] = [sftRuns[0]!, rlRuns[0]!];
  const sftFinal = finalEpisodes(0);
  const rlFinal = finalEpisodes(sftRuns.length);
  const comparison = compareEpisodes(sftFinal, rlFinal);
  const initEpisodes = read[initIndex]!.episodes.filter((e) => e.split !== 'train' && e.step === 0);
  const verdict = armsVerdict(init.map((p) => result(p, initEpisodes)), armResults('SFT'), armResults('RL'), measures);
  const examples = comparison.pairs
    .filter((p) => p.outcomeDiffers)
    .sort((x, y) => Number(y.a.splitKind !== 'id') - Number(x.a.splitKind !== 'id'))
    .slice(0, 6)
    .map((p) => ({ split: p.split, seed: p.seed, sft: p.a, rl: p.b }));
  return {
    title,
    createdAt,
    problems: read.flatMap((run) => run.problems),
    measures,
    paper,
    runs,
    init,
    finals,
    comparison: { sft: sft.folder, rl: rl.folder, splits: comparison.splits, examples },
    verdict,
    samples: [
      { method: 'SFT', records: samplesOf(sftFinal, 3) },
      { method: 'RL', records: samplesOf(rlFinal, 3) },
    ],
  };
}

/** Data for a <script type="application/json">: no `</script>` or `<!--` can end it early. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/</g, '\\u003c').replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
}

/** The whole page: strict CSP, the report script and style inlined with a nonce, the data as JSON. */
export function reportHtml(data: ReportData, script: string, style: string, nonce: string): string {
  const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  const csp = `default-src 'none'; script-src 'nonce-${nonce}'; style-src 'nonce-${nonce}'; img-src data:`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${escape(data.title)}</title>
<style nonce="${nonce}">${style.replace(/<\/style/gi, '<\\/style')}</style>
</head>
<body>
<div id="root"></div>
<script type="application/json" id="report-data">${jsonForScript(data)}</script>
<script nonce="${nonce}">${script.replace(/<\/script/gi, '<\\/script')}</script>
</body>
</html>
`;
}
