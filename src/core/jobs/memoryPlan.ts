// `python -m ptlab plan CONFIG --json` (trainer/ptlab/plan.py): what each GPU needs at each
// stage of a job, read and shown as Markdown. Pure: the Plan Memory command and the tests share it.

export interface PlanStage {
  name: string;
  rows: number;
  tokens: number;
  /** Bytes per GPU, by part (weights, gradients, optimizer, activations, ...). */
  parts: Record<string, number>;
  total: number;
}

export interface MemoryPlan {
  config: string;
  job: 'sft' | 'ppo';
  model: string;
  strategy: string;
  processes: number;
  gpu_bytes: number;
  counts: { parameters: number; trained: number; largest_layer: number; largest_trained?: number };
  stages: PlanStage[];
  notes: string[];
  peak: string;
  fits: boolean;
}

/** The trainer's JSON, checked for what the view reads; throws naming what is missing. */
export function parseMemoryPlan(text: string): MemoryPlan {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new Error(`ptlab plan printed no JSON (${(err as Error).message})`);
  }
  const plan = value as Partial<MemoryPlan>;
  for (const key of ['config', 'job', 'model', 'strategy', 'processes', 'gpu_bytes', 'counts', 'stages', 'peak', 'fits'] as const) {
    if (plan[key] === undefined) throw new Error(`ptlab plan's JSON has no "${key}"`);
  }
  if (!Array.isArray(plan.stages) || plan.stages.length === 0) throw new Error("ptlab plan's JSON has no stages");
  return { notes: [], ...plan } as MemoryPlan;
}

const GIB = 2 ** 30;

export function formatBytes(bytes: number): string {
  return bytes >= GIB ? `${(bytes / GIB).toFixed(2)} GiB` : `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/** Markdown cells hold the trainer's strings: pipes and line breaks would break the table. */
function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/[\r\n]+/g, ' ');
}

/** One table per GPU: a column per stage, a row per part, the total and the verdict. */
export function memoryPlanMarkdown(plan: MemoryPlan): string {
  const parts = [...new Set(plan.stages.flatMap((s) => Object.keys(s.parts).filter((k) => (s.parts[k] ?? 0) > 0)))];
  const peak = plan.stages.find((s) => s.name === plan.peak) ?? (plan.stages[0] as PlanStage);
  const lines = [
    `# Memory per GPU: ${cell(plan.job.toUpperCase())} of ${cell(plan.model)}`,
    '',
    `${cell(plan.config)}: ${plan.counts.parameters.toLocaleString('en-US')} parameters (${plan.counts.trained.toLocaleString('en-US')} trained), ${plan.processes} process${plan.processes === 1 ? '' : 'es'}, ${cell(plan.strategy)}.`,
    '',
    `**Peak: ${cell(peak.name)}, ${formatBytes(peak.total)} per GPU: ${plan.fits ? 'fits' : 'does not fit'} in ${formatBytes(plan.gpu_bytes)}.**`,
    '',
    `| per GPU | ${plan.stages.map((s) => cell(s.name)).join(' | ')} |`,
    `|---|${plan.stages.map(() => '---:').join('|')}|`,
    `| rows x tokens | ${plan.stages.map((s) => (s.rows ? `${s.rows} x ${s.tokens}` : '')).join(' | ')} |`,
    ...parts.map((part) => `| ${cell(part)} | ${plan.stages.map((s) => (s.parts[part] ? formatBytes(s.parts[part]) : '')).join(' | ')} |`),
    `| **total** | ${plan.stages.map((s) => `**${formatBytes(s.total)}**`).join(' | ')} |`,
    '',
    ...plan.notes.map((note) => `- ${cell(note)}`),
    '',
  ];
  return lines.join('\n');
}
