// What an assistant is told about a run's episodes (ptlab_findEpisodes,
// src/features/assistant/runTools.ts): the episodes a query selects, a line each, and what an
// outcome filter cannot see: other trainers' episodes record no outcome (only a reward), so
// success and failureMode select none of them, which must not read as "nothing failed". Pure:
// the transcript worker's index answers (EpisodeFile, or its client).
import { shownName } from '../oneLine';
import type { EpisodeRow, FailureGroup, QueryResult, TranscriptFacets, TranscriptQuery } from './types';

/** The index's answers the tool reads. */
export interface EpisodeSearch {
  query(query: TranscriptQuery, start: number, count: number): Promise<QueryResult>;
  /** Over the last query's rows. */
  failureSummary(): FailureGroup[] | Promise<FailureGroup[]>;
  facets(): TranscriptFacets | undefined;
}

/** The first `limit` episodes `query` selects in the run named `name`, as text. */
export async function findEpisodeRows(episodes: EpisodeSearch, name: string, query: TranscriptQuery, limit: number): Promise<string> {
  const filtersOutcome = query.success !== undefined || Boolean(query.failureModes?.length);
  const outcomes = filtersOutcome ? await unknownOutcomes(episodes, query) : undefined;
  const found = await episodes.query(query, 0, limit);
  const lines = [`${name}: ${found.total} episode(s) match${found.total > found.rows.length ? `; the first ${found.rows.length}` : ''}.`];
  if (outcomes?.unknown) lines.push(outcomeNote(outcomes.unknown, outcomes.selected));
  for (const r of found.rows) lines.push(episodeLine(r));
  const facets = episodes.facets();
  if (found.total === 0 && facets) lines.push(`The run has splits ${facets.splits.map(shownName).join(', ') || 'none'}, failure modes ${facets.failureModes.map(shownName).join(', ') || 'none recorded'}, steps ${facets.stepMin ?? '?'}-${facets.stepMax ?? '?'}.`);
  return lines.join('\n');
}

/** How many episodes the query's other filters select, and how many of those record no outcome. */
async function unknownOutcomes(episodes: EpisodeSearch, query: TranscriptQuery): Promise<{ selected: number; unknown: number }> {
  const { success: _success, failureModes: _modes, ...others } = query;
  const { total } = await episodes.query(others, 0, 0);
  const unknown = (await episodes.failureSummary()).reduce((n, group) => n + group.unknown, 0);
  return { selected: total, unknown };
}

function outcomeNote(unknown: number, selected: number): string {
  const why = "record no outcome (another trainer's: only a reward)";
  return unknown === selected
    ? `These ${unknown} episode(s) ${why}, so success and failureMode cannot apply to them: filter by minReward or maxReward instead.`
    : `${unknown} of the ${selected} episode(s) the other filters select ${why}: success and failureMode cannot apply to them, so they are not counted here.`;
}

/** Where an episode is: a parquet file's row (0-based, as pandas counts), a JSON-lines file's line. */
const where = (r: { file?: string; line: number }): string => (r.file?.endsWith('.parquet') ? ` (${shownName(r.file)} row ${r.line - 1})` : ` (${r.file ? `${shownName(r.file)} ` : ''}line ${r.line})`);

/** One episode, on one line whatever its record holds: where it is, its outcome ('outcome
 * unknown' where none is recorded), turns, reward and excerpt. */
export function episodeLine(r: EpisodeRow): string {
  const outcome = r.success === undefined ? 'outcome unknown' : r.success ? 'solved' : `failed${r.failureMode ? ` (${shownName(r.failureMode)})` : ''}`;
  const excerpt = r.match ? `match in turn ${r.match.turn}'s ${r.match.field}` : 'last output';
  return `- ${shownName(r.split)} step ${r.step} episode ${r.episode}${r.seed >= 0 ? ` seed ${r.seed}` : ''}${where(r)}: ${outcome}, ${r.turns} turn(s), reward ${r.totalReward ?? 'unknown'}; ${excerpt}: ${r.snippet}`;
}
