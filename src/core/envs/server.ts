// The JSON-lines environment server, one protocol with Python (trainer/ptlab/envs/server.py).
// Each request line gets exactly one response line:
//   {"op": "reset", "config": ENV, "seed": N}        -> prompt, state, image
//   {"op": "step", "action": TEXT}                    -> reward, message, done, success, prompt, ...
//   {"op": "verify", "config": ENV, "state": {"cards": [...]}, "output": TEXT}
//                                                     -> the first attempt's reward and message
// GeneralPoints' verify state may add "trainingFaceCards" (the training environment's rule, when
// ENV is an evaluation split's): an answer with that rule's values under ENV's is rule collapse.
// For V-IRL, "state" in verify is {"seed": N, "position": K}: the position K on the rail of
// the episode with that seed. Route files are read through the loader the host passes in.
// Errors answer {"error": "..."} and the server keeps serving. A request may carry "id"
// (echoed) and "episode" (a name, to keep several episodes open; default "default"); a reset
// that fails leaves no episode under its name.
import {
  cardValue,
  EnvConfigError,
  GeneralPointsEpisode,
  generalPointsConfig,
  RANKS,
  solutions,
  verify,
  type GeneralPointsConfig,
  type Hand,
  type Step,
  type Rank,
  type Suit,
} from './generalpoints';
import { generateRoutes, UnknownCity } from './cities';
import { parseRoutes, RouteFormatError, VirlEpisode, virlConfig, verifyVirl, type Route, type VirlConfig, type VirlStep } from './virl';

/** Reads a route file named in a config; the host resolves it (relative to its working folder). */
export type RouteFileLoader = (file: string) => { path: string; data: unknown };

class RequestError extends Error {}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Response = { [key: string]: Json };

function config(raw: unknown): GeneralPointsConfig | VirlConfig {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw new RequestError('"config" must be an environment object');
  const env = (raw as { env?: unknown }).env;
  if (env === 'generalpoints') return generalPointsConfig(raw);
  if (env === 'virl') return virlConfig(raw);
  throw new RequestError(`environment.env: must be 'generalpoints' or 'virl', got ${pyRepr(env)}`);
}

const isVirl = (c: GeneralPointsConfig | VirlConfig): c is VirlConfig => 'actionSpace' in c;

/** Python's repr for the values a request can carry, so error texts match the Python server. */
function pyRepr(value: unknown): string {
  if (value === undefined || value === null) return 'None';
  if (typeof value === 'string') return `'${value}'`;
  return JSON.stringify(value);
}

function seed(raw: unknown): number {
  if (!Number.isInteger(raw) || (raw as number) < 0 || (raw as number) > 0xffffffff) throw new RequestError('"seed" must be an integer in [0, 2**32)');
  return raw as number;
}

function text(request: Record<string, unknown>, key: string): string {
  const value = request[key];
  if (typeof value !== 'string') throw new RequestError(`"${key}" must be a string`);
  return value;
}

function hand(cfg: GeneralPointsConfig, state: unknown): Hand {
  const cards = typeof state === 'object' && state !== null ? (state as { cards?: unknown }).cards : undefined;
  if (!Array.isArray(cards) || cards.length !== 4 || !cards.every((c) => (RANKS as readonly unknown[]).includes(c))) {
    throw new RequestError(`"state.cards" must be 4 card labels from ${RANKS.join(', ')}`);
  }
  const values = (cards as Rank[]).map((c) => cardValue(c, cfg.faceCards));
  const suits = ((state as { suits?: Suit[] }).suits ?? ['spades', 'spades', 'spades', 'spades']) as Suit[];
  return { cards: cards as Rank[], suits, values, solutions: solutions(values, cfg.target, cfg.verifier) };
}

function trainingFaceCards(state: unknown): GeneralPointsConfig['faceCards'] | undefined {
  const value = typeof state === 'object' && state !== null ? (state as { trainingFaceCards?: unknown }).trainingFaceCards : undefined;
  if (value !== undefined && value !== null && value !== 'all-10' && value !== '11-12-13') throw new RequestError('"state.trainingFaceCards" must be "all-10" or "11-12-13"');
  return value ?? undefined;
}

const orNull = <T>(value: T | undefined): T | null => (value === undefined ? null : value);

function stepAnswer(step: Step | VirlStep): Response {
  const answer: Response = {
    reward: step.reward,
    message: step.message,
    done: step.done,
    success: step.success,
    truncated: step.truncated,
    prompt: orNull(step.nextPrompt),
    failureMode: orNull(step.failureMode),
  };
  if ('newChat' in step) {
    answer.newChat = step.newChat;
    answer.correct = step.correct;
  } else answer.recognized = orNull(step.recognized);
  return answer;
}

export class EnvServer {
  private readonly episodes = new Map<string, GeneralPointsEpisode | VirlEpisode>();

  constructor(private readonly loadRouteFile: RouteFileLoader = () => {
    throw new RequestError('environment.routes.file: this server cannot read files');
  }) {}

  private synthetic: { key: string; routes: Route[] } | undefined;

  /** The routes of a V-IRL config: its route file, or its synthetic city (cached). */
  routesFor(cfg: VirlConfig): Route[] {
    if ('file' in cfg.routes) {
      const { path, data } = this.loadRouteFile(cfg.routes.file);
      return parseRoutes(data, path);
    }
    const { city, routes: count = 1000, seed: citySeed = 0 } = cfg.routes.synthetic;
    const key = JSON.stringify([city, count, citySeed]);
    if (this.synthetic?.key !== key) {
      let generated: Record<string, unknown>[];
      try {
        generated = generateRoutes(city, count, citySeed);
      } catch (err) {
        if (err instanceof UnknownCity) throw new EnvConfigError(err.message);
        throw err;
      }
      this.synthetic = { key, routes: parseRoutes(generated, `synthetic city ${city}`) };
    }
    return this.synthetic.routes;
  }

  handle(request: unknown): Response {
    if (typeof request !== 'object' || request === null || Array.isArray(request)) throw new RequestError('a request must be a JSON object');
    const r = request as Record<string, unknown>;
    const name = r.episode ?? 'default';
    if (typeof name !== 'string') throw new RequestError('"episode" must be a string');
    switch (r.op) {
      case 'reset': {
        this.episodes.delete(name); // a failed reset leaves no episode to step under this name
        const cfg = config(r.config);
        const s = seed(r.seed);
        let episode: GeneralPointsEpisode | VirlEpisode;
        let image: Json = null;
        if (isVirl(cfg)) {
          const virl = new VirlEpisode(cfg, this.routesFor(cfg), s);
          image = virl.image();
          episode = virl;
        } else {
          const gp = new GeneralPointsEpisode(cfg, s);
          // Vision: an image descriptor the client renders (PNG in Python, SVG in the webviews).
          if (cfg.modality === 'vision') image = { type: 'generalpoints-cards', cards: gp.hand.cards, suits: gp.hand.suits };
          episode = gp;
        }
        this.episodes.set(name, episode);
        return { prompt: episode.prompt, state: episode.state(), image, done: false };
      }
      case 'step': {
        const episode = this.episodes.get(name);
        if (!episode) throw new RequestError(`no episode "${name}": send a reset first`);
        if (episode.done) throw new RequestError(`episode "${name}" is over: send a reset`);
        const answer = stepAnswer(episode.step(text(r, 'action')));
        if (episode instanceof VirlEpisode && episode.config.modality === 'vision') answer.image = answer.newChat ? episode.image() : null;
        return answer;
      }
      case 'verify': {
        const cfg = config(r.config);
        const output = text(r, 'output');
        if (isVirl(cfg)) {
          const state = typeof r.state === 'object' && r.state !== null ? (r.state as Record<string, unknown>) : {};
          const episode = new VirlEpisode(cfg, this.routesFor(cfg), seed(state.seed));
          const position = state.position ?? 0;
          if (!(Number.isInteger(position) && (position as number) >= 0 && (position as number) < episode.rail.length)) {
            throw new RequestError(`"state.position" must be an integer in [0, ${episode.rail.length})`);
          }
          const verdict = verifyVirl(cfg, episode.rail[position as number]!, output);
          return { reward: verdict.reward, message: verdict.message, correct: verdict.correct, failureMode: orNull(verdict.failureMode) };
        }
        const verdict = verify(cfg, hand(cfg, r.state), output, trainingFaceCards(r.state));
        return { reward: verdict.reward, message: verdict.message, recognized: orNull(verdict.recognized), failureMode: orNull(verdict.failureMode) };
      }
      default:
        throw new RequestError(`"op" must be "reset", "step" or "verify", got ${pyRepr(r.op)}`);
    }
  }

  answer(line: string): string {
    let request: unknown;
    let response: Response;
    try {
      request = JSON.parse(line);
      response = this.handle(request);
    } catch (err) {
      if (err instanceof SyntaxError && request === undefined) response = { error: `invalid JSON request: ${err.message}` };
      else if (err instanceof RequestError || err instanceof EnvConfigError || err instanceof RouteFormatError) response = { error: err.message };
      else response = { error: `internal error: ${String(err)}` };
    }
    if (typeof request === 'object' && request !== null && 'id' in request) response = { id: (request as { id: Json }).id, ...response };
    return JSON.stringify(response);
  }
}
