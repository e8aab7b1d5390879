// One episode played by hand: the checkpoint (its ONNX export, in the inference worker)
// proposes each answer, the user may edit it, the TypeScript environment scores what is
// submitted. The same seeding and turn logic as an evaluation (core/compare/evaluation.ts).
import * as vscode from 'vscode';
import { plansFromConfig } from '../../core/compare/sources';
import type { ExperimentConfig } from '../../core/contracts/generated/types';
import { EnvServer } from '../../core/envs/server';
import { nodeRouteFileLoader } from '../../core/envs/routeFiles';
import { advance, newEpisodes, type PlayedEpisode } from '../../core/compare/evaluation';
import type { InferenceClient } from '../../workers/inference';
import type { PlayState } from '../../protocol/compare';
import type { LocatedSource } from './compareRunner';

export class EpisodePlayer {
  private proposal: { text: string; promptTokens: number; outputTokens: number } | undefined;

  private constructor(
    private readonly source: LocatedSource,
    private readonly split: string,
    private readonly episode: PlayedEpisode,
    private readonly sampling: { temperature: number; maxNewTokens: number },
  ) {}

  static start(source: LocatedSource, split: string, index: number): EpisodePlayer {
    if (source.kind !== 'onnx') throw new Error(`${source.label}: only an exported checkpoint can propose answers; export it with python -m ptlab export`);
    const config = source.manifest.config as unknown as ExperimentConfig;
    const { plans, temperature, maxNewTokens } = plansFromConfig(config, undefined, [split]);
    const plan = plans[0];
    if (!plan) throw new Error(`${source.run}: its config has no split ${split}`);
    const [episode] = newEpisodes(plan, new EnvServer(nodeRouteFileLoader(source.runUri.fsPath)), index);
    return new EpisodePlayer(source, split, episode!, { temperature, maxNewTokens });
  }

  /** The checkpoint's answer to the episode's current chat. */
  async propose(client: InferenceClient): Promise<{ text: string; tokens: number; tokensPerSecond: number }> {
    if (this.episode.env.done) throw new Error('the episode is over');
    const model = vscode.Uri.joinPath(this.source.runUri, 'onnx', this.source.exportName!).fsPath;
    const result = await client.generate({ model, prompt: { messages: this.episode.messages }, options: this.sampling });
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
    const { env, turns, pendingPrompt, seed } = this.episode;
    return {
      source: this.source.label,
      split: this.split,
      seed,
      turns,
      next: env.done ? undefined : pendingPrompt,
      done: env.done,
      success: env.success,
      totalReward: turns.reduce((sum, t) => sum + t.reward, 0),
    };
  }
}
