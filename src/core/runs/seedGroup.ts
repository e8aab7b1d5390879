// A ptlab run's seed group: the runs that are seeds of one arm, whose configs differ only in
// the seed. Its key is what the dashboard aggregates by; `groupDifferences` reads keys back to
// tell arms apart. Pure and light (the webviews bundle it through the dashboard's model).
import { canonicalJson } from '../canonicalJson';

/** The key of a run of `job` from `init` with `config`: canonical JSON of them, the config without
 * the seed and without what names, files, reports or alerts on a run or says which run evaluates
 * the shared Init (`evaluation.atStart`): a study's seed runs differ in these (the demo's
 * `ppo-seed1` in its name and atStart). */
export function seedGroupKey(job: string, init: string | undefined, config: Record<string, unknown>): string {
  const { seed: _seed, name: _name, description: _description, outputDir: _outputDir, logging: _logging, alerts: _alerts, ...arm } = config;
  if (arm.evaluation && typeof arm.evaluation === 'object') {
    const { atStart: _atStart, ...evaluation } = arm.evaluation as Record<string, unknown>;
    arm.evaluation = evaluation;
  }
  return canonicalJson({ job, init: init ?? null, config: arm });
}

/** A run that repeats the seed of an earlier run of its seed group (a copied folder, a config
 * run twice): same-seed runs are not independent samples, and averaged as seeds they would
 * shrink the band. Such a run gets a seed group of its own, `seedRepeat` k in its key (its
 * arm's label names it) for the k-th repeat, and `repeatOf` names the first run. Runs without
 * a seed (a log whose name carries none) are kept as they are. */
export function keepRepeatedSeedsApart<T extends { folder: string; seed: number | undefined; groupKey: string; groupLabel: string }>(runs: readonly T[]): (T & { repeatOf?: string })[] {
  const seen = new Map<string, string[]>();
  return runs.map((run) => {
    if (run.seed === undefined) return run;
    const id = `${run.groupKey}\u0000${run.seed}`;
    const earlier = seen.get(id) ?? [];
    seen.set(id, [...earlier, run.folder]);
    if (earlier.length === 0) return run;
    return { ...run, groupKey: withSeedRepeat(run.groupKey, earlier.length), groupLabel: `${run.groupLabel} · repeat ${earlier.length}`, repeatOf: earlier[0]! };
  });
}

function withSeedRepeat(key: string, repeat: number): string {
  try {
    const parsed: unknown = JSON.parse(key);
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) return canonicalJson({ ...parsed, seedRepeat: repeat });
  } catch {
    // an imported run's key, naming its folder
  }
  return `${key}\u0000seedRepeat=${repeat}`;
}

/** For each key, the fields in which it differs from the others as `path=value` (config fields
 * by their path, e.g. `ppo.learningRate=0.00001`); none where all keys are equal. */
export function groupDifferences(keys: readonly string[]): string[][] {
  const fields = keys.map((key) => {
    const flat = new Map<string, string>();
    try {
      flatten(JSON.parse(key), '', flat);
    } catch {
      flat.set('run', key); // not a seedGroupKey: an imported run's, naming its folder
    }
    return flat;
  });
  const paths = [...new Set(fields.flatMap((f) => [...f.keys()]))].filter((path) => new Set(fields.map((f) => f.get(path))).size > 1);
  const labels = new Map(paths.map((path) => [path, distinctlyShown([...new Set(fields.flatMap((f) => f.get(path) ?? []))])]));
  return fields.map((f) => paths.map((path) => {
    const value = f.get(path);
    return `${path}=${value === undefined ? 'unset' : labels.get(path)!.get(value)!}`;
  }));
}

/** Each of a field's distinct values shown short (`shown`), and where two come out alike (two
 * folders each with a v1 and a v2 file), those shown by their start and end, or else whole:
 * every value keeps a label of its own (the paper legend is keyed by label). */
function distinctlyShown(values: readonly string[]): Map<string, string> {
  const labels = new Map(values.map((value) => [value, shown(value, values)]));
  for (const relabel of [startAndEnd, (value: string) => value]) {
    const uses = new Map<string, number>();
    for (const label of labels.values()) uses.set(label, (uses.get(label) ?? 0) + 1);
    const alike = values.filter((value) => uses.get(labels.get(value)!)! > 1);
    if (alike.length === 0) break;
    for (const value of alike) labels.set(value, relabel(value));
  }
  return labels;
}

function startAndEnd(value: string): string {
  const half = SHOWN_CHARACTERS / 2;
  return value.length <= SHOWN_CHARACTERS ? value : `${value.slice(0, half)}…${value.slice(-half)}`;
}

const SHOWN_CHARACTERS = 40;

/** A long value from a little before where it differs from the one most like it among the
 * field's `values`, so long values that share a start (file paths) stay told apart however
 * short a third value is. */
function shown(value: string, values: readonly string[]): string {
  if (value.length <= SHOWN_CHARACTERS) return value;
  const differsAt = Math.max(0, ...values.filter((v) => v !== value).map((v) => commonPrefix(value, v)));
  const start = Math.max(0, differsAt - 10);
  const rest = value.slice(start);
  return `${start > 0 ? '…' : ''}${rest.length > SHOWN_CHARACTERS ? `${rest.slice(0, SHOWN_CHARACTERS - 1)}…` : rest}`;
}

function commonPrefix(a: string, b: string): number {
  let at = 0;
  while (at < a.length && a[at] === b[at]) at++;
  return at;
}

/** What tells arms apart, for a label: at most `shown` differing fields, then "+N more". */
export function differenceLabel(fields: readonly string[], shown = 3): string {
  return fields.slice(0, shown).join(', ') + (fields.length > shown ? `, +${fields.length - shown} more` : '');
}

/** Leaves by dotted path, a config's without the `config.` prefix; arrays whole. */
function flatten(value: unknown, path: string, into: Map<string, string>): void {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, child] of Object.entries(value)) flatten(child, path === '' || path === 'config' ? key : `${path}.${key}`, into);
  } else into.set(path, typeof value === 'string' ? value : canonicalJson(value));
}
