// One episode played by hand: the checkpoint (its ONNX export, in the inference worker)
// proposes each answer, the user may edit it, the TypeScript environment scores what is
// submitted. The same seeding, draws and turn logic as an evaluation (core/compare/evaluation.ts):
// a sampled proposal is the answer `ptlab eval` would sample for that episode and attempt.
import { join } from 'node:path';
import { plansFromConfig } from '../../core/compare/sources';
import type { ExperimentConfig } from '../../core/contracts/generated/types';
import { EnvServer } from '../../core/envs/server';
import { runRouteFileLoader } from '../../core/envs/routeFiles';
import { advance, answerDrawKey, newEpisodes, type PlayedEpisode, type SplitPlan } from '../../core/compare/evaluation';
import type { InferenceClient, WorkerGenerateOptions } from '../../workers/inference';
import type { PlayState } from '../../protocol/compare';
import type { LocatedSource } from './compareRunner';

interface Sampling {
  temperature: number;
  topP: number;
  maxNewTokens: number;
}

export class EpisodePlayer {
  private proposal: { text: string; promptTokens: number; outputTokens: number } | undefined;

  private constructor(
    private readonly source: LocatedSource,
    private readonly plan: SplitPlan,
    private readonly episode: PlayedEpisode,
    private readonly sampling: Sampling,
  ) {}

  /** `workspaceFolders`: where, besides the run folder, its route files may be read. */
  static start(source: LocatedSource, split: string, index: number, workspaceFolders: readonly string[]): EpisodePlayer {
    if (source.kind !== 'onnx') throw new Error(`${source.label}: only an exported checkpoint can propose answers; export it with python -m ptlab export`);
    const config = source.manifest.config as unknown as ExperimentConfig;
    const { plans, temperature, topP, maxNewTokens } = plansFromConfig(config, undefined, [split]);
    const plan = plans[0];
    if (!plan) throw new Error(`${source.run}: its config has no split ${split}`);
    const [episode] = newEpisodes(plan, new EnvServer(runRouteFileLoader(join(source.runUri.fsPath, 'run.json'), source.manifest, workspaceFolders)), index);
    return new EpisodePlayer(source, plan, episode!, { temperature, topP, maxNewTokens });
  }

  /** How the next proposal is generated: the evaluation's sampling, drawn from the key of this episode and attempt. */
  proposalOptions(): WorkerGenerateOptions {
    return { ...this.sampling, drawKey: answerDrawKey(this.plan, this.episode) };
  }

  /** The checkpoint's answer to the episode's current chat. */
  async propose(client: InferenceClient): Promise<{ text: string; tokens: number; tokensPerSecond: number }> {
    if (this.episode.env.done) throw new Error('the episode is over');
    const model = join(this.source.runUri.fsPath, 'onnx', this.source.exportName!);
    const result = await client.generate({ model, prompt: { messages: this.episode.messages }, options: this.proposalOptions() });
    this.proposal = { text: result.text, promptTokens: result.promptIds.length, outputTokens: result.tokens.length };
    return { text: result.text, tokens: result.tokens.length, tokensPerSecond: result.tokensPerSecond };
  }

  /** Scores `answer` (the proposal, edited or not) and moves the episode on. */
  submit(answer: string): PlayState {
    if (this.episode.env.done) throw new Error('the episode is over');
    const counts = this.proposal?.text === answer ? this.proposal : { promptTokens: 0, outputTokens: 0 };
    advance(this.episode, { text: answer, promptTokens: counts.promptTokens, outputTokens: counts.outputTokens });
    this.proposal = undefined;
    return this.state();
  }

  state(): PlayState {
    const { env, turns, pendingPrompt, seed, index } = this.episode;
    const sampled = this.sampling.temperature > 0 && !env.done;
    return {
      source: this.source.label,
      split: this.plan.name,
      seed,
      turns,
      next: env.done ? undefined : pendingPrompt,
      done: env.done,
      success: env.success,
      totalReward: turns.reduce((sum, t) => sum + t.reward, 0),
      ...(sampled ? { draws: `draws of evaluation seed ${this.plan.seed}, split ${this.plan.name}, episode ${index}, attempt ${turns.length} (as ptlab eval samples them)` } : {}),
    };
  }
}
