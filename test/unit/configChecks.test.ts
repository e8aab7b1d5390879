import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkConfig, isLocalPath, withDefaults, type ConfigIssue, type PathExists } from '../../src/core/config/checks';

const examples = join(__dirname, '..', '..', '..', 'examples');
const example = (name: string) => JSON.parse(readFileSync(join(examples, name), 'utf8')) as Record<string, any>;
const nothingExists = () => false;
const everythingExists = () => true;

/** Checks a config written as a JSON text; each issue with the text it points at. */
function check(config: unknown, exists: PathExists = everythingExists): (ConfigIssue & { at: string })[] {
  const text = JSON.stringify(config, null, 2);
  return checkConfig(text, exists).map((i) => ({ ...i, at: text.slice(i.offset, i.offset + i.length) }));
}

interface RefusalCase {
  name: string;
  config: Record<string, unknown>;
  refused: { pointer: string; message: string } | null;
}
const refusals = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', 'schemas', 'fixtures', 'experiment.refusals.json'), 'utf8')) as { base: Record<string, unknown>; cases: RefusalCase[] };

function merged(base: unknown, patch: unknown): unknown {
  const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (!isRecord(base) || !isRecord(patch)) return patch;
  return { ...base, ...Object.fromEntries(Object.entries(patch).map(([key, value]) => [key, merged(base[key], value)])) };
}

describe('configChecks', () => {
  for (const refusal of refusals.cases) {
    it(`shares the trainer's refusal (schemas/fixtures/experiment.refusals.json): ${refusal.name}`, () => {
      const errors = check(merged(refusals.base, refusal.config)).filter((i) => i.severity === 'error').map((i) => ({ pointer: i.pointer, message: i.message }));
      assert.deepEqual(errors, refusal.refused ? [refusal.refused] : []);
    });
  }

  it('finds nothing wrong in the paper presets and the tiny config when their checkpoints exist', () => {
    for (const name of ['gp-l', 'gp-vl', 'virl-l', 'virl-vl', 'tiny']) {
      const problems = check(example(`${name}.ptlab.json`)).filter((i) => i.severity !== 'info');
      assert.deepEqual(problems.map((p) => p.message), [], name);
    }
  });

  it('reports a number too large for a float at its value, as the trainer refuses it (the schema reads it as Infinity)', () => {
    const text = '{"name": "x", "environment": {"env": "generalpoints"}, "model": {"name": "embedded:tiny-lm"}, "sft": {"epochs": 1e400}}';
    const issues = checkConfig(text, everythingExists).filter((i) => i.severity === 'error');
    assert.deepEqual(issues.map((i) => [i.pointer, i.message, text.slice(i.offset, i.offset + i.length)]), [['/sft/epochs', '1e400 is too large a number (it reads as Infinity, and JSON has no Infinity; write a finite number)', '1e400']]);
  });

  it('reports an OOD split equal to the training variant, at its overrides', () => {
    const config = example('tiny.ptlab.json');
    config.evaluation.splits[1].overrides = { faceCards: 'all-10' }; // the training rule again
    const [issue] = check(config).filter((i) => /equals the training variant/.test(i.message));
    assert.ok(issue);
    assert.equal(issue.severity, 'error');
    assert.equal(issue.pointer, '/evaluation/splits/1/overrides');
    assert.match(issue.at, /^\{\s*"faceCards": "all-10"\s*\}$/);
  });

  it('compares with the schema defaults filled in (an override equal to a default changes nothing)', () => {
    const config = { name: 'x', environment: { env: 'generalpoints' }, model: { name: 'embedded:tiny-lm' }, evaluation: { splits: [{ name: 'id', kind: 'id', episodes: 4 }, { name: 'ood', kind: 'rule-ood', episodes: 4, overrides: { faceCards: 'all-10', target: 24 } }] } };
    assert.ok(check(config).some((i) => i.pointer === '/evaluation/splits/1/overrides' && /equals the training variant/.test(i.message)));
    assert.equal(withDefaults({ env: 'virl' }).actionSpace, 'absolute');
    assert.equal(withDefaults({ env: 'generalpoints' }).verifier, 'strict');
  });

  it('reports an OOD split without overrides at its kind, an id split that changes the variant, a visual change called rule-ood, duplicate names', () => {
    const config = example('gp-vl.ptlab.json');
    config.evaluation.splits = [
      { name: 'id', kind: 'id', episodes: 4, overrides: { suits: 'red' } },
      { name: 'ood', kind: 'rule-ood', episodes: 4 },
      { name: 'ood', kind: 'rule-ood', episodes: 4, overrides: { suits: 'red' } },
    ];
    const issues = check(config);
    const by = (pointer: string) => issues.find((i) => i.pointer === pointer);
    assert.match(by('/evaluation/splits/0/overrides')!.message, /"id" split should be the training variant, but it changes suits/);
    assert.equal(by('/evaluation/splits/1/kind')!.at, '"rule-ood"');
    assert.match(by('/evaluation/splits/2/name')!.message, /already used by split 1/);
    assert.match(by('/evaluation/splits/2/kind')!.message, /should be "visual-ood"/);
  });

  it('reports a missing local model folder, an unknown embedded model, and a missing init checkpoint at their values', () => {
    const config = example('tiny.ptlab.json');
    const issues = check(config, nothingExists);
    const init = issues.find((i) => i.pointer === '/ppo/init')!;
    assert.equal(init.severity, 'warning');
    assert.equal(init.at, '"runs/tiny-gp-l/sft-init/checkpoints/final"');
    assert.match(init.message, /run SFT first/);
    config.model.name = './models/mine';
    assert.match(check(config, nothingExists).find((i) => i.pointer === '/model/name')!.message, /model folder \.\/models\/mine does not exist/);
    assert.match(check(config, (_path, folder) => !folder).find((i) => i.pointer === '/model/name')!.message, /model folder \.\/models\/mine is not a folder/);
    assert.equal(check(config, everythingExists).filter((i) => i.pointer === '/model/name').length, 0);
    config.model.name = 'embedded:huge-lm';
    assert.match(check(config).find((i) => i.pointer === '/model/name')!.message, /unknown embedded model/);
    for (const name of ['embedded:gp-base', 'embedded:virl-base', 'embedded:gp-base-init']) {
      config.model.name = name;
      assert.equal(check(config).filter((i) => i.pointer === '/model/name').length, 0, name);
      config.environment.modality = 'vision';
      config.model.kind = 'image-text-to-text';
      assert.match(check(config).find((i) => i.pointer === '/model/name')!.message, new RegExp(`${name} reads text only`));
      config.environment.modality = 'language';
      config.model.kind = 'causal-lm';
    }
    config.model.name = 'Qwen/Qwen2.5-0.5B-Instruct'; // a Hub id, not a path
    assert.equal(check(config, nothingExists).filter((i) => i.pointer === '/model/name').length, 0);
    assert.equal(isLocalPath('Qwen/Qwen2.5-0.5B'), false);
    assert.equal(isLocalPath('/models/qwen'), true);
    assert.equal(isLocalPath('models/qwen/v2'), true);
  });

  it('says "~" is not expanded where a path starting with it is missing (the trainer joins it to the config\'s folder as written)', () => {
    const config = example('virl-l.ptlab.json');
    config.model.name = '~/models/mine';
    config.ppo.init = '~/ckpt/final';
    config.environment.routes = { file: '~/routes.json' };
    config.environment.panoramas = '~';
    const asked: string[] = [];
    const issues = check(config, (p: string) => (asked.push(p), false));
    for (const pointer of ['/model/name', '/ppo/init', '/environment/routes/file', '/environment/panoramas']) {
      assert.match(issues.find((i) => i.pointer === pointer)?.message ?? '', /; "~" is not expanded \(jobs run without a shell\): it is a folder named ~ beside this file; write the absolute path$/, pointer);
    }
    assert.ok(asked.includes('~/ckpt/final'), 'the path is asked about as written');
    config.ppo.init = 'runs/~x/final';
    assert.doesNotMatch(check(config, nothingExists).find((i) => i.pointer === '/ppo/init')!.message, /not expanded/);
  });

  it('reports missing route files and panoramas, in the environment and in split overrides', () => {
    const config = example('virl-l.ptlab.json');
    config.environment.routes = { file: 'data/routes.json' };
    config.evaluation.splits[1].overrides = { actionSpace: 'relative', panoramas: 'pano' };
    const pointers = check(config, nothingExists).filter((i) => i.severity === 'error').map((i) => i.pointer);
    assert.ok(pointers.includes('/environment/routes/file'));
    assert.ok(pointers.includes('/evaluation/splits/1/overrides/panoramas'));
    const fileNotFolder = check(config, (_path, folder) => !folder).find((i) => i.pointer === '/evaluation/splits/1/overrides/panoramas');
    assert.match(fileNotFolder!.message, /panorama folder pano is not a folder/);
  });

  it("counts warmup steps as the trainer does, ceil(steps x warmupRatio) as HF's Trainer: 0.1 of 5 steps is 1 step, 0.9 of 5 is 5; a log warmup at least 2", () => {
    const warned = (warmupRatio: number, steps: number, warmupShape = 'linear') => {
      const config = example('tiny.ptlab.json');
      Object.assign(config.sft, { warmupRatio, steps, warmupShape, saveEverySteps: steps });
      return check(config).find((i) => i.pointer === '/sft/warmupRatio')?.message;
    };
    assert.equal(warned(0.1, 5), undefined);
    assert.equal(warned(0.7, 5), undefined); // 3.5: 4 steps
    assert.equal(warned(1, 5), 'warmup (5 steps) takes the whole run of 5 steps: the schedule never decays');
    assert.equal(warned(0.9, 5), 'warmup (5 steps) takes the whole run of 5 steps: the schedule never decays'); // 4.5: 5 steps
    assert.equal(warned(0.8, 4), 'warmup (4 steps) takes the whole run of 4 steps: the schedule never decays'); // 3.2: 4 steps
    assert.equal(warned(0.5, 2), undefined);
    assert.equal(warned(0.5, 2, 'log'), 'warmup (2 steps) takes the whole run of 2 steps: the schedule never decays'); // DeepSpeed's log warmup takes at least 2
  });

  it('reports impossible recipes: batch not divisible, warmup over the whole run, PPO minibatch over the buffer or not dividing it, a cosine shorter than the run (it rises again), final LR above the initial one, vision on a text model; not a maxLength under maxNewTokens (it bounds SFT examples only)', () => {
    const config = example('tiny.ptlab.json');
    config.sft.globalBatchSize = 30;
    config.sft.microBatchSize = 16;
    config.sft.steps = 10;
    config.sft.warmupRatio = 1;
    config.ppo.miniBatchSize = 128;
    config.ppo.finalLearningRate = 0.5;
    config.model.maxLength = 64;
    config.environment.modality = 'vision';
    const issues = check(config);
    const at = (pointer: string) => issues.find((i) => i.pointer === pointer);
    assert.match(at('/sft/globalBatchSize')!.message, /must be a multiple of sft.microBatchSize \(16\): gradient accumulation takes whole micro-batches on each process/);
    assert.equal(at('/sft/globalBatchSize')!.at, '30');
    assert.match(at('/sft/warmupRatio')!.message, /never decays/);
    assert.match(at('/ppo/miniBatchSize')!.message, /larger than the rollout buffer/);
    assert.match(at('/ppo/finalLearningRate')!.message, /would rise/);
    const corpus = example('gp-base.pretrain.ptlab.json');
    corpus.sft.data.mix = { 'card-puzzle': 600, 'twenty-four': 300 };
    assert.match(check(corpus).find((i) => i.pointer === '/sft/data/mix')!.message, /must add up to 1000; they add up to 900/);
    corpus.sft.data.mix = { 'card-puzzle': 700, 'twenty-four': 300 };
    assert.equal(check(corpus).find((i) => i.pointer === '/sft/data/mix'), undefined);
    corpus.sft.data.source = 'environment';
    assert.match(check(corpus).find((i) => i.pointer === '/sft/data/mix')!.message, /applies only to "source": "pretraining-corpus"/);
    const ppo = example('gp-l.ptlab.json');
    ppo.ppo.miniBatchSize = 100;
    ppo.ppo.lrCosineUpdates = 5;
    const schedule = check(ppo);
    assert.match(schedule.find((i) => i.pointer === '/ppo/miniBatchSize')!.message, /last Adam step of each epoch averages only 56 transitions/);
    assert.equal(schedule.find((i) => i.pointer === '/ppo/lrCosineUpdates')!.message, 'the cosine reaches finalLearningRate after 5 of 20 updates, then rises back to learningRate over as many (torch\'s CosineAnnealingLR is periodic)');
    ppo.ppo.lrCosineUpdates = 12.5; // the paper presets: the reference's T_max 100 over 8 processes
    assert.match(check(ppo).find((i) => i.pointer === '/ppo/lrCosineUpdates')!.message, /after 12.5 of 20 updates/);
    assert.equal(at('/model/maxLength'), undefined);
    assert.match(at('/model/kind')!.message, /image-text-to-text/);
  });

  it('warns and notes at their thresholds only: a batch of all the data, saving at the last step, a cosine or an evaluation period of the whole run', () => {
    const base = { name: 'x', environment: { env: 'generalpoints' }, model: { name: 'embedded:tiny-lm' } };
    const pointers = (config: unknown) => check(config).map((i) => `${i.severity} ${i.pointer}`);
    const sft = (options: object) => pointers({ ...base, sft: { microBatchSize: 8, ...options } });
    assert.ok(!sft({ globalBatchSize: 64, data: { examples: 64 } }).includes('warning /sft/globalBatchSize'), 'one batch of exactly all the data');
    assert.ok(sft({ globalBatchSize: 64, data: { examples: 63 } }).includes('warning /sft/globalBatchSize'));
    assert.ok(!sft({ steps: 10, saveEverySteps: 10 }).includes('info /sft/saveEverySteps'), 'saving at the last step');
    assert.ok(sft({ steps: 10, saveEverySteps: 11 }).includes('info /sft/saveEverySteps'));
    assert.ok(!sft({ data: { trajectories: 'suboptimal', wrongAttempts: 1 } }).includes('warning /sft/data/wrongAttempts'));
    assert.ok(sft({ data: { trajectories: 'suboptimal', wrongAttempts: 0 } }).includes('warning /sft/data/wrongAttempts'));
    const ppo = (options: object, evaluation?: object) => pointers({ ...base, ppo: { init: 'i', updates: 20, ...options }, ...(evaluation ? { evaluation: { splits: [{ name: 'id', kind: 'id', episodes: 4 }], ...evaluation } } : {}) });
    assert.ok(!ppo({ lrCosineUpdates: 20 }).includes('info /ppo/lrCosineUpdates'), 'a cosine over the whole run');
    assert.ok(!ppo({}, { everySteps: 20 }).includes('info /evaluation/everySteps'), 'evaluated at the last update');
    assert.ok(ppo({}, { everySteps: 21 }).includes('info /evaluation/everySteps'));
  });

  it('warns of evaluation splits without an "id" one, and of a rule-ood split that only changes the look; an override of env is the schema\'s', () => {
    const base = { name: 'x', environment: { env: 'generalpoints' }, model: { name: 'embedded:tiny-lm' } };
    const splits = (...list: object[]) => check({ ...base, evaluation: { splits: list } }).map((i) => [i.severity, i.pointer, i.message]);
    assert.deepEqual(splits({ name: 'ood', kind: 'rule-ood', episodes: 4, overrides: { faceCards: '11-12-13' } }), [['warning', '/evaluation/splits', 'no "id" split: ID vs OOD curves need the training variant evaluated too']]);
    const look = (overrides: object) => splits({ name: 'id', kind: 'id', episodes: 4 }, { name: 'ood', kind: 'rule-ood', episodes: 4, overrides }).filter(([, pointer]) => pointer === '/evaluation/splits/1/kind');
    assert.equal(look({ suits: 'red' }).length, 1);
    assert.deepEqual(look({ suits: 'red', faceCards: '11-12-13' }), [], 'the rule changes too');
    assert.deepEqual(splits({ name: 'id', kind: 'id', episodes: 4 }, { name: 'ood', kind: 'rule-ood', episodes: 4, overrides: { faceCards: '11-12-13', env: 'virl' } }), []);
    // a folder whose name starts with "~" is no home folder
    const named = check({ ...base, ppo: { init: '~x/final' } }, nothingExists).find((i) => i.pointer === '/ppo/init')!;
    assert.doesNotMatch(named.message, /not expanded/);
  });

  it('takes group (GRPO) advantages as the trainer does: whole groups per wave of parallel environments', () => {
    const config = example('tiny.ptlab.json');
    config.ppo.advantage = 'group';
    config.ppo.groupSize = 4;
    config.ppo.parallelEnvs = 32;
    assert.equal(check(config).find((i) => i.pointer.startsWith('/ppo/advantage') || i.pointer === '/ppo/parallelEnvs'), undefined);
    config.ppo.parallelEnvs = 30;
    assert.match(check(config).find((i) => i.pointer === '/ppo/parallelEnvs')!.message, /must be a multiple of ppo.groupSize \(4\)/);
  });

  it('refuses launcher.cpuProcesses outside accelerate, with GPUs or with sharding, in the trainer\'s words', () => {
    const base = { name: 'x', environment: { env: 'generalpoints' }, model: { name: 'embedded:tiny-lm' } };
    const issues = (launcher: object) => check({ ...base, launcher }).filter((i) => i.pointer.startsWith('/launcher'));
    assert.deepEqual(issues({ kind: 'accelerate', cpuProcesses: 2 }), []);
    const refusals: [object, RegExp][] = [
      [{ cpuProcesses: 2 }, /^cpuProcesses applies to "kind": "accelerate"/],
      [{ kind: 'accelerate', cpuProcesses: 2, gpus: 2 }, /^cpuProcesses runs on the CPUs: remove gpus/],
      [{ kind: 'accelerate', cpuProcesses: 2, distributed: 'fsdp' }, /^cpuProcesses runs DDP over gloo, not fsdp/],
    ];
    for (const [launcher, message] of refusals) {
      const [issue] = issues(launcher);
      assert.equal(issue?.pointer, '/launcher/cpuProcesses', JSON.stringify(launcher));
      assert.equal(issue.severity, 'error');
      assert.match(issue.message, message);
      assert.equal(issue.at, '2');
    }
  });

  it('notes rows laid end to end under an attention that reads them through a dense mask, and points to varlen', () => {
    const base = { name: 'x', environment: { env: 'generalpoints' }, sft: { packing: true, paddingFree: true }, ppo: { paddingFree: true } };
    const notes = (attention?: string) => check({ ...base, model: attention ? { name: 'm', attention } : { name: 'm' } }).filter((i) => /each row is attended through a dense mask/.test(i.message));
    for (const attention of [undefined, 'sdpa', 'eager']) {
      const found = notes(attention);
      assert.deepEqual(found.map((i) => [i.pointer, i.severity, i.at]), [['/sft/packing', 'info', 'true'], ['/sft/paddingFree', 'info', 'true'], ['/ppo/paddingFree', 'info', 'true']], String(attention));
      assert.match(found[1]?.message ?? '', new RegExp(`^sft.paddingFree under model.attention "${attention ?? 'auto'}": .* model.attention "varlen" attends one sequence at a time`));
    }
    for (const attention of ['varlen', 'flash_attention_2', 'flex_attention']) assert.deepEqual(notes(attention), [], attention);
    assert.deepEqual(check({ ...base, sft: {}, ppo: { paddingFree: false }, model: { name: 'm' } }).filter((i) => /dense mask/.test(i.message)), []);
  });

  it('refuses model.kvCache "paged" with an image-text-to-text model, under ZeRO-3 or with varlen attention, in the trainer\'s words', () => {
    const base = { name: 'x', environment: { env: 'generalpoints' } };
    const issues = (model: object, launcher: object = {}) => check({ ...base, model: { name: 'm', kvCache: 'paged', ...model }, launcher }).filter((i) => i.pointer === '/model/kvCache');
    assert.deepEqual(issues({}), []);
    assert.deepEqual(issues({}, { kind: 'accelerate', gpus: 2 }), []);
    const refusals: [object, object, RegExp][] = [
      [{ kind: 'image-text-to-text' }, {}, /^kvCache "paged" \(continuous batching\) takes text prompts only/],
      [{}, { kind: 'accelerate', gpus: 2, distributed: 'deepspeed-zero3' }, /^kvCache "paged" decodes with whole weights on each process, not ZeRO-3 shards/],
      [{ attention: 'varlen' }, {}, /^kvCache "paged": transformers' continuous batching runs under attention "sdpa", "eager" or flash-attention, not "varlen"/],
    ];
    for (const [model, launcher, message] of refusals) {
      const [issue] = issues(model, launcher);
      assert.equal(issue?.severity, 'error', JSON.stringify(model));
      assert.match(issue.message, message);
      assert.equal(issue.at, '"paged"');
    }
  });

  it('refuses model.ligerKernel on CPU processes, with an image-text-to-text model or under ZeRO-3, in the trainer\'s words', () => {
    const base = { name: 'x', environment: { env: 'generalpoints' } };
    const issues = (model: object, launcher: object = {}) => check({ ...base, model: { name: 'm', ligerKernel: true, ...model }, launcher }).filter((i) => i.pointer === '/model/ligerKernel');
    assert.deepEqual(issues({}), []);
    assert.deepEqual(issues({}, { kind: 'accelerate', gpus: 2, distributed: 'fsdp' }), []);
    assert.deepEqual(issues({ ligerKernel: false, kind: 'image-text-to-text' }, { kind: 'accelerate', cpuProcesses: 2 }), []);
    const refusals: [object, object, RegExp][] = [
      [{}, { kind: 'accelerate', cpuProcesses: 2 }, /^ligerKernel: Liger's kernels run on CUDA GPUs and cpuProcesses runs on the CPUs/],
      [{ kind: 'image-text-to-text' }, {}, /^ligerKernel: text models only: liger-kernel 0\.8\.5's patches for image-text-to-text classes/],
      [{}, { kind: 'accelerate', gpus: 2, distributed: 'deepspeed-zero3' }, /^ligerKernel: its fused cross-entropy reads the LM head's weight whole, which ZeRO-3 shards/],
    ];
    for (const [model, launcher, message] of refusals) {
      const [issue] = issues(model, launcher);
      assert.equal(issue?.severity, 'error', JSON.stringify([model, launcher]));
      assert.match(issue.message, message);
      assert.equal(issue.at, 'true');
    }
  });

  it('refuses ppo.headChunk under FSDP, in the trainer\'s words', () => {
    const base = { name: 'x', environment: { env: 'generalpoints' }, model: { name: 'm' } };
    const issues = (headChunk: number, distributed: string) => check({ ...base, ppo: { headChunk }, launcher: { kind: 'accelerate', gpus: 2, distributed } }).filter((i) => i.pointer === '/ppo/headChunk');
    for (const distributed of ['ddp', 'deepspeed-zero2', 'deepspeed-zero3']) assert.deepEqual(issues(256, distributed), [], distributed);
    assert.deepEqual(issues(0, 'fsdp'), []);
    const [issue] = issues(256, 'fsdp');
    assert.equal(issue?.severity, 'error');
    assert.match(issue.message, /^headChunk: not checked under FSDP \(GPUs only; the tests run local, DDP and DeepSpeed launches\)/);
    assert.equal(issue.at, '256');
  });

  it("refuses low-precision trained weights under FSDP, in the trainer's words", () => {
    const issues = (model: Record<string, unknown>, distributed: string) => check({ name: 'x', environment: { env: 'generalpoints' }, model: { name: 'm', ...model }, launcher: { kind: 'accelerate', gpus: 2, distributed } }).filter((i) => i.pointer === '/model/dtype');
    for (const model of [{}, { dtype: 'bf16' }, { dtype: 'fp16' }, { lora: { r: 4 } }, { dtype: 'bf16', lora: { r: 4 } }]) {
      const [issue] = issues(model, 'fsdp');
      assert.equal(issue?.severity, 'error', JSON.stringify(model));
      assert.match(issue.message, /^dtype: FSDP steps its weight shards in their own dtype, and in bf16 an Adam step \(about the learning rate\) rounds away for most weights \(with model\.lora, it cannot flatten bf16 weights with the fp32 adapters at all\): set it to "fp32"/);
    }
    for (const [model, distributed] of [[{ dtype: 'fp32' }, 'fsdp'], [{ dtype: 'fp32', lora: { r: 4 } }, 'fsdp'], [{ lora: { r: 4 } }, 'ddp'], [{}, 'ddp'], [{ dtype: 'bf16' }, 'deepspeed-zero3']] as const) assert.deepEqual(issues(model, distributed), [], `${JSON.stringify(model)} ${distributed}`);
  });

  it('refuses rows laid end to end (sft.packing, sft.paddingFree, ppo.paddingFree, ppo.sharedPrefixes) with vision observations, in the trainer\'s words', () => {
    const base = { name: 'x', model: { name: 'm', kind: 'image-text-to-text' } };
    const fields = [['sft', 'packing'], ['sft', 'paddingFree'], ['ppo', 'paddingFree'], ['ppo', 'sharedPrefixes']] as const;
    for (const [section, field] of fields) {
      const issues = (modality: string, options: object = {}) => check({ ...base, environment: { env: 'generalpoints', modality }, [section]: { [field]: true, ...options } }).filter((i) => i.pointer === `/${section}/${field}` && i.severity === 'error');
      assert.deepEqual(issues('language'), [], field);
      const [issue] = issues('vision');
      assert.equal(issue?.severity, 'error', `${section}.${field}`);
      assert.equal(issue.message, `${field}: image inputs are per sequence and this environment's observations are images (environment.modality "vision"): set it to false`);
      assert.equal(issue.at, 'true');
      if (section === 'sft') assert.deepEqual(issues('vision', { data: { source: 'pretraining-corpus' } }), [], 'the corpus is text');
    }
  });

  it('marks a refused field left at its default at the key of its nearest present ancestor, never the whole file', () => {
    const base = { name: 'x', environment: { env: 'generalpoints' }, model: { name: 'm' } };
    const at = (config: Record<string, unknown>, pointer: string) => check({ ...base, ...config }).filter((i) => i.pointer === pointer).map((i) => i.at);
    assert.deepEqual(at({ ppo: { stepsPerUpdate: 64 } }, '/ppo/miniBatchSize'), ['"ppo"']);
    assert.deepEqual(at({ sft: { microBatchSize: 7 } }, '/sft/globalBatchSize'), ['"sft"']);
    assert.deepEqual(at({ ppo: { advantage: 'group', groupSize: 5, init: 'c' } }, '/ppo/parallelEnvs'), ['"ppo"']);
    assert.deepEqual(at({ environment: { env: 'generalpoints', modality: 'vision' } }, '/model/kind'), ['"model"']);
    assert.deepEqual(at({ launcher: { kind: 'accelerate', gpus: 2, distributed: 'fsdp' } }, '/model/dtype'), ['"model"']);
    assert.deepEqual(at({ ppo: {} }, '/ppo/init'), ['"ppo"'], 'no ppo.init');
    const text = '{"name": "x", "environment": {"env": "generalpoints"}, "model": {"name": "m"}, "sft": {"microBatchSize": 7}}';
    const refused = checkConfig(text, everythingExists).find((i) => i.pointer === '/sft/globalBatchSize');
    assert.equal(refused && text.slice(refused.offset, refused.offset + refused.length), '"sft"');
  });

  it('marks the last of duplicate keys, the value the trainer reads, not the ignored first', () => {
    const text = '{"name": "x", "environment": {"env": "generalpoints"}, "model": {"name": "m"},\n "ppo": {"miniBatchSize": 64, "stepsPerUpdate": 64, "miniBatchSize": 512, "init": "c"}}';
    const [issue] = checkConfig(text, everythingExists).filter((i) => i.pointer === '/ppo/miniBatchSize');
    assert.ok(issue);
    assert.match(issue.message, /ppo.miniBatchSize \(512\) is larger than the rollout buffer/);
    assert.equal(text.slice(issue.offset, issue.offset + issue.length), '512');
  });

  it('returns nothing for text that is not JSON (the schema validator reports it)', () => {
    assert.deepEqual(checkConfig('{"name": ', everythingExists), []);
    assert.deepEqual(checkConfig('[1, 2]', everythingExists), []);
  });
});
