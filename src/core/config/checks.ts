// Semantic checks of an experiment config beyond its schema: what the schema cannot say
// (relations between fields, files that must exist) and what the trainer would refuse
// later. Pure: the caller says which paths exist, so unit tests and the editor share it.
import * as jsonc from 'jsonc-parser';
import experimentSchema from '../../../schemas/experiment.schema.json';
import { childAt, nonFiniteNumbers, pointerOf, pointerSegments, tooLargeNumber } from '../contracts/contracts';
import { canonicalJson } from '../canonicalJson';
import { crc32 } from '../crc';

export type CheckSeverity = 'error' | 'warning' | 'info';

export interface ConfigIssue {
  /** JSON pointer of the value the issue is about. */
  pointer: string;
  message: string;
  severity: CheckSeverity;
  /** Character range in the text: the value, or for an absent field the key of its nearest present ancestor. */
  offset: number;
  length: number;
}

/** Answers whether a path, relative to the config's folder (or absolute), exists (as a folder, with `folder`). */
export type PathExists = (path: string, folder?: boolean) => boolean;

type Json = Record<string, unknown>;

const EMBEDDED_MODELS = ['embedded:tiny-lm', 'embedded:tiny-vlm', 'embedded:gp-base', 'embedded:virl-base', 'embedded:gp-base-init'];
const EMBEDDED_TEXT_MODELS = ['embedded:tiny-lm', 'embedded:gp-base', 'embedded:virl-base', 'embedded:gp-base-init'];
const VISUAL_KEYS = new Set(['suits', 'modality', 'panoramas']);
/** How an episode is scored, not which variant it is: an OOD split changing only these is still ID
 * (refused as the trainer refuses it: ptlab/config.py split_variant_refused). */
const PROTOCOL_KEYS = new Set(['maxVerify', 'verifier']);

/** Every semantic issue of a config text; an unparsable text has none (the schema reports it). */
export function checkConfig(text: string, pathExists: PathExists): ConfigIssue[] {
  const tree = jsonc.parseTree(text, [], { allowTrailingComma: true });
  const config = tree ? (jsonc.getNodeValue(tree) as unknown) : undefined;
  if (!tree || !isObject(config)) return [];
  const found: Omit<ConfigIssue, 'offset' | 'length'>[] = [
    ...checkSplits(config),
    ...checkModel(config, pathExists),
    ...checkFiles(config, pathExists),
    ...checkSft(config),
    ...checkPpo(config),
    ...checkRowsEndToEnd(config),
    ...checkLauncher(config),
  ];
  return [...tooLargeNumbers(tree, text), ...found.map((issue) => ({ ...issue, ...locate(tree, issue.pointer) }))];
}

/** What the trainer refuses as it reads the file, and the schema (VS Code's JSON service) passes as Infinity. */
function tooLargeNumbers(tree: jsonc.Node, text: string): ConfigIssue[] {
  return nonFiniteNumbers(tree).map((node) => ({
    pointer: pointerOf(jsonc.getNodePath(node)),
    severity: 'error',
    message: tooLargeNumber(text.slice(node.offset, node.offset + node.length)),
    ...rangeOf(node),
  }));
}

/** The pointed-at value; for a field left at its default (absent), the key of its nearest
 * present ancestor, so the mark sits where the field would be written, not on the whole file. */
function locate(tree: jsonc.Node, pointer: string): { offset: number; length: number } {
  let node = tree;
  for (const segment of pointerSegments(pointer)) {
    const child = childAt(node, segment);
    if (!child) return rangeOf(keyOf(node) ?? openingBrace(node));
    node = child;
  }
  return rangeOf(node);
}

function keyOf(value: jsonc.Node): jsonc.Node | undefined {
  return value.parent?.type === 'property' ? value.parent.children?.[0] : undefined;
}

function openingBrace(node: jsonc.Node): jsonc.Node {
  return { ...node, length: 1 };
}

function rangeOf(node: jsonc.Node): { offset: number; length: number } {
  return { offset: node.offset, length: node.length };
}

// ------------------------------------------------------------------ splits

function variantProperties(env: unknown): Record<string, { default?: unknown; $ref?: string }> {
  return (experimentSchema.$defs[env === 'virl' ? 'virl' : 'generalPoints'].properties ?? {}) as Record<string, { default?: unknown; $ref?: string }>;
}

/** The environment's keys with the schema's defaults filled in. */
export function withDefaults(environment: Json): Json {
  const properties = variantProperties(environment.env);
  const filled: Json = {};
  for (const [key, property] of Object.entries(properties)) {
    const fallback = property.default ?? refDefault(property.$ref);
    if (fallback !== undefined) filled[key] = fallback;
  }
  return { ...filled, ...environment };
}

function refDefault(ref: string | undefined): unknown {
  const name = ref?.match(/^#\/\$defs\/(\w+)$/)?.[1];
  return name ? (experimentSchema.$defs as Record<string, { default?: unknown }>)[name]?.default : undefined;
}

function sameValue(a: unknown, b: unknown): boolean {
  return canonicalJson(a) === canonicalJson(b);
}

function checkSplits(config: Json): Omit<ConfigIssue, 'offset' | 'length'>[] {
  const issues: Omit<ConfigIssue, 'offset' | 'length'>[] = [];
  const environment = config.environment;
  const splits = isObject(config.evaluation) && Array.isArray(config.evaluation.splits) ? config.evaluation.splits : undefined;
  if (!isObject(environment) || !splits) return issues;
  const training = withDefaults(environment);
  const names = new Map<string, number>();
  splits.forEach((split: unknown, i) => {
    if (!isObject(split)) return;
    const at = `/evaluation/splits/${i}`;
    const overrides = isObject(split.overrides) ? split.overrides : {};
    issues.push(...foreignOverrides(environment.env, overrides, at));
    const effective = withDefaults({ ...environment, ...overrides });
    const changed = Object.keys(effective).filter((k) => !PROTOCOL_KEYS.has(k) && !sameValue(effective[k], training[k]));
    if (typeof split.name === 'string') {
      const first = names.get(split.name);
      if (first !== undefined) issues.push({ pointer: `${at}/name`, severity: 'error', message: `split name "${split.name}" is already used by split ${first}; records and curves are keyed by name` });
      else names.set(split.name, i);
    }
    if (split.kind === 'id' && changed.length > 0) {
      issues.push({ pointer: `${at}/overrides`, severity: 'warning', message: `an "id" split should be the training variant, but it changes ${changed.join(', ')}` });
    }
    if ((split.kind === 'rule-ood' || split.kind === 'visual-ood') && changed.length === 0) {
      const where = split.overrides === undefined ? `${at}/kind` : `${at}/overrides`;
      issues.push({ pointer: where, severity: 'error', message: `this ${split.kind} split equals the training variant: add overrides that change the ${split.kind === 'rule-ood' ? 'rule (e.g. faceCards, actionSpace)' : 'look (e.g. suits, routes)'}` });
    }
    if (split.kind === 'rule-ood' && changed.length > 0 && changed.every((k) => VISUAL_KEYS.has(k))) {
      issues.push({ pointer: `${at}/kind`, severity: 'warning', message: `this split changes only how things look (${changed.join(', ')}): its kind should be "visual-ood"` });
    }
    if (split.recognition === true && effective.modality !== 'vision') {
      issues.push({ pointer: `${at}/recognition`, severity: 'warning', message: 'recognition is measured on vision splits only; this split is language' });
    }
  });
  if (!splits.some((s: unknown) => isObject(s) && s.kind === 'id')) {
    issues.push({ pointer: '/evaluation/splits', severity: 'warning', message: 'no "id" split: ID vs OOD curves need the training variant evaluated too' });
  }
  return issues;
}

/** Overrides of keys the other kind of environment has (the schema takes either kind's), as the
 * trainer refuses them (ptlab/config.py split_keys_refused). */
function foreignOverrides(env: unknown, overrides: Json, at: string): Omit<ConfigIssue, 'offset' | 'length'>[] {
  if (env !== 'generalpoints' && env !== 'virl') return [];
  const keys = Object.keys(variantProperties(env)).filter((key) => key !== 'env').sort();
  const overridable = Object.keys(experimentSchema.$defs.environmentOverrides.properties);
  return Object.keys(overrides)
    .filter((key) => overridable.includes(key) && !keys.includes(key))
    .map((key) => ({ pointer: `${at}/overrides/${key}`, severity: 'error', message: `${key} is not a key of ${env} environments, the training environment's env (its keys: ${keys.join(', ')})` }));
}

// ------------------------------------------------------------------ model and files

/** A model name that is a local path rather than a Hugging Face id (`org/name`) or embedded. */
export function isLocalPath(name: string): boolean {
  return /^(\.{1,2}[\\/]|[\\/]|~|[A-Za-z]:[\\/])/.test(name) || name.split('/').length > 2;
}

function checkModel(config: Json, pathExists: PathExists): Omit<ConfigIssue, 'offset' | 'length'>[] {
  const issues: Omit<ConfigIssue, 'offset' | 'length'>[] = [];
  const model = config.model;
  if (!isObject(model) || typeof model.name !== 'string') return issues;
  const name = model.name;
  if (name.startsWith('embedded:') && !EMBEDDED_MODELS.includes(name)) {
    issues.push({ pointer: '/model/name', severity: 'error', message: `unknown embedded model "${name}": use ${EMBEDDED_MODELS.join(' or ')}` });
  } else if (isLocalPath(name) && !pathExists(name, true)) {
    const what = pathExists(name) ? 'is not a folder' : 'does not exist';
    issues.push({ pointer: '/model/name', severity: 'error', message: `model folder ${name} ${what} (paths are relative to this file)${tildeNote(name)}` });
  }
  const environment = config.environment;
  const vision = isObject(environment) && environment.modality === 'vision';
  const kind = model.kind ?? 'causal-lm';
  if (vision && (kind !== 'image-text-to-text' || EMBEDDED_TEXT_MODELS.includes(name))) {
    issues.push({ pointer: kind !== 'image-text-to-text' ? '/model/kind' : '/model/name', severity: 'error', message: `vision observations need an image-text-to-text model (model.kind "image-text-to-text")${EMBEDDED_TEXT_MODELS.includes(name) ? `; ${name} reads text only` : ''}` });
  }
  const launch = configuredLaunch(config);
  for (const [pointer, refused] of CHOICES_REFUSED) {
    const reason = refused(config, launch);
    if (reason) issues.push({ pointer, severity: 'error', message: reason });
  }
  return issues;
}

function checkFiles(config: Json, pathExists: PathExists): Omit<ConfigIssue, 'offset' | 'length'>[] {
  const issues: Omit<ConfigIssue, 'offset' | 'length'>[] = [];
  for (const job of ['sft', 'ppo'] as const) {
    const section = config[job];
    if (isObject(section) && typeof section.init === 'string' && !pathExists(section.init)) {
      const hint = job === 'ppo' ? 'run SFT first (it writes the Init checkpoint) or point at an existing checkpoint' : 'train it first or point at an existing checkpoint';
      issues.push({ pointer: `/${job}/init`, severity: 'warning', message: `checkpoint ${section.init} does not exist yet: ${hint}${tildeNote(section.init)}` });
    }
  }
  const environments: [string, unknown][] = [['/environment', config.environment]];
  const splits = isObject(config.evaluation) && Array.isArray(config.evaluation.splits) ? config.evaluation.splits : [];
  splits.forEach((s: unknown, i) => environments.push([`/evaluation/splits/${i}/overrides`, isObject(s) ? s.overrides : undefined]));
  for (const [at, environment] of environments) {
    if (!isObject(environment)) continue;
    if (isObject(environment.routes) && typeof environment.routes.file === 'string' && !pathExists(environment.routes.file)) {
      issues.push({ pointer: `${at}/routes/file`, severity: 'error', message: `route file ${environment.routes.file} does not exist (paths are relative to this file)${tildeNote(environment.routes.file)}` });
    }
    if (typeof environment.panoramas === 'string' && !pathExists(environment.panoramas, true)) {
      const what = pathExists(environment.panoramas) ? 'is not a folder' : 'does not exist';
      issues.push({ pointer: `${at}/panoramas`, severity: 'error', message: `panorama folder ${environment.panoramas} ${what}${tildeNote(environment.panoramas)}` });
    }
  }
  return issues;
}

/** Jobs run without a shell and the trainer joins paths to the config's folder as written. */
function tildeNote(path: string): string {
  return /^~(?=$|[\\/])/.test(path) ? '; "~" is not expanded (jobs run without a shell): it is a folder named ~ beside this file; write the absolute path' : '';
}

// ------------------------------------------------------------------ recipes

/** The SFT trainer's warmup steps (sft.py's lr_schedule): ceil(steps x warmupRatio) as HF's Trainer counts
 * them, the same float product; a log warmup (DeepSpeed's WarmupLR) takes at least 2. */
function warmupSteps(ratio: number, steps: number, shape: unknown): number {
  const warmup = Math.ceil(steps * ratio);
  return shape === 'log' && warmup > 0 ? Math.max(2, warmup) : warmup;
}

function checkSft(config: Json): Omit<ConfigIssue, 'offset' | 'length'>[] {
  const issues: Omit<ConfigIssue, 'offset' | 'length'>[] = [];
  const sft = isObject(config.sft) ? config.sft : {};
  const globalBatch = typeof sft.globalBatchSize === 'number' ? sft.globalBatchSize : 128;
  const data = isObject(sft.data) ? sft.data : {};
  const examples = typeof data.examples === 'number' ? data.examples : 10000;
  if (sft.steps === undefined && globalBatch > examples) {
    issues.push({ pointer: '/sft/globalBatchSize', severity: 'warning', message: `one batch (${globalBatch}) is more than all the data (${examples} examples): one epoch is a single step` });
  }
  const warmup = typeof sft.steps === 'number' && typeof sft.warmupRatio === 'number' ? warmupSteps(sft.warmupRatio, sft.steps, sft.warmupShape) : 0;
  if (typeof sft.steps === 'number' && warmup >= sft.steps) {
    issues.push({ pointer: '/sft/warmupRatio', severity: 'warning', message: `warmup (${warmup} steps) takes the whole run of ${sft.steps} steps: the schedule never decays` });
  }
  if (typeof sft.saveEverySteps === 'number' && typeof sft.steps === 'number' && sft.saveEverySteps > sft.steps) {
    issues.push({ pointer: '/sft/saveEverySteps', severity: 'info', message: `saveEverySteps (${sft.saveEverySteps}) is more than steps (${sft.steps}): only the final checkpoint is saved` });
  }
  if (isObject(data.mix)) {
    const total = Object.values(data.mix).reduce<number>((sum, share) => sum + (typeof share === 'number' ? share : 0), 0);
    if (data.source !== 'pretraining-corpus') {
      issues.push({ pointer: '/sft/data/mix', severity: 'error', message: 'a mix of corpus tasks applies only to "source": "pretraining-corpus"; remove it or set the source' });
    } else if (total !== 1000) {
      issues.push({ pointer: '/sft/data/mix', severity: 'error', message: `the shares are thousandths of the corpus and must add up to 1000; they add up to ${total}` });
    }
  }
  if (data.trajectories === 'suboptimal' && data.wrongAttempts === 0) {
    issues.push({ pointer: '/sft/data/wrongAttempts', severity: 'warning', message: 'sub-optimal trajectories with 0 wrong attempts are the optimal ones' });
  }
  const evaluation = isObject(config.evaluation) ? config.evaluation : {};
  if (typeof evaluation.everySteps === 'number' && typeof sft.steps === 'number' && evaluation.everySteps > sft.steps && isObject(config.sft)) {
    issues.push({ pointer: '/evaluation/everySteps', severity: 'info', message: `SFT runs ${sft.steps} steps, fewer than everySteps (${evaluation.everySteps}): it is evaluated only at step 0 and at checkpoints` });
  }
  return issues;
}

function checkPpo(config: Json): Omit<ConfigIssue, 'offset' | 'length'>[] {
  const issues: Omit<ConfigIssue, 'offset' | 'length'>[] = [];
  if (!isObject(config.ppo)) return issues;
  const ppo = config.ppo;
  const number = (key: string, fallback: number) => (typeof ppo[key] === 'number' ? (ppo[key] as number) : fallback);
  if (number('finalLearningRate', 1e-9) > number('learningRate', 1e-6)) {
    issues.push({ pointer: '/ppo/finalLearningRate', severity: 'warning', message: `finalLearningRate (${number('finalLearningRate', 1e-9)}) is above learningRate (${number('learningRate', 1e-6)}): the cosine schedule would rise` });
  }
  const miniBatch = number('miniBatchSize', 128);
  const buffer = number('stepsPerUpdate', 256);
  if (miniBatch <= buffer && buffer % miniBatch) {
    issues.push({ pointer: '/ppo/miniBatchSize', severity: 'warning', message: `stepsPerUpdate (${buffer}) is not a multiple of miniBatchSize (${miniBatch}): the last Adam step of each epoch averages only ${buffer % miniBatch} transitions` });
  }
  const updates = number('updates', 15);
  const cosine = number('lrCosineUpdates', updates);
  if (cosine < updates) {
    issues.push({ pointer: '/ppo/lrCosineUpdates', severity: 'info', message: `the cosine reaches finalLearningRate after ${cosine} of ${updates} updates, then rises back to learningRate over as many (torch's CosineAnnealingLR is periodic)` });
  }
  if (ppo.init === undefined) {
    issues.push({ pointer: '/ppo/init', severity: 'info', message: 'no ppo.init: PPO starts from the base model; the paper starts RL from an SFT (Init) checkpoint that follows the output format' });
  }
  const evaluation = isObject(config.evaluation) ? config.evaluation : {};
  if (typeof evaluation.everySteps === 'number' && evaluation.everySteps > number('updates', 15)) {
    issues.push({ pointer: '/evaluation/everySteps', severity: 'info', message: `PPO runs ${number('updates', 15)} updates, fewer than everySteps (${evaluation.everySteps}): it is evaluated only at step 0 and at checkpoints` });
  }
  return issues;
}

const DENSE_MASK_ATTENTION = ['auto', 'sdpa', 'eager'];

/** Rows laid end to end under an attention that reads them through one dense mask (the trainer's `sft.paddingFree` note). */
function checkRowsEndToEnd(config: Json): Omit<ConfigIssue, 'offset' | 'length'>[] {
  const model = isObject(config.model) ? config.model : {};
  const attention = typeof model.attention === 'string' ? model.attention : 'auto';
  if (!DENSE_MASK_ATTENTION.includes(attention)) return [];
  const layouts: [string, Json][] = [['sft', isObject(config.sft) ? config.sft : {}], ['ppo', isObject(config.ppo) ? config.ppo : {}]];
  return layouts.flatMap(([job, section]) =>
    (job === 'sft' ? ['packing', 'paddingFree'] : ['paddingFree'])
      .filter((key) => section[key] === true)
      .map((key) => ({
        pointer: `/${job}/${key}`,
        severity: 'info' as const,
        message: `${job}.${key} under model.attention "${attention}": each row is attended through a dense mask over all its sequences, slower than padded rows; model.attention "varlen" attends one sequence at a time (no mask, no padding FLOPs), as do flash_attention_2/3 on CUDA`,
      })),
  );
}

function checkLauncher(config: Json): Omit<ConfigIssue, 'offset' | 'length'>[] {
  const launcher = config.launcher;
  if (!isObject(launcher)) return [];
  const cpu = cpuProcessesRefused(launcher);
  if (cpu) return [{ pointer: '/launcher/cpuProcesses', severity: 'error', message: cpu }];
  return [];
}

/** The trainer's `gpus_refused` (trainer/ptlab/config.py), in the same words. */
function gpusRefused(config: Json, _launch: Launch): string | undefined {
  const launcher = isObject(config.launcher) ? config.launcher : {};
  if (launcher.gpus === undefined || launcher.cpuProcesses !== undefined) return undefined;
  const kind = launcher.kind ?? 'local';
  const count = Array.isArray(launcher.gpus) ? launcher.gpus.length : numberOr(launcher.gpus, 1);
  if (kind === 'accelerate' && count === 0) return 'accelerate needs at least one GPU; use launcher.kind "local" on CPU';
  const perNode = numberOr(isObject(launcher.slurm) ? launcher.slurm.gpusPerNode : undefined, 8);
  if (kind === 'slurm' && count !== perNode) return `gpus: a Slurm job starts launcher.slurm.gpusPerNode (${perNode}) processes on each node, on the GPUs Slurm allocates: remove gpus, or make it ${perNode} GPUs`;
  return undefined;
}

/** The trainer's `cpu_processes_refused` (trainer/ptlab/config.py), in the same words. */
function cpuProcessesRefused(launcher: Json): string | undefined {
  if (launcher.cpuProcesses === undefined) return undefined;
  if ((launcher.kind ?? 'local') !== 'accelerate') return 'cpuProcesses applies to "kind": "accelerate" (it launches that many CPU processes); set the kind, or remove it for one process';
  if (launcher.gpus !== undefined) return 'cpuProcesses runs on the CPUs: remove gpus, or cpuProcesses to use the GPUs';
  const distributed = launcher.distributed ?? 'ddp';
  if (distributed !== 'ddp') return `cpuProcesses runs DDP over gloo, not ${String(distributed)}: remove distributed or set it to "ddp"`;
  return undefined;
}

/** The trainer's `kv_cache_refused` (trainer/ptlab/config.py), in the same words. */
function kvCacheRefused(config: Json, _launch: Launch): string | undefined {
  const model = isObject(config.model) ? config.model : {};
  const launcher = isObject(config.launcher) ? config.launcher : {};
  if (model.kvCache !== 'paged') return undefined;
  if ((model.kind ?? 'causal-lm') === 'image-text-to-text') return 'kvCache "paged" (continuous batching) takes text prompts only: use "dynamic" or "static" with an image-text-to-text model';
  if (launcher.distributed === 'deepspeed-zero3') return 'kvCache "paged" decodes with whole weights on each process, not ZeRO-3 shards: use "dynamic" or "static", or another launcher.distributed';
  if (model.attention === 'varlen') return 'kvCache "paged": transformers\' continuous batching runs under attention "sdpa", "eager" or flash-attention, not "varlen": use "dynamic" or "static", or another model.attention';
  return undefined;
}

/** The trainer's `liger_kernel_refused` (trainer/ptlab/config.py), in the same words. */
function ligerKernelRefused(config: Json, _launch: Launch): string | undefined {
  const model = isObject(config.model) ? config.model : {};
  const launcher = isObject(config.launcher) ? config.launcher : {};
  if (model.ligerKernel !== true) return undefined;
  if ('cpuProcesses' in launcher) return "ligerKernel: Liger's kernels run on CUDA GPUs and cpuProcesses runs on the CPUs: set it to false, or remove cpuProcesses to use the GPUs";
  if ((model.kind ?? 'causal-lm') === 'image-text-to-text') return "ligerKernel: text models only: liger-kernel 0.8.5's patches for image-text-to-text classes do not fit transformers 5.24's (Mllama's fused forward calls its language model with the wrong arguments, Qwen2-VL's fails to import); set it to false";
  if (launcher.distributed === 'deepspeed-zero3') return 'ligerKernel: its fused cross-entropy reads the LM head\'s weight whole, which ZeRO-3 shards: set it to false, or use launcher.distributed "fsdp" or "deepspeed-zero2"';
  return undefined;
}

/** The trainer's `head_chunk_refused` (trainer/ptlab/config.py), in the same words. */
function headChunkRefused(config: Json, launch: Launch): string | undefined {
  const ppo = isObject(config.ppo) ? config.ppo : {};
  if (!ppo.headChunk) return undefined;
  if (launch.strategy === 'fsdp') return 'headChunk: not checked under FSDP (GPUs only; the tests run local, DDP and DeepSpeed launches): set it to 0, or use launcher.distributed "ddp", "deepspeed-zero2" or "deepspeed-zero3"';
  return undefined;
}

/** The trainer's `fsdp_dtype_refused` (trainer/ptlab/config.py), in the same words: FSDP steps its
 * shards in their own dtype ("auto" is bf16 on a GPU), and cannot flatten bf16 weights with LoRA's
 * fp32 adapters. */
function fsdpDtypeRefused(config: Json, launch: Launch): string | undefined {
  const model = isObject(config.model) ? config.model : {};
  if (launch.strategy !== 'fsdp' || (model.dtype ?? 'auto') === 'fp32') return undefined;
  return 'dtype: FSDP steps its weight shards in their own dtype, and in bf16 an Adam step (about the learning rate) rounds away for most weights (with model.lora, it cannot flatten bf16 weights with the fp32 adapters at all): set it to "fp32" (FSDP computes in launcher.mixedPrecision), or use launcher.distributed "ddp", "deepspeed-zero2" or "deepspeed-zero3"';
}

/** The trainer's `sft_batch_refused` (trainer/ptlab/config.py), in the same words: each process
 * takes an equal share of a step in whole micro-batches (only with an sft section). */
function sftBatchRefused(config: Json, launch: Launch): string | undefined {
  if (!isObject(config.sft)) return undefined;
  const globalBatch = numberOr(config.sft.globalBatchSize, 128);
  const microBatch = numberOr(config.sft.microBatchSize, 8);
  if (globalBatch % (microBatch * launch.world) === 0) return undefined;
  const processes = launch.world > 1 ? ` x ${launch.world} processes` : '';
  return `sft.globalBatchSize (${globalBatch}) must be a multiple of sft.microBatchSize (${microBatch})${processes}: gradient accumulation takes whole micro-batches on each process`;
}

/** The trainer's `group_waves_refused` (trainer/ptlab/config.py), in the same words. */
function groupWavesRefused(config: Json, _launch: Launch): string | undefined {
  const ppo = isObject(config.ppo) ? config.ppo : {};
  const envs = numberOr(ppo.parallelEnvs, 16);
  const group = numberOr(ppo.groupSize, 4);
  if (ppo.advantage !== 'group' || envs % group === 0) return undefined;
  return `ppo.parallelEnvs (${envs}) must be a multiple of ppo.groupSize (${group}) with advantage "group": a wave starts whole groups`;
}

/** The trainer's `mini_batch_refused` (trainer/ptlab/config.py), in the same words. */
function miniBatchRefused(config: Json, _launch: Launch): string | undefined {
  const ppo = isObject(config.ppo) ? config.ppo : {};
  const miniBatch = numberOr(ppo.miniBatchSize, 128);
  const buffer = numberOr(ppo.stepsPerUpdate, 256);
  if (miniBatch <= buffer) return undefined;
  return `ppo.miniBatchSize (${miniBatch}) is larger than the rollout buffer (ppo.stepsPerUpdate ${buffer}): lower it, or collect more steps per update`;
}

/** The trainer's `group_advantage_refused` (trainer/ptlab/config.py), in the same words. */
function groupAdvantageRefused(config: Json, launch: Launch): string | undefined {
  const ppo = isObject(config.ppo) ? config.ppo : {};
  if (ppo.advantage !== 'group' || launch.strategy !== 'deepspeed-zero3') return undefined;
  return 'advantage "group" under launcher.distributed "deepspeed-zero3" is not supported (its waves take a different number of generation rounds on each process); use "deepspeed-zero2" or "ddp", or advantage "gae"';
}

/** The trainer's `compile_refused` (trainer/ptlab/config.py), in the same words. */
function compileRefused(config: Json, launch: Launch): string | undefined {
  const model = isObject(config.model) ? config.model : {};
  if (model.compile !== true || launch.strategy === 'ddp') return undefined;
  return `compile: torch.compile is applied under local and DDP launches only, not launcher.distributed "${launch.strategy}": set it to false`;
}

/** The trainer's `fsdp_evaluation_refused` (trainer/ptlab/config.py), in the same words. */
function fsdpEvaluationRefused(config: Json, launch: Launch): string | undefined {
  if (config.evaluation === undefined || launch.strategy !== 'fsdp') return undefined;
  return 'evaluation during launcher.distributed "fsdp" training is not supported: remove this section and evaluate the checkpoints (full weights) with `ptlab eval` under a config with another launcher.distributed, or use "deepspeed-zero3"';
}

/** The trainer's `end_to_end_refused` (trainer/ptlab/config.py), in the same words: a layout that
 * lays sequences end to end in one row, whose image inputs are per sequence. */
function endToEndRefused(section: 'sft' | 'ppo', field: string): Refusal {
  return (config) => {
    const options = isObject(config[section]) ? config[section] : {};
    const environment = isObject(config.environment) ? config.environment : {};
    if (options[field] !== true || environment.modality !== 'vision') return undefined;
    const data = isObject(options.data) ? options.data : {};
    if (section === 'sft' && (data.source ?? 'environment') !== 'environment') return undefined;
    return `${field}: image inputs are per sequence and this environment's observations are images (environment.modality "vision"): set it to false`;
  };
}

/** The trainer's `suboptimal_trajectories_refused`: V-IRL has no sub-optimal SFT data. */
function suboptimalTrajectoriesRefused(config: Json, _launch: Launch): string | undefined {
  const sft = isObject(config.sft) ? config.sft : {};
  const data = isObject(sft.data) ? sft.data : {};
  const environment = isObject(config.environment) ? config.environment : {};
  return data.trajectories === 'suboptimal' && environment.env === 'virl' ? "trajectories \"suboptimal\" (wrong answers and the verifier's messages before the expert's) is GeneralPoints' ablation (the paper's figure 15); V-IRL's SFT data is one expert step per example: use \"optimal\"" : undefined;
}

/** The trainer's `training_seeds_refused` (trainer/ptlab/config.py), in the same words: the
 * episodes training derives from seed (trainer/ptlab/seeds.py) stay apart from the evaluation's. */
function trainingSeedsRefused(config: Json, launch: Launch): string | undefined {
  if (!isObject(config.evaluation)) return undefined;
  const evaluation = config.evaluation;
  const start = numberOr(evaluation.seed, 1234);
  const splits = Array.isArray(evaluation.splits) ? evaluation.splits : [];
  const count = Math.max(0, ...splits.map((split: unknown) => (isObject(split) ? numberOr(split.episodes, 0) : 0)));
  const seed = numberOr(config.seed, 0);
  for (const [what, first, taken] of trainingSeeds(config, seed, launch)) {
    if (seedsMeet(first, taken, start, count)) {
      return `seed ${seed}: ${what} take ${seedSpan(first, taken)}, which meet the evaluation's ${seedSpan(start, count)} (evaluation.seed and the largest split's ${count} episodes): evaluation would score episodes trained on; pick another seed (or evaluation.seed)`;
    }
  }
  return undefined;
}

/** The trainer's `_training_seeds`: (what, first seed, how many) of each job's training episodes the config has a section for. */
function trainingSeeds(config: Json, seed: number, launch: Launch): [string, number, number][] {
  const ranges: [string, number, number][] = [];
  if (isObject(config.sft)) {
    const data = isObject(config.sft.data) ? config.sft.data : {};
    if ((data.source ?? 'environment') === 'environment') ranges.push(["SFT's examples", crc32(`ptlab-sft-data:${seed}`), numberOr(data.examples, 10000)]);
  }
  if (isObject(config.ppo)) {
    const ppo = config.ppo;
    const group = ppo.advantage === 'group' ? numberOr(ppo.groupSize, 4) : undefined;
    ranges.push(["PPO's episodes", crc32(`ptlab-ppo-episodes:${seed}`), ppoEpisodeSeeds(numberOr(ppo.updates, 15), numberOr(ppo.stepsPerUpdate, 256), numberOr(ppo.parallelEnvs, 16), group, launch.world)]);
  }
  return ranges;
}

/** The trainer's `seeds.ppo_episode_seeds`: how many seeds from PPO's base a run's episodes may take, at most. */
function ppoEpisodeSeeds(updates: number, stepsPerUpdate: number, parallelEnvs: number, groupSize: number | undefined, processes: number): number {
  const perProcess = groupSize === undefined ? parallelEnvs + updates * stepsPerUpdate : updates * Math.ceil(stepsPerUpdate / parallelEnvs) * Math.ceil(parallelEnvs / groupSize);
  return perProcess * processes;
}

const SEEDS = 2 ** 32;
const modSeeds = (n: number): number => ((n % SEEDS) + SEEDS) % SEEDS;

/** The trainer's `seeds.meet`: whether start + i (i < count) and otherStart + j (j < otherCount), mod 2**32, share a seed. */
function seedsMeet(start: number, count: number, otherStart: number, otherCount: number): boolean {
  if (count <= 0 || otherCount <= 0) return false;
  return modSeeds(otherStart - start) < count || modSeeds(start - otherStart) < otherCount;
}

/** The trainer's `seeds.span`: "seeds start..end" (mod 2**32), or "every seed" where there are 2**32 or more (a count past 2**53 is not exact here, and need not be). */
function seedSpan(start: number, count: number): string {
  if (count >= SEEDS) return 'every seed';
  return `seeds ${start}..${modSeeds(start + count - 1)}`;
}

/** The trainer's CHOICES_REFUSED: fields whose value the launch, the model kind or the environment rules out, by pointer. */
const CHOICES_REFUSED: [string, Refusal][] = [
  ['/model/kvCache', kvCacheRefused],
  ['/model/ligerKernel', ligerKernelRefused],
  ['/ppo/headChunk', headChunkRefused],
  ...([['sft', 'packing'], ['sft', 'paddingFree'], ['ppo', 'paddingFree'], ['ppo', 'sharedPrefixes']] as const).map(([section, field]): [string, Refusal] => [`/${section}/${field}`, endToEndRefused(section, field)]),
  ['/model/dtype', fsdpDtypeRefused],
  ['/model/compile', compileRefused],
  ['/evaluation', fsdpEvaluationRefused],
  ['/sft/globalBatchSize', sftBatchRefused],
  ['/ppo/parallelEnvs', groupWavesRefused],
  ['/ppo/miniBatchSize', miniBatchRefused],
  ['/ppo/advantage', groupAdvantageRefused],
  ['/launcher/gpus', gpusRefused],
  ['/sft/data/trajectories', suboptimalTrajectoriesRefused],
  ['/seed', trainingSeedsRefused],
];

/** The trainer's `Launch` (trainer/ptlab/config.py): what keeps the training state and how many training processes there are. */
export interface Launch {
  strategy: string;
  world: number;
}

type Refusal = (config: Json, launch: Launch) => string | undefined;

/** The trainer's `configured_launch`: ptlab.plan's `processes` and `distributed_strategy` of the launcher section. */
export function configuredLaunch(config: Json): Launch {
  const launcher = isObject(config.launcher) ? config.launcher : {};
  const world = processes(launcher);
  const distributed = typeof launcher.distributed === 'string' ? launcher.distributed : 'ddp';
  const kind = launcher.kind ?? 'local';
  if (kind !== 'local' && distributed.startsWith('deepspeed')) return { strategy: distributed, world };
  return { strategy: world > 1 ? distributed : 'ddp', world };
}

/** The trainer's `plan.processes`: one per GPU (or cpuProcesses); a local job has one. */
function processes(launcher: Json): number {
  const kind = launcher.kind ?? 'local';
  if (kind === 'local') return 1;
  if (typeof launcher.cpuProcesses === 'number' && launcher.cpuProcesses > 0) return launcher.cpuProcesses;
  if (kind === 'slurm') {
    const slurm = isObject(launcher.slurm) ? launcher.slurm : {};
    return numberOr(slurm.nodes, 1) * numberOr(slurm.gpusPerNode, 8);
  }
  if (Array.isArray(launcher.gpus)) return launcher.gpus.length;
  return typeof launcher.gpus === 'number' && launcher.gpus > 0 ? launcher.gpus : 1;
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' ? value : fallback;
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
