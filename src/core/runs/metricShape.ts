// The fields of a metric record the dashboard reads, checked in a few property reads: the
// live reader's per-line check (the trainer validated each record against
// metric-record.schema.json when it wrote it; this keeps torn or foreign lines out at
// >100 MB/s, where a full schema validation runs at about half that).
import type { MetricRecord } from '../contracts/generated/types';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isCount = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 0;
const isNumberOrAbsent = (v: unknown): boolean => v === undefined || typeof v === 'number';
const isRate = (v: unknown): boolean => isObject(v) && typeof v.rate === 'number' && isCount(v.n);
const SPLIT_KINDS = new Set(['id', 'rule-ood', 'visual-ood']);

export function isMetricRecordShape(v: unknown): v is MetricRecord {
  if (!isObject(v) || !isCount(v.step) || typeof v.time !== 'string') return false;
  const compute = v.compute;
  if (!isObject(compute) || typeof compute.gflops !== 'number' || typeof compute.trainTokens !== 'number') return false;
  if (!isNumberOrAbsent(v.wallSeconds) || !isNumberOrAbsent(v.episodes)) return false;
  if (v.kind === 'train') return isObject(v.metrics);
  if (v.kind !== 'eval') return false;
  return (
    typeof v.split === 'string' &&
    SPLIT_KINDS.has(v.splitKind as string) &&
    isRate(v.success) &&
    (v.perStepAccuracy === undefined || isRate(v.perStepAccuracy)) &&
    (v.perStepAccuracyReference === undefined || isRate(v.perStepAccuracyReference)) &&
    (v.recognition === undefined || isRate(v.recognition)) &&
    isNumberOrAbsent(v.meanReward)
  );
}
