// Generated from schemas/*.schema.json by scripts/gen-types.mjs. Do not edit by hand.
/**
 * The training environment: the variant SFT data is drawn from and PPO is trained on. Evaluation splits override some of its keys.
 */
export type Environment = GeneralPoints | VIRL;
/**
 * Adam (beta1, beta2); the reference's PPO leaves torch's default (0.9, 0.999).
 *
 * @minItems 2
 * @maxItems 2
 */
export type Betas = [unknown, unknown];
/**
 * Append-only, one JSON object per line, flushed per record. `kind` tells a training record (per SFT logging step or PPO update) from an evaluation record (one split at one step). Every record carries the compute spent so far.
 */
export type MetricRecord = {
  kind: 'train' | 'eval';
  /**
   * Global step: SFT optimizer step or PPO update, continuous across resumes.
   */
  step: number;
  time: string;
  /**
   * Seconds of training wall time so far (summed over segments).
   */
  wallSeconds?: number;
  /**
   * Process lifetime (0, then 1 after the first resume, ...).
   */
  segment?: number;
  /**
   * Training episodes (PPO) or examples (SFT) consumed so far.
   */
  episodes?: number;
  /**
   * Checkpoint evaluated (eval records), relative to the run folder.
   */
  checkpoint?: string;
  compute: Compute;
} & (TrainingRecord | EvaluationRecord);
export type Turn = {
  index: number;
  /**
   * Full prompt (first turn, and V-IRL turns after a move, where the prompt is rebuilt).
   */
  prompt?: string;
  /**
   * Only what this turn appends to the chat (the verifier's failure message turn).
   */
  promptDelta?: string;
  /**
   * Observation image for this turn, relative to the run folder.
   */
  image?: string;
  /**
   * The model's raw output.
   */
  output: string;
  reward?: number;
  /**
   * The verifier's message.
   */
  message: string;
  done: boolean;
  /**
   * V-IRL: the correct action at this position.
   */
  expertAction?: string;
  /**
   * Vision: the four cards were recognised.
   */
  recognized?: boolean;
  /**
   * Failure-mode label of a failed attempt (shared/spec/environments.md).
   */
  failureMode?:
    | 'format'
    | 'illegal-formula'
    | 'wrong-numbers'
    | 'arithmetic'
    | 'rule-collapse'
    | 'recognition'
    | 'wrong-turn'
    | 'missed-intersection'
    | 'phantom-intersection'
    | 'premature-stop'
    | 'missed-stop'
    | 'action-space-confusion'
    | 'budget-exhausted';
  outputTokens?: number;
  promptTokens?: number;
  /**
   * PPO rollout turns: the advantage the update computed for this attempt (after the rollout's normalization with GAE; over the group's std with ppo.groupStd), whether or not the update drew the attempt to train on.
   */
  advantage?: number;
  /**
   * PPO rollout turns: the return the advantage came from (GAE's return; with group advantages the episode's return, or with ppo.groupCredit "turn" the return-to-go from this attempt).
   */
  return?: number;
} & (
  | {
      [k: string]: unknown | undefined;
    }
  | {
      [k: string]: unknown | undefined;
    }
) & {
    index: number;
    /**
     * Full prompt (first turn, and V-IRL turns after a move, where the prompt is rebuilt).
     */
    prompt?: string;
    /**
     * Only what this turn appends to the chat (the verifier's failure message turn).
     */
    promptDelta?: string;
    /**
     * Observation image for this turn, relative to the run folder.
     */
    image?: string;
    /**
     * The model's raw output.
     */
    output: string;
    reward?: number;
    /**
     * The verifier's message.
     */
    message: string;
    done: boolean;
    /**
     * V-IRL: the correct action at this position.
     */
    expertAction?: string;
    /**
     * Vision: the four cards were recognised.
     */
    recognized?: boolean;
    /**
     * Failure-mode label of a failed attempt (shared/spec/environments.md).
     */
    failureMode?:
      | 'format'
      | 'illegal-formula'
      | 'wrong-numbers'
      | 'arithmetic'
      | 'rule-collapse'
      | 'recognition'
      | 'wrong-turn'
      | 'missed-intersection'
      | 'phantom-intersection'
      | 'premature-stop'
      | 'missed-stop'
      | 'action-space-confusion'
      | 'budget-exhausted';
    outputTokens?: number;
    promptTokens?: number;
    /**
     * PPO rollout turns: the advantage the update computed for this attempt (after the rollout's normalization with GAE; over the group's std with ppo.groupStd), whether or not the update drew the attempt to train on.
     */
    advantage?: number;
    /**
     * PPO rollout turns: the return the advantage came from (GAE's return; with group advantages the episode's return, or with ppo.groupCredit "turn" the return-to-go from this attempt).
     */
    return?: number;
  } & (
    | {
        [k: string]: unknown | undefined;
      }
    | {
        [k: string]: unknown | undefined;
      }
  );

/**
 * One experiment: the training environment variant, the evaluation splits (ID and OOD variants), the model, the SFT and PPO recipes, the evaluation schedule and the launcher. Defaults are the paper's reference recipe (shared/spec/training.md).
 */
export interface ExperimentConfig {
  /**
   * Path or URL of this schema (optional; VS Code applies it to *.ptlab.json automatically).
   */
  $schema?: string;
  /**
   * Experiment name: letters, digits, '.', '_' or '-' (at most 64). Run folders are named after it.
   */
  name: string;
  /**
   * Free text shown in the Runs view and the dashboard.
   */
  description?: string;
  /**
   * Global seed (32-bit unsigned) of training: SFT's data, its order and dropout, PPO's episodes, rollout sampling and mini-batches, fresh LoRA adapters and the value head (each process its own stream). Not the model's weights: a checkpoint or a named model loads as saved, and the embedded models are built once with seed 0 whatever this seed. Evaluation draws from evaluation.seed; a seed whose training episodes would meet the evaluation's seeds is refused.
   */
  seed?: number;
  /**
   * Folder, relative to this file, that receives the run folders.
   */
  outputDir?: string;
  environment: Environment;
  model: Model;
  sft?: Sft;
  ppo?: Ppo;
  evaluation?: Evaluation;
  logging?: Logging;
  alerts?: Alerts;
  launcher?: Launcher;
}
export interface GeneralPoints {
  /**
   * Which environment: `generalpoints`: the 24-points card game (GP-L, GP-VL).
   */
  env: 'generalpoints';
  /**
   * The number the formula must reach (24 in the paper). At most what four cards make (10000 under faceCards all-10, 28561 under 11-12-13); a target that none of 1000 hands dealt for an episode reaches is refused then.
   */
  target?: number;
  /**
   * Face-card rule: `all-10` (J, Q, K count as 10; the training rule) or `11-12-13` (J=11, Q=12, K=13; the rule-OOD variant).
   */
  faceCards?: 'all-10' | '11-12-13';
  /**
   * `any` hand, or `at-least-one-face` (three ranks uniform 1..13 plus one uniform 11..13, shuffled; used for rule-OOD evaluation).
   */
  sampling?: 'any' | 'at-least-one-face';
  /**
   * `deck`: 4 cards without replacement from 52. `independent`: each rank uniform 1..13 and suit uniform, duplicates allowed (the reference code's behaviour).
   */
  draw?: 'deck' | 'independent';
  /**
   * Suits drawn: `all`, `black` (spades, clubs; GP-VL training) or `red` (hearts, diamonds; GP-VL visual OOD).
   */
  suits?: 'all' | 'black' | 'red';
  /**
   * `language`: observations as text (GP-L, V-IRL-L). `vision`: observations as an image (GP-VL cards, V-IRL-VL 2x2 street-view grid).
   */
  modality?: 'language' | 'vision';
  /**
   * Scored attempts per episode (sequential revision). 5 in the paper; 1 for recognition evaluations.
   */
  maxVerify?: number;
  /**
   * `reference` reproduces the authors' code quirk for quirk (comparable with the paper); `strict` is exact and tolerant (the project's definition).
   */
  verifier?: 'reference' | 'strict';
}
export interface VIRL {
  /**
   * Which environment: `virl`: visual navigation along city routes (V-IRL-L, V-IRL-VL).
   */
  env: 'virl';
  /**
   * Where routes come from: a reference-format route_infos.json file, or an offline synthetic city.
   */
  routes?: RouteFile | SyntheticCity;
  /**
   * `absolute` (north, northeast, ...; training) or `relative` (left, right, slightly left, slightly right; rule OOD).
   */
  actionSpace?: 'absolute' | 'relative';
  /**
   * Most interpolated forward() points per straight segment of the expert rail.
   */
  maxStraight?: number;
  /**
   * Probability that each interpolated forward() point is dropped.
   */
  dropRate?: number;
  /**
   * `language`: observations as text (GP-L, V-IRL-L). `vision`: observations as an image (GP-VL cards, V-IRL-VL 2x2 street-view grid).
   */
  modality?: 'language' | 'vision';
  /**
   * Scored attempts per position; the budget resets whenever the agent moves.
   */
  maxVerify?: number;
  /**
   * `reference` reproduces the authors' code quirk for quirk (comparable with the paper); `strict` is exact and tolerant (the project's definition).
   */
  verifier?: 'reference' | 'strict';
  /**
   * Folder (relative to the config) of equirectangular panoramas with their metadata JSON (V-IRL-VL with route files): {route_id}/{place}.jpg and an optional {place}.json with the north rotation, where place is the point's index on the route's full rail, every forward() point kept (each segment's turn, then its maxStraight forward() points; the destination last), so the same on every seed. Synthetic routes render their own.
   */
  panoramas?: string;
}
export interface RouteFile {
  /**
   * Path (relative to the config) of a route_infos.json: a route dict, a list of them, or the authors' file, [[route, ...], count].
   */
  file: string;
}
export interface SyntheticCity {
  synthetic: {
    /**
     * City style name; distinct cities look different (for visual OOD).
     */
    city: string;
    /**
     * Number of routes to generate.
     */
    routes?: number;
    /**
     * Seed of the city generator.
     */
    seed?: number;
  };
}
/**
 * The base model: the embedded tiny default, or any Hugging Face causal LM or image-text-to-text model by name or local path.
 */
export interface Model {
  /**
   * `embedded:tiny-lm` or `embedded:tiny-vlm` (random weights, built locally, no download), `embedded:gp-base` or `embedded:virl-base` (pretrained by the project for GeneralPoints and V-IRL, shipped with it; docs/base-model.md) or `embedded:gp-base-init` (their random weights, what `ptlab pretrain` starts from), a Hugging Face model id, or a local path (relative to the config: a folder there is preferred to a hub id of the same name).
   */
  name: string;
  /**
   * `causal-lm` for language tasks, `image-text-to-text` for vision-language tasks.
   */
  kind?: 'causal-lm' | 'image-text-to-text';
  /**
   * Hugging Face revision (branch, tag or commit).
   */
  revision?: string;
  /**
   * Weights dtype: `auto` picks bf16 on GPUs that support it and fp32 on CPU. Trained bf16/fp16 weights are stepped through fp32 copies (Adam's moments in fp32 too: 12 bytes a trained parameter), as DeepSpeed's engine keeps them: an Adam step (about the learning rate) is under half of bf16's spacing for most weights, and would round away. FSDP refuses any dtype but fp32, LoRA runs too (it cannot flatten bf16 base weights with fp32 adapters): set fp32 there (it computes in launcher.mixedPrecision).
   */
  dtype?: 'auto' | 'bf16' | 'fp16' | 'fp32';
  /**
   * Trade compute for memory during training: each checkpointed decoder layer keeps only its input and runs its forward again in backward. `true` checkpoints every layer; `{"everyNLayers": 2}` every other one, keeping about half the activations for half the recompute (`ptlab plan` shows each setting's memory).
   */
  gradientCheckpointing?:
    | boolean
    | {
        /**
         * Checkpoint one decoder layer in this many (transformers' every_n_layers); the others keep their activations. 1 is `true`.
         */
        everyNLayers: number;
      };
  /**
   * torch.compile the training passes (SFT's loss forward, PPO's training forward) with dynamic shapes; rollouts, evaluation and checkpoints use the model as it is. The first passes pay the compile. Local and DDP launches (FSDP and DeepSpeed refuse it). On CPU it gains little (bench/results/cpu-2026-12-04/compile-train.log).
   */
  compile?: boolean;
  /**
   * Allow the model repository's own Python code (only for models you trust).
   */
  trustRemoteCode?: boolean;
  /**
   * KV cache for generation (PPO rollouts and evaluation). `dynamic`: transformers' default. `static`: preallocated; on CUDA, generate then compiles the decoding step (torch.compile, CUDA graphs): about 3x the rollout tokens/s after a compile of about 30 s on the first call (0.5B model, H200). No effect on CPU speed. `paged`: transformers' continuous batching, one session per rollout or evaluation: a paged cache, each round's chats scheduled as requests that join the decoding batch as others finish (no decoding past a short answer's end), requests sharing the cache blocks of the prompt tokens they have in common (a GRPO group's hand, a chat's earlier turns); greedy answers are generate's, sampled ones are drawn from the same distribution with their log-probs recorded. Text models only, not under deepspeed-zero3. Meant for flash-attention's paged kernels (attention flash_attention_2/3, CUDA): under SDPA or eager attention each forward attends over every request's cache through one dense mask, a cost that grows with the square of the batch (22x slower than dynamic at 128 chats on a 2-core CPU).
   */
  kvCache?: 'dynamic' | 'static' | 'paged';
  /**
   * Liger's Triton kernels (the liger-kernel package) for training on CUDA GPUs: RMSNorm, RoPE and SwiGLU in every forward, and in SFT the fused linear cross-entropy, which computes the loss from the hidden states chunk by chunk and never holds the logits (the largest tensor at a 128k-152k vocabulary). Text models of the families liger-kernel patches (Llama, Qwen2/2.5, Mistral, Gemma, ...; the embedded models are Llama). Refused for image-text-to-text models (liger-kernel 0.8.5's patches do not fit transformers 5.24's vision classes), on CPU (cpuProcesses, or a job without a GPU) and under deepspeed-zero3.
   */
  ligerKernel?: boolean;
  /**
   * transformers' attention implementation (attn_implementation) for training, rollouts and evaluation. `auto`: transformers' choice (SDPA where the model supports it). `varlen`: SDPA, except that rows laid end to end (sft.packing, sft.paddingFree, ppo.paddingFree) are attended one sequence at a time: on CUDA in bf16/fp16 by PyTorch's own variable-length flash kernel (torch.nn.attention.varlen, no flash-attn package), elsewhere by one causal SDPA call per sequence; no padding FLOPs, no mask; not with kvCache "paged". `flash_attention_2`/`3` need the flash-attn package and a CUDA GPU, and with them those rows run variable-length kernels too. `flex_attention` (PyTorch's FlexAttention, compiled) trains on CUDA only: it has no backward pass on CPU.
   */
  attention?:
    'auto' | 'sdpa' | 'varlen' | 'eager' | 'flash_attention_2' | 'flash_attention_3' | 'flex_attention';
  /**
   * Most sequences in one batched generate call (PPO rollouts and evaluation): a memory knob; larger batches decode faster where memory allows (the KV cache grows with it). Greedy answers are the same at any size up to float rounding; sampled ones are drawn in another order.
   */
  generateBatch?: number;
  /**
   * Longest SFT example (prompt + response) in tokens, 1024 when absent: longer text examples are cut (one cut before its first assistant token is refused), a longer vision example is refused. Rollouts and evaluation are bounded per response by maxNewTokens instead.
   */
  maxLength?: number;
  /**
   * Train LoRA adapters (peft) instead of all weights.
   */
  lora?: {
    /**
     * LoRA rank.
     */
    r: number;
    /**
     * LoRA scaling alpha.
     */
    alpha?: number;
    /**
     * LoRA's dropout in SFT. PPO trains without dropout (this one and the model's own), as TRL's PPO does: its update's forwards compute the function the rollout sampled from and scoring scored (both in eval mode), so the first step's ratios are 1.
     */
    dropout?: number;
    /**
     * Module names to adapt, e.g. ["q_proj", "v_proj"]; default: all linear layers.
     *
     * @minItems 1
     */
    targetModules?: [string, ...string[]];
  };
}
/**
 * Supervised fine-tuning on expert data from the training environment (loss on assistant tokens only, unless `assistantOnlyLoss` is false).
 */
export interface Sft {
  /**
   * Start from this checkpoint instead of the base model (e.g. to scale SFT from Init). The data and its order still come from `seed` and `data`: with the Init run's seed, SFT trains on Init's examples again, its first epoch in Init's order (as the reference's HF Trainer does); set another `seed` for fresh data.
   */
  init?: string;
  data?: {
    /**
     * `environment`: expert examples of this experiment's environment. `pretraining-corpus`: the synthetic corpus embedded:gp-base is pretrained on (card values under stated face-card rules, exact arithmetic, make-a-target puzzles in plain words and in GeneralPoints' format with targets other than 24, revisions after the verifier's message, and, when `mix` asks for it, the 24 game under face rules other than the evaluation's; docs/base-model.md); `trajectories` does not apply.
     */
    source?: 'environment' | 'pretraining-corpus';
    /**
     * Expert examples (sampled states) to generate, or corpus examples.
     */
    examples?: number;
    /**
     * `optimal`: one single-turn prompt -> expert response per state. `suboptimal` (GeneralPoints): multi-turn trajectories with wrong attempts and verifier messages (figure 15 ablation); the wrong attempts are context, the loss is on the expert's final answer only.
     */
    trajectories?: 'optimal' | 'suboptimal';
    /**
     * Most wrong attempts before the correct one in a sub-optimal trajectory.
     */
    wrongAttempts?: number;
    /**
     * `pretraining-corpus` only: each task's share of the corpus in thousandths, adding up to 1000 (default: card-values 150, arithmetic 200, make-target 150, card-puzzle 350, revision 150). `twenty-four` is the 24 game in GeneralPoints' format under face rules other than the evaluation's two (docs/base-model.md); `navigation` and `navigation-revision` are V-IRL-L's prompt on routes of cities other than the evaluation's, under several action-space conventions, and `route-reading` short questions on a route's text (the sentence after an observed landmark, a sentence quoted, a turn sentence's action, an observation quoted), `repeat`, text to repeat word for word (6-24 places, made-up names, directions, numbers), and `repeat-long`, the same with 40-90 items (a look-up 120-490 tokens back) (embedded:virl-base's corpus).
     */
    mix?: {
      'card-values'?: number;
      arithmetic?: number;
      'make-target'?: number;
      'card-puzzle'?: number;
      revision?: number;
      'twenty-four'?: number;
      navigation?: number;
      'navigation-revision'?: number;
      'route-reading'?: number;
      repeat?: number;
      'repeat-long'?: number;
    };
  };
  /**
   * Optimizer steps (default: `epochs` passes over the examples).
   */
  steps?: number;
  /**
   * Passes over the examples when `steps` is not given: the run ends once it has read epochs x the examples, however many a packed sequence holds (its last step takes what is left).
   */
  epochs?: number;
  /**
   * Peak learning rate (1e-6 in the paper; 5e-7 for VL tasks).
   */
  learningRate?: number;
  /**
   * Learning-rate schedule after warmup.
   */
  schedule?: 'cosine' | 'linear' | 'constant';
  /**
   * Fraction of steps spent warming up: ceil(warmupRatio x steps) steps, as HF's Trainer counts them.
   */
  warmupRatio?: number;
  /**
   * How the rate rises from 0 during the W warmup steps. `linear` (HF's Trainer): step s runs at learningRate x s / W. `log` (DeepSpeed's WarmupLR and its default warmup_type): learningRate x ln(s) / ln(W), 0 at steps 0 and 1, W at least 2. The reference's SFT ran `log` then `constant`: its launch script asks HF for a cosine, but its DeepSpeed config (sft_scripts/zero3_offload.json) names the WarmupLR scheduler, which HF's Trainer then leaves to DeepSpeed; the paper presets set both.
   */
  warmupShape?: 'linear' | 'log';
  adam?: Adam;
  /**
   * Sequences per optimizer step over all processes (reached by gradient accumulation).
   */
  globalBatchSize?: number;
  /**
   * Sequences per forward pass per process.
   */
  microBatchSize?: number;
  /**
   * Pack several examples into each sequence (attention kept within each example), up to model.maxLength tokens: a step then reads several times more examples, and an epoch takes as many fewer steps. Refused at the start for a model whose decoder would let the packed examples read one another under its attention (checked on the CPU on a small random copy of it: under flash_attention_2/3 as under varlen, which reads the same segments (its copy without a sliding window or softcap, which flash attention runs within a segment and varlen does not); under flex_attention as under SDPA, whose mask it is given. OPT's, BioGPT's and Qwen2-VL's text model do under SDPA, eager or flex_attention, and model.attention varlen keeps them apart; XGLM's and Bloom's do under every attention they load with, and the refusal then says to turn this off).
   */
  packing?: boolean;
  /**
   * Each forward pass reads its micro-batch's sequences end to end as one row, without padding, positions restarting at each example (TRL's padding_free): the same loss and gradient as padded rows. It pays with model.attention varlen or flash_attention_2/3 (variable-length kernels) or flex_attention; under SDPA or eager attention the row's mask is dense over the whole micro-batch, slower than padding. Text models only; refused at the start for a model whose decoder would let the row's sequences read one another (as sft.packing).
   */
  paddingFree?: boolean;
  /**
   * true (SFT): the loss is on the assistant messages' tokens only (TRL's assistant_only_loss). false: on every token of each chat, the prompts' too, as pretraining learns a document, except the assistant messages marked `"train": false` (context such as a wrong answer, never learned); the recipe of embedded:virl-base uses it (docs/base-model.md). Text models only.
   */
  assistantOnlyLoss?: boolean;
  /**
   * Gradient clipping norm.
   */
  maxGradNorm?: number;
  /**
   * Checkpoint every N optimizer steps (and always at the end).
   */
  saveEverySteps?: number;
}
/**
 * SFT's optimizer: torch's AdamW, as the reference's SFT (DeepSpeed's AdamW from its config).
 */
export interface Adam {
  /**
   * Adam (beta1, beta2); (0.9, 0.98) in the reference's SFT.
   *
   * @minItems 2
   * @maxItems 2
   */
  betas?: [unknown, unknown];
  /**
   * Adam epsilon (1e-7 in the reference recipe).
   */
  eps?: number;
  /**
   * Decoupled weight decay (AdamW): each step also shrinks every trained weight by learningRate x weightDecay x the weight, biases and norm weights included, as the reference's DeepSpeed-built AdamW over all the parameters does (HF's Trainer exempts them only where it makes the optimizer itself). 0 in the reference.
   */
  weightDecay?: number;
  /**
   * PyTorch's Adam kernel (the same update up to float rounding; a test compares SFT losses). `fused`: one kernel over every parameter (transformers' Trainer default since torch 2.8; no temporaries). `foreach`: torch's multi-tensor kernels (its default on CUDA). `for-loop`: a parameter at a time (its default on CPU). On the project's 2-core CPU the fused step is several times faster than the for-loop (README, Speed options).
   */
  implementation?: 'fused' | 'foreach' | 'for-loop';
}
/**
 * Multi-turn PPO with verifier rewards and sequential revision (defaults: the paper's).
 */
export interface Ppo {
  /**
   * The Init checkpoint (an SFT checkpoint; RL from a model that cannot follow the format fails).
   */
  init?: string;
  /**
   * PPO updates (each: collect a rollout buffer, then optimize). The reference runs 20 for GeneralPoints and 15 for V-IRL (its launch scripts' num_updates).
   */
  updates?: number;
  /**
   * Environment steps (verification attempts) collected per process per update (the reference: 256 on each of 8 processes, its launch scripts' num_steps). Episodes unfinished at the end of an update continue in the next, as in the reference.
   */
  stepsPerUpdate?: number;
  /**
   * Episodes that advance together: each round generates one answer for each, in generate calls of at most model.generateBatch.
   */
  parallelEnvs?: number;
  /**
   * Optimization passes over each rollout buffer.
   */
  epochs?: number;
  /**
   * Transitions per optimizer step, per process: each epoch takes the rollout in random mini-batches of this many, one Adam step each, averaging their gradient (over every process under DDP). The reference: 128 (grad_accum_steps 128 of a mini-batch of one), so 2 steps per epoch of 256 transitions, 8 per update, each over 1,024 transitions on 8 processes. Must not exceed stepsPerUpdate.
   */
  miniBatchSize?: number;
  /**
   * Most transitions per forward/backward pass (a memory knob, not a hyperparameter): a mini-batch's gradient is accumulated over passes of this many, each weighted by its share, so the step is the same as one pass over the whole mini-batch (the reference passes one transition at a time).
   */
  microBatchSize?: number;
  /**
   * Discount.
   */
  gamma?: number;
  /**
   * GAE lambda.
   */
  lambda?: number;
  /**
   * Policy ratio clip.
   */
  clip?: number;
  /**
   * A transition whose probability ratio (new / rollout policy) exceeds this keeps only the clipped term of the surrogate, so it gives no gradient (the reference's rule, decided per mini-batch of one transition; counted as ppo/ratio_guarded). A very large value turns it off.
   */
  ratioGuard?: number;
  /**
   * Value prediction clip (clipped value loss).
   */
  valueClip?: number;
  /**
   * Value loss coefficient.
   */
  valueCoef?: number;
  /**
   * Entropy bonus coefficient (0 in the paper).
   */
  entropyCoef?: number;
  /**
   * KL penalty to the Init policy (0: off): klCoef x mean (log pi - log pi_Init)^2 / 2 over the rollout's responses, whose gradient is that of KL(pi || Init).
   */
  klCoef?: number;
  /**
   * Gradient clipping norm.
   */
  maxGradNorm?: number;
  /**
   * Initial learning rate (the reference: 1e-6, 1e-7 for V-IRL-VL).
   */
  learningRate?: number;
  /**
   * The cosine schedule's floor, reached after lrCosineUpdates updates (torch's CosineAnnealingLR eta_min; the reference's end_lr 1e-9).
   */
  finalLearningRate?: number;
  /**
   * Updates (a whole number or not) over which the learning rate follows the cosine from learningRate down to finalLearningRate: torch's CosineAnnealingLR with T_max = this, stepped once per update, in closed form, so past it the rate rises back to learningRate over as many updates (torch's cosine is periodic). Default: updates, so it reaches finalLearningRate at the end. The reference sets T_max = lr_max_steps (100 for GeneralPoints, 20 for V-IRL), but accelerate steps its scheduler once per process at each update (8 processes), so its cosine spans lr_max_steps / 8 updates: 12.5 of GeneralPoints' 20 (down to 1e-9 by update 12.5, then up again), 2.5 of V-IRL's 15 (three cycles); the paper presets set those.
   */
  lrCosineUpdates?: number;
  adam?: PpoAdam;
  /**
   * Sampling temperature (log-probs use the same scaled logits).
   */
  temperature?: number;
  /**
   * Most tokens per response.
   */
  maxNewTokens?: number;
  /**
   * Log-prob weight of tokens before the answer key (`"formula":` or `"action":`), located by character offsets.
   */
  thoughtWeight?: number;
  /**
   * `sequence` (the reference): one probability ratio per response, from the sum of its tokens' weighted log-probs, clipped as a whole. `token` (PPO as LLM trainers such as TRL and OpenRLHF run it): a ratio per token, each clipped, the surrogate averaged over the response's tokens with the thought weights. A whole response's ratio leaves the clip range after small per-token changes (0.01 nats over 50 tokens is a ratio of 1.65), so clipping stops most of a small model's learning; per-token clipping bounds each token's change instead.
   */
  ratio?: 'sequence' | 'token';
  /**
   * Where the ratio's old log-probs come from. `recompute` (the reference, verl, OpenRLHF): a forward pass of the rollout policy over the rollout before the update. `sampling`: the log-probs the rollout sampled each token with, recorded during generation, which saves that pass (with `advantage: group` and no `klCoef` there is then none: the KL reference's pass runs in the same scoring stage); they equal the recomputed ones up to float rounding when generation and training run the same model in the same precision (fp32 on CPU: about 1e-6, the update's first-step gap metric shows it); in bf16 or with a separate inference engine they differ, which is why the GPU trainers recompute.
   */
  oldLogProbs?: 'recompute' | 'sampling';
  /**
   * Each scoring and training forward reads its micro-batch's sequences end to end in one row, without padding, positions restarting at each sequence, and computes logits at the responses' positions only: the same log-probs, values and gradients as padded rows. It pays with model.attention varlen, flash_attention_2/3 or flex_attention; under SDPA or eager attention the row's mask is dense over the whole micro-batch, slower than padding. Text models only; refused at the start for a model whose decoder would let the row's sequences read one another (as sft.packing).
   */
  paddingFree?: boolean;
  /**
   * Each scoring and training forward reads once the opening that consecutive rows of its micro-batch share (with advantage "group", a group's first prompt: the update then keeps each group's episodes together in its mini-batches and micro-batches): one pass over the openings, whose keys and values each row attends to through its mask, then the rows' own tokens. The same log-probs, values and gradients as padded rows, with fewer tokens read (on the demo's GP-L recipe, 2 cores: see README). Text models; local and DDP launches; not with model.gradientCheckpointing or ppo.paddingFree.
   */
  sharedPrefixes?: boolean;
  /**
   * Response tokens per chunk of the LM head in PPO's scoring and training passes (0: off). Each chunk's logits are made, scored and freed, and backward makes them again, so no (tokens x vocabulary) tensor is kept: at Llama 3.2's 128,256-token vocabulary the one a micro-batch of 8 chats with 2,560 response tokens keeps is 10 GiB. Costs one more LM-head product per chunk in backward. The same log-probs, entropies, values and gradients (tests compare them on each model family's replica, with LoRA, and in DDP, DeepSpeed ZeRO-2 and ZeRO-3 runs; under ZeRO-3 every process makes as many head calls, each a collective gather). Model types llama, qwen2, mllama, qwen2_vl and llava (what the tests run); not under fsdp (not checked).
   */
  headChunk?: number;
  /**
   * `gae` (the paper: value head and GAE) or `group` (GRPO-style: `groupSize` episodes share a seed, and every step of an episode gets its return minus the group's mean return; no value head).
   */
  advantage?: 'gae' | 'group';
  /**
   * With `advantage: group`: episodes per group (same seed, sampled independently); `parallelEnvs` must be a multiple of it.
   */
  groupSize?: number;
  /**
   * With `advantage: group`: divide by the group's return standard deviation (GRPO); false keeps the plain mean baseline.
   */
  groupStd?: boolean;
  /**
   * With `advantage: group`: `episode` (GRPO): every step of an episode gets the episode's return minus the group's mean return. `turn`: each step (verification attempt) gets its return-to-go, its reward and the later ones, minus the mean return-to-go of the group's episodes at the same turn, so a revision after the verifier's message is judged against the other revisions of the same hand at that turn rather than against first attempts that ended their episodes.
   */
  groupCredit?: 'episode' | 'turn';
  /**
   * What PPO trains on. `verifier` (the paper's): the verifier's reward of each attempt (+5 solved, -1 wrong value, -2 per wrong number, -3 illegal, ...). `outcome`: 1 for an attempt the verifier accepts (a solved hand, a right V-IRL action), 0 otherwise, so that success alone drives learning rather than the size of the penalties. Episodes, messages and the recorded rewards stay the verifier's.
   */
  reward?: 'verifier' | 'outcome';
  /**
   * Multiply the rewards PPO trains on by this.
   */
  rewardScale?: number;
  valueHead?: {
    /**
     * Hidden sizes of the value MLP (ReLU) on the last prompt token's final hidden state.
     *
     * @minItems 1
     */
    hidden?: [number, ...number[]];
  };
  /**
   * Checkpoint every N updates (and always at the end).
   */
  saveEverySteps?: number;
}
/**
 * PPO's optimizer: torch's Adam, as the reference's PPO (torch.optim.Adam, rl/trainer/llama_trainer.py).
 */
export interface PpoAdam {
  betas?: Betas;
  /**
   * Adam epsilon (1e-7 in the reference recipe).
   */
  eps?: number;
  /**
   * L2 weight decay, torch's Adam's weight_decay: weightDecay x the weight is added to the gradient before Adam's moments (not AdamW's decoupled shrink), as the reference's torch.optim.Adam. 0 in the reference.
   */
  weightDecay?: number;
  /**
   * PyTorch's Adam kernel (the same update up to float rounding; a test compares SFT losses). `fused`: one kernel over every parameter (transformers' Trainer default since torch 2.8; no temporaries). `foreach`: torch's multi-tensor kernels (its default on CUDA). `for-loop`: a parameter at a time (its default on CPU). On the project's 2-core CPU the fused step is several times faster than the for-loop (README, Speed options).
   */
  implementation?: 'fused' | 'foreach' | 'for-loop';
}
/**
 * Which splits to evaluate, on what schedule.
 */
export interface Evaluation {
  /**
   * Evaluation splits: one `id` split (the training variant) and the OOD variants.
   *
   * @minItems 1
   */
  splits: [Split, ...Split[]];
  /**
   * Evaluate every N training steps (SFT optimizer steps or PPO updates).
   */
  everySteps?: number;
  /**
   * Evaluate step 0 (Init, where every curve starts), every checkpoint saved every sft.saveEverySteps / ppo.saveEverySteps and the final one, each once (a checkpoint written on cancel is not on the schedule).
   */
  atCheckpoints?: boolean;
  /**
   * Evaluate step 0 (Init) when the schedule includes it. false: another run from the same Init evaluates it on the same splits and seeds (a study's SFT arm, say), so Init is evaluated once; the paper view and `ptlab report` start this run's curves at that run's Init point.
   */
  atStart?: boolean;
  /**
   * Episode seed base: episode i of a split uses seed + i, so every checkpoint sees the same episodes.
   */
  seed?: number;
  /**
   * Sampling temperature at evaluation (0: greedy). Ignored with `sampling: model-defaults`.
   */
  temperature?: number;
  /**
   * Nucleus sampling at evaluation when temperature > 0 (1: off; no top-k cut either). Ignored with `sampling: model-defaults`.
   */
  topP?: number;
  /**
   * `configured`: temperature and topP above, and nothing else (the checkpoint's top_k, repetition penalty and other processors are set aside). `model-defaults`: decode as the checkpoint's generation_config.json says (do_sample, temperature, top_p, top_k), what it leaves unset at transformers' defaults as generate fills them (top_k 50 where it sets none), as the reference's evaluation does: it passes only max_new_tokens (256) to generate, so Llama-3.2-Vision samples with its shipped defaults (temperature 0.6, top_p 0.9) and generate's top_k 50. Either way a sampled token draws from its answer's own key (evaluation seed, split, episode, attempt), not from a process's random stream: the answers do not depend on model.generateBatch or on the number of processes (except under model.kvCache `paged`, whose continuous batching samples itself). The eval-summary and run manifest state what was used.
   */
  sampling?: 'configured' | 'model-defaults';
  /**
   * Most tokens per response.
   */
  maxNewTokens?: number;
}
export interface Split {
  /**
   * Split name used in records and curves, e.g. `id`, `ood-rule`, `ood-visual`.
   */
  name: string;
  /**
   * In-distribution (the training variant), rule OOD (held-out rule) or visual OOD (held-out look).
   */
  kind: 'id' | 'rule-ood' | 'visual-ood';
  /**
   * Seeded episodes evaluated per point (234 for GeneralPoints, 48 or 18 for V-IRL in the paper).
   */
  episodes: number;
  overrides?: EnvironmentOverrides;
  /**
   * Vision only: marks a split that measures card recognition. Every vision split's records report recognition accuracy (the fraction of attempts whose cards were recognized); the reference's recognition evaluation plays one attempt without verification, which a split gets with `"maxVerify": 1` in its overrides (as the GP-VL presets do).
   */
  recognition?: boolean;
  /**
   * V-IRL only: episode i runs route i of the split's routes, each route exactly once, in order (the reference's `order=True`, its VLN-mini evaluation: 18 routes, 9 cities). `episodes` must equal the number of routes, else the evaluation stops with an error.
   */
  eachRouteOnce?: boolean;
}
/**
 * Keys of the training environment that this split changes; every other key is inherited. `env` cannot change.
 */
export interface EnvironmentOverrides {
  /**
   * The number the formula must reach (24 in the paper). At most what four cards make (10000 under faceCards all-10, 28561 under 11-12-13); a target that none of 1000 hands dealt for an episode reaches is refused then.
   */
  target?: number;
  /**
   * Face-card rule: `all-10` (J, Q, K count as 10; the training rule) or `11-12-13` (J=11, Q=12, K=13; the rule-OOD variant).
   */
  faceCards?: 'all-10' | '11-12-13';
  /**
   * `any` hand, or `at-least-one-face` (three ranks uniform 1..13 plus one uniform 11..13, shuffled; used for rule-OOD evaluation).
   */
  sampling?: 'any' | 'at-least-one-face';
  /**
   * `deck`: 4 cards without replacement from 52. `independent`: each rank uniform 1..13 and suit uniform, duplicates allowed (the reference code's behaviour).
   */
  draw?: 'deck' | 'independent';
  /**
   * Suits drawn: `all`, `black` (spades, clubs; GP-VL training) or `red` (hearts, diamonds; GP-VL visual OOD).
   */
  suits?: 'all' | 'black' | 'red';
  /**
   * `language`: observations as text (GP-L, V-IRL-L). `vision`: observations as an image (GP-VL cards, V-IRL-VL 2x2 street-view grid).
   */
  modality?: 'language' | 'vision';
  /**
   * Scored attempts (GeneralPoints: per episode; V-IRL: per position).
   */
  maxVerify?: number;
  /**
   * `reference` reproduces the authors' code quirk for quirk (comparable with the paper); `strict` is exact and tolerant (the project's definition).
   */
  verifier?: 'reference' | 'strict';
  /**
   * Where routes come from: a reference-format route_infos.json file, or an offline synthetic city.
   */
  routes?: RouteFile | SyntheticCity;
  /**
   * `absolute` (north, northeast, ...; training) or `relative` (left, right, slightly left, slightly right; rule OOD).
   */
  actionSpace?: 'absolute' | 'relative';
  /**
   * Most interpolated forward() points per straight segment of the expert rail.
   */
  maxStraight?: number;
  /**
   * Probability that each interpolated forward() point is dropped.
   */
  dropRate?: number;
  /**
   * Folder (relative to the config) of equirectangular panoramas with their metadata JSON (V-IRL-VL with route files): {route_id}/{place}.jpg and an optional {place}.json with the north rotation, where place is the point's index on the route's full rail, every forward() point kept (each segment's turn, then its maxStraight forward() points; the destination last), so the same on every seed. Synthetic routes render their own.
   */
  panoramas?: string;
}
/**
 * Where the trainer's metric records go besides metrics.jsonl.
 */
export interface Logging {
  /**
   * Experiment trackers that also receive every metric record, under the same names (none by default). `tensorboard`: event files in RUN/tensorboard (needs the `tensorboard` package: pip install -e 'trainer[tensorboard]'); training metrics keep their names, evaluations are `eval/{split}/success` and the like, with `compute/gflops`. `wandb`: a W&B run in RUN/wandb under the same names, offline unless WANDB_MODE says otherwise (`wandb sync` uploads it; needs pip install -e 'trainer[wandb]'), one W&B run per process lifetime grouped by the run id.
   */
  reportTo?: ('tensorboard' | 'wandb')[];
  /**
   * The share of PPO rollout episodes whose turns get per-token records in RUN/tokens.jsonl (token-record.schema.json): each generated token's sampling and training log-probs, entropy, weight and ratio at the update, with the turn's advantage, value and return; the transcript viewer shows them as heatmaps. Episodes are drawn by a hash of the run's seed and the episode's number (no random stream is touched). Costs a no-grad forward pass over the sampled turns per update; 0 turns it off.
   */
  tokenRecordRate?: number;
}
/**
 * Rules the extension checks on this experiment's runs while they run (from run.json's copy of this config): each sends a VS Code notification once per run with a link to the point in the dashboard, and the assistant's ptlab_runAlerts tool lists them. Every rule is on by default; `enabled: false` turns one off.
 */
export interface Alerts {
  /**
   * The mean of rollout/reward_mean over the last `window` updates falls `drop` or more (reward units) below its best `window`-update mean so far.
   */
  rewardCollapse?: {
    enabled?: boolean;
    window?: number;
    drop?: number;
  };
  /**
   * ppo/entropy stays below `fraction` of its first update's value for `window` updates in a row.
   */
  entropyCollapse?: {
    enabled?: boolean;
    window?: number;
    fraction?: number;
  };
  /**
   * ppo/approx_kl (how far an update moved the policy from the rollout's, per transition) exceeds `max`.
   */
  klSpike?: {
    enabled?: boolean;
    max?: number;
  };
  /**
   * A loss or gradient is not finite: the run failed on it, PPO skipped transitions with non-finite log-probs (ppo/nonfinite_skipped), or an SFT step's gradient norm was not finite.
   */
  nonFinite?: {
    enabled?: boolean;
  };
  /**
   * A running run's heartbeat (run.json's heartbeatAt, every 10 s) is older than the ptlab.staleAfterSeconds setting.
   */
  stalledHeartbeat?: {
    enabled?: boolean;
  };
  /**
   * A running run's heartbeat goes on but its job has not moved (run.json's activeAt: a generate call returned, a scoring or training micro-batch ran, a record was written) for `minutes` minutes: its processes wait on each other in a collective (a hang, which the job's collective timeout ends only after 2 hours), or one call takes that long.
   */
  stalledProgress?: {
    enabled?: boolean;
    minutes?: number;
  };
}
/**
 * Where jobs run: this machine (one process), several GPUs (or CPU processes) through accelerate, or a Slurm cluster.
 */
export interface Launcher {
  /**
   * `local`: one process. `accelerate`: `accelerate launch` over several GPUs, or `cpuProcesses` CPU processes. `slurm`: an sbatch script generated from this config.
   */
  kind?: 'local' | 'accelerate' | 'slurm';
  /**
   * GPU indices to use (CUDA_VISIBLE_DEVICES), or a count.
   */
  gpus?: number[] | number;
  /**
   * Sharding strategy for multi-GPU training (through accelerate).
   */
  distributed?: 'ddp' | 'fsdp' | 'deepspeed-zero2' | 'deepspeed-zero3';
  /**
   * With kind `accelerate`: run the job as this many processes on the CPUs instead of GPUs (DDP over gloo), each with an equal share of the cores as its threads. On a few cores, small models train and decode faster as single-threaded processes than as one process's threads. Not with `gpus`; DDP only.
   */
  cpuProcesses?: number;
  /**
   * accelerate's mixed precision (autocast of training's forwards, the rollout's decoding, the KL reference and evaluation; fp16's loss scaling) under `accelerate` and `slurm` launches. A `local` job computes in model.dtype: set that to bf16 for a one-GPU run in bf16.
   */
  mixedPrecision?: 'no' | 'bf16' | 'fp16';
  slurm?: {
    /**
     * Written into a `#SBATCH` line: one line, no control characters.
     */
    partition?: string;
    /**
     * Written into a `#SBATCH` line: one line, no control characters.
     */
    account?: string;
    /**
     * Written into a `#SBATCH` line: one line, no control characters.
     */
    qos?: string;
    nodes?: number;
    gpusPerNode?: number;
    cpusPerTask?: number;
    /**
     * Wall-time limit, e.g. `2-00:00:00` or `12:00:00`.
     */
    time?: string;
    /**
     * More `#SBATCH` options, each like `--mem=200G` (one line each, no control characters).
     */
    extraDirectives?: string[];
  };
}
/**
 * Written by the trainer at the root of every run folder, replaced atomically on each change. The Runs view reads status and heartbeat from it.
 */
export interface RunManifest {
  /**
   * Version of this contract.
   */
  schemaVersion: 1;
  /**
   * Unique within the experiment's output folder; also the run folder's name.
   */
  runId: string;
  /**
   * The experiment config's `name`.
   */
  experiment: string;
  /**
   * What this run does.
   */
  job: 'data' | 'sft' | 'ppo' | 'eval' | 'export';
  /**
   * `running` until the process ends; a running manifest whose heartbeat is old is shown as stale.
   */
  status: 'running' | 'finished' | 'failed' | 'cancelled';
  createdAt: string;
  updatedAt: string;
  /**
   * Refreshed periodically while the process is alive.
   */
  heartbeatAt: string;
  /**
   * When the job last moved: a generate call returned, a scoring or training micro-batch ran, a record was written or the step advanced; while a model downloads and loads, the time of each write. The heartbeat (heartbeatAt) goes on while the job waits on a collective; this does not. Absent in runs of earlier versions.
   */
  activeAt?: string;
  endedAt?: string;
  /**
   * The experiment file of the run's latest launch: a resume writes its own, as it does command, cwd, git, packages, host and gpus.
   */
  configPath?: string;
  /**
   * Snapshot of the experiment config with defaults filled in (valid against experiment.schema.json).
   */
  config: {};
  /**
   * The learning-rate schedules' semantics a training run (sft, ppo) began under, what `--resume` holds it to: 2 since SFT warms up for ceil(steps x warmupRatio) steps (was round) and PPO's cosine is torch's, rising again past ppo.lrCosineUpdates (was held at finalLearningRate). Absent in other jobs' runs and in training runs begun before (version 1). `--resume` refuses an older version whose rates the change alters (or where run.json cannot tell): finish such a run with the trainer it began with, or start a new one; one the change leaves alone resumes as the current version.
   */
  scheduleVersion?: number;
  configSha256?: string;
  /**
   * argv of the trainer process.
   *
   * @minItems 1
   */
  command: [string, ...string[]];
  cwd?: string;
  /**
   * The checkpoint this run started from, if any.
   */
  init?: string;
  /**
   * null when the trainer is not in a git checkout.
   */
  git?: {
    commit: string;
    /**
     * Uncommitted changes were present.
     */
    dirty: boolean;
  } | null;
  /**
   * Versions of python, torch, transformers, peft, accelerate, ptlab, ...
   */
  packages?: {
    [k: string]: string | undefined;
  };
  seeds: {
    global: number;
    [k: string]: number | undefined;
  };
  host: {
    hostname: string;
    platform: string;
    python?: string;
    cpuCount?: number;
    pid?: number;
    slurmJobId?: string;
  };
  gpus?: {
    index: number;
    name: string;
    memoryMiB?: number;
  }[];
  /**
   * Model parameters N used in compute accounting.
   */
  parameters?: number;
  progress?: {
    /**
     * Last completed global step.
     */
    step: number;
    totalSteps?: number;
  };
  checkpoints?: {
    step: number;
    /**
     * Relative to the run folder.
     */
    path: string;
    createdAt: string;
  }[];
  /**
   * One entry per process lifetime: a resumed run has several, joined by global step.
   */
  segments?: {
    index: number;
    startedAt: string;
    startStep: number;
    endedAt?: string;
    endStatus?: 'finished' | 'failed' | 'cancelled' | 'crashed';
  }[];
  error?: {
    message: string;
    traceback?: string;
  };
  /**
   * Files of the run folder, relative to it.
   */
  files?: {
    metrics?: string;
    episodes?: string;
    log?: string;
    /**
     * Per-token records of sampled PPO rollout turns (token-record.schema.json); PPO runs with logging.tokenRecordRate above 0.
     */
    tokens?: string;
  };
  evaluationDecoding?: Decoding;
}
/**
 * How this run's evaluations decode (written at its first evaluation).
 */
export interface Decoding {
  source: 'configured' | 'model-defaults';
  /**
   * Sampled (true) or greedy (false).
   */
  doSample: boolean;
  temperature?: number;
  topP?: number;
  /**
   * 0: no top-k cut.
   */
  topK?: number;
  /**
   * Sampled decoding: where each token's randomness comes from. `per-episode`: from the episode, its attempt and the token's position alone, so the answers do not depend on how the episodes were batched or shared out among processes; `per-process`: each process's random stream (continuous batching, model.kvCache "paged"), so they do. Absent in records of earlier versions.
   */
  draws?: 'per-episode' | 'per-process';
  maxNewTokens: number;
}
/**
 * Compute accounting (shared/spec/training.md): X_train = 6 N D_train, X_inference = 2 N D_inference, with exact token counts.
 */
export interface Compute {
  /**
   * N.
   */
  parameters: number;
  /**
   * D_init: tokens trained on to make the Init checkpoint.
   */
  initTokens?: number;
  /**
   * D_train so far in this run (SFT: D_SFT; PPO: D_RL).
   */
  trainTokens: number;
  /**
   * Tokens processed while collecting rollouts (D_buffer), counted.
   */
  inferenceTokens: number;
  /**
   * Image tokens trained on that input_ids do not hold (cross-attention models such as Llama-3.2-Vision: (image_size / patch_size)^2 = 1,600 per image, the reference's count; 0 where the processor expands images into input_ids, as LLaVA and Qwen2-VL do, whose image tokens are already in trainTokens). Part of D_train in gflops.
   */
  visualTrainTokens?: number;
  /**
   * The same for the prompts of rollout generation: part of D_inference in gflops.
   */
  visualInferenceTokens?: number;
  /**
   * (6 N (D_init + D_train) + 2 N D_inference) / 1e9, visual tokens included.
   */
  gflops: number;
  /**
   * The paper's approximation with D_buffer = lambda D_train (lambda 6 GeneralPoints, 5.1 V-IRL).
   */
  gflopsPaperApprox?: number;
}
export interface TrainingRecord {
  kind?: 'train';
  /**
   * Namespaced scalars, e.g. `train/loss`, `train/lr`, `ppo/policy_loss`, `ppo/value_loss`, `ppo/clipfrac`, `ppo/approx_kl`, `ppo/entropy`, `rollout/reward_mean`, `rollout/return_mean`, `rollout/response_tokens_mean`, `perf/tokens_per_second`.
   */
  metrics: {
    [k: string]: number | null | undefined;
  };
  step?: unknown;
  time?: unknown;
  wallSeconds?: unknown;
  segment?: unknown;
  episodes?: unknown;
  checkpoint?: unknown;
  compute?: unknown;
}
export interface EvaluationRecord {
  kind?: 'eval';
  split: string;
  splitKind: 'id' | 'rule-ood' | 'visual-ood';
  episodesEvaluated: number;
  success: Rate;
  perStepAccuracy?: Rate1;
  perStepAccuracyReference?: Rate2;
  recognition?: Rate3;
  meanReward?: number;
  failureModes?: FailureCounts;
  step?: unknown;
  time?: unknown;
  wallSeconds?: unknown;
  segment?: unknown;
  episodes?: unknown;
  checkpoint?: unknown;
  compute?: unknown;
}
export interface Rate {
  rate: number;
  /**
   * sqrt(rate (1 - rate) / n).
   */
  stderr: number;
  n: number;
}
/**
 * V-IRL, ours: correct attempts / scored attempts (the verifier's verdicts; a call past the attempt budget, failure mode `budget-exhausted`, is not an attempt).
 */
export interface Rate1 {
  rate: number;
  /**
   * sqrt(rate (1 - rate) / n).
   */
  stderr: number;
  n: number;
}
/**
 * V-IRL, the reference code's and so the paper's per-step accuracy: correct attempts / every model call, including the call past the attempt budget that the reference scores -1 without verifying (failure mode `budget-exhausted`). Equals `perStepAccuracy` with the strict verifier, which ends before such a call.
 */
export interface Rate2 {
  rate: number;
  /**
   * sqrt(rate (1 - rate) / n).
   */
  stderr: number;
  n: number;
}
/**
 * Vision: attempts with all cards recognised / attempts.
 */
export interface Rate3 {
  rate: number;
  /**
   * sqrt(rate (1 - rate) / n).
   */
  stderr: number;
  n: number;
}
export interface FailureCounts {
  [k: string]: number | undefined;
}
/**
 * One whole multi-turn episode (sequential revision): the first turn carries the full prompt, each later turn only what it appends. Written for every training rollout episode and every evaluation episode. The transcript viewer also reads other trainers' rollout dumps as records of this shape, marked by `source` (never written by ptlab): those may lack what the dump does not know (seed, environment, success, and a reward when the dump does not say which of its columns are rewards).
 */
export interface EpisodeRecord {
  runId: string;
  /**
   * Global training step at which the episode ran.
   */
  step: number;
  /**
   * `train` for rollout episodes, else the evaluation split's name.
   */
  split: string;
  splitKind?: 'train' | 'id' | 'rule-ood' | 'visual-ood';
  /**
   * Checkpoint that played the episode, relative to the run folder.
   */
  checkpoint?: string;
  /**
   * Index within the split at this step.
   */
  episode: number;
  /**
   * Seed that reproduces the episode's state in both languages.
   */
  seed?: number;
  /**
   * The environment variant (experiment.schema.json#/$defs/environment) with every key filled in.
   */
  environment?: {
    env: 'generalpoints' | 'virl';
  };
  /**
   * What the episode is about: the hand (GeneralPoints) or the route and position (V-IRL).
   */
  state?: GeneralPointsHand | VIRLRoute;
  /**
   * Observation image of the first turn, relative to the run folder.
   */
  image?: string;
  /**
   * @minItems 1
   */
  turns: [Turn, ...Turn[]];
  success?: boolean;
  /**
   * The episode's reward (the sum of its turns'). Another trainer's episode (`source`) lacks it when its files do not say which columns are rewards.
   */
  totalReward?: number;
  /**
   * Failure-mode label of a failed attempt (shared/spec/environments.md).
   */
  failureMode?:
    | 'format'
    | 'illegal-formula'
    | 'wrong-numbers'
    | 'arithmetic'
    | 'rule-collapse'
    | 'recognition'
    | 'wrong-turn'
    | 'missed-intersection'
    | 'phantom-intersection'
    | 'premature-stop'
    | 'missed-stop'
    | 'action-space-confusion'
    | 'budget-exhausted';
  /**
   * Ended by the attempt budget rather than by success.
   */
  truncated?: boolean;
  /**
   * Set only on an episode read from another trainer's files by the transcript viewer: which file and row it came from, and the row's fields that no other field of the record holds.
   */
  source?: {
    /**
     * `trl-completions`: a row of TRL GRPOTrainer's completions/completions_<step>.parquet (log_completions); `verl-generations`: a line of verl's <step>.jsonl rollout or validation dump.
     */
    format: 'trl-completions' | 'verl-generations';
    /**
     * The file, relative to the folder opened.
     */
    file: string;
    /**
     * 0-based row of the parquet file or line of the JSONL file.
     */
    row: number;
    /**
     * The row's other columns as the source wrote them: reward functions' scores, advantage, ground truth, reward extras.
     */
    fields?: {
      [k: string]: unknown | undefined;
    };
  };
}
export interface GeneralPointsHand {
  /**
   * @minItems 4
   * @maxItems 4
   */
  cards: [
    'A' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | '10' | 'J' | 'Q' | 'K',
    'A' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | '10' | 'J' | 'Q' | 'K',
    'A' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | '10' | 'J' | 'Q' | 'K',
    'A' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | '10' | 'J' | 'Q' | 'K'
  ];
  /**
   * @minItems 4
   * @maxItems 4
   */
  suits?: [
    'spades' | 'clubs' | 'hearts' | 'diamonds',
    'spades' | 'clubs' | 'hearts' | 'diamonds',
    'spades' | 'clubs' | 'hearts' | 'diamonds',
    'spades' | 'clubs' | 'hearts' | 'diamonds'
  ];
  /**
   * @minItems 4
   * @maxItems 4
   */
  values: [number, number, number, number];
  /**
   * Solver solutions (possibly truncated).
   */
  solutions?: string[];
}
export interface VIRLRoute {
  routeId: string;
  city?: string;
  /**
   * Index on the expert rail.
   */
  position: number;
  railLength?: number;
  instruction?: string;
}
/**
 * Result of evaluating one checkpoint on every split of an experiment, written atomically by `ptlab eval` next to its episode records.
 */
export interface EvalSummary {
  schemaVersion: 1;
  runId: string;
  /**
   * Checkpoint evaluated.
   */
  checkpoint: string;
  step: number;
  createdAt: string;
  /**
   * Episode seed base (episode i uses seed + i).
   */
  seed: number;
  /**
   * evaluation.temperature as configured (see `decoding` for what was used).
   */
  temperature?: number;
  decoding?: Decoding1;
  /**
   * Episode records of this evaluation, relative to this file.
   */
  episodesFile?: string;
  compute?: Compute;
  /**
   * @minItems 1
   */
  splits: [
    {
      name: string;
      kind: 'id' | 'rule-ood' | 'visual-ood';
      /**
       * The split's full environment variant.
       */
      environment: {};
      episodes: number;
      success: Rate;
      perStepAccuracy?: Rate4;
      perStepAccuracyReference?: Rate5;
      recognition?: Rate;
      meanReward?: number;
      meanAttempts?: number;
      failureModes?: FailureCounts;
    },
    ...{
      name: string;
      kind: 'id' | 'rule-ood' | 'visual-ood';
      /**
       * The split's full environment variant.
       */
      environment: {};
      episodes: number;
      success: Rate;
      perStepAccuracy?: Rate4;
      perStepAccuracyReference?: Rate5;
      recognition?: Rate;
      meanReward?: number;
      meanAttempts?: number;
      failureModes?: FailureCounts;
    }[]
  ];
}
/**
 * How evaluation decodes (greedy or sampled), resolved: `configured` from evaluation.temperature / topP, or `model-defaults` from the checkpoint's generation_config.json with what it leaves unset at transformers' defaults (top_k 50), as the reference's evaluation decodes (it passes only max_new_tokens to generate).
 */
export interface Decoding1 {
  source: 'configured' | 'model-defaults';
  /**
   * Sampled (true) or greedy (false).
   */
  doSample: boolean;
  temperature?: number;
  topP?: number;
  /**
   * 0: no top-k cut.
   */
  topK?: number;
  /**
   * Sampled decoding: where each token's randomness comes from. `per-episode`: from the episode, its attempt and the token's position alone, so the answers do not depend on how the episodes were batched or shared out among processes; `per-process`: each process's random stream (continuous batching, model.kvCache "paged"), so they do. Absent in records of earlier versions.
   */
  draws?: 'per-episode' | 'per-process';
  maxNewTokens: number;
}
/**
 * V-IRL, ours: correct attempts / scored attempts (the verifier's verdicts; a call past the attempt budget, failure mode `budget-exhausted`, is not an attempt).
 */
export interface Rate4 {
  rate: number;
  /**
   * sqrt(rate (1 - rate) / n).
   */
  stderr: number;
  n: number;
}
/**
 * V-IRL, the reference code's and so the paper's per-step accuracy: correct attempts / every model call, including the call past the attempt budget that the reference scores -1 without verifying (failure mode `budget-exhausted`). Equals `perStepAccuracy` with the strict verifier, which ends before such a call.
 */
export interface Rate5 {
  rate: number;
  /**
   * sqrt(rate (1 - rate) / n).
   */
  stderr: number;
  n: number;
}
/**
 * The tokens of one sampled PPO rollout turn, written next to episodes.jsonl when the turn's episode record is written (logging.tokenRecordRate). The record of the turn is the line of episodes.jsonl with the same step, split and episode; `turn` is its index in that record's turns. Per-token values are little-endian arrays, base64-encoded, all of `tokens` entries: float32 for log-probs and the like, int32 for ids and text offsets. Read them with numpy: `np.frombuffer(base64.b64decode(line['sampling']), '<f4')`.
 */
export interface TokenRecord {
  runId: string;
  /**
   * The update whose rollout the turn's episode finished in (its record's step).
   */
  step: number;
  /**
   * The record's split: train.
   */
  split: string;
  /**
   * The record's episode number (within its step and split).
   */
  episode: number;
  /**
   * The turn's index in the record's turns.
   */
  turn: number;
  /**
   * The update that trained on the turn (the record's step, or earlier for a turn of an episode that went on past an update).
   */
  update?: number;
  /**
   * How many tokens the turn generated: the length of every array.
   */
  tokens: number;
  /**
   * The generated token ids.
   */
  ids: string;
  /**
   * Where each token's text ends in the turn's output (UTF-16 code units, as JavaScript strings index); a token past the output's text (the stop token) ends at its length.
   */
  textEnds: string;
  /**
   * Each token's log-prob under the distribution the rollout sampled it from (temperature applied).
   */
  sampling: string;
  /**
   * Each token's log-prob under the training forward pass with the rollout's weights, before the update (temperature applied).
   */
  training: string;
  /**
   * The entropy (nats) of the training forward's next-token distribution at each token.
   */
  entropy: string;
  /**
   * Each token's probability ratio to the old policy in the update's last training pass over the turn (its last epoch): exp(log-prob - old log-prob).
   */
  ratio: string;
  /**
   * Each token's weight in the turn's log-prob (ppo.thoughtWeight for reasoning tokens, 1 for the answer).
   */
  weight: string;
  /**
   * The turn's advantage, as the update used it (normalized).
   */
  advantage: number;
  /**
   * The value head's estimate at the turn's prompt; null without a value head (group advantages).
   */
  value?: number | null;
  /**
   * The return the advantage was computed from.
   */
  return: number;
  /**
   * The turn's trained reward.
   */
  reward: number;
  /**
   * ppo.clip: ratios beyond 1 +- clip were clipped.
   */
  clip?: number;
}
