// Messages between the transcript client (extension host) and its worker thread.
import type { EpisodeRecord } from '../contracts/generated/types';
import type { FailureGroup, IndexProgress, QueryResult, TranscriptFacets, TranscriptQuery } from './types';

export type WorkerRequest =
  | { id: number; kind: 'query'; query: TranscriptQuery; start: number; count: number }
  | { id: number; kind: 'window'; generation: number; start: number; count: number }
  | { id: number; kind: 'summary' }
  | { id: number; kind: 'record'; row: number };

export interface WorkerAnswers {
  query: QueryResult;
  window: QueryResult;
  summary: FailureGroup[];
  record: { raw: string; line: number; record: EpisodeRecord | string };
}

export type WorkerMessage =
  | { id: number; ok: true; value: unknown }
  | { id: number; ok: false; error: string }
  | { event: 'progress'; progress: IndexProgress; facets: TranscriptFacets }
  | { event: 'search'; fraction: number }
  | { event: 'failed'; error: string };
