// What the transcript detail shows besides the record: per turn, the attempt, the attempts
// left and (V-IRL) the rail position; the hand's card image; the V-IRL route and (V-IRL-VL)
// the street view at each position, rebuilt from the record's environment and seed (the
// TypeScript environments agree with the trainer's).
import { isAbsolute, relative, resolve } from 'node:path';
import type { EpisodeRecord } from '../contracts/generated/types';
import { renderHandSvg } from '../envs/cards';
import type { Suit } from '../envs/generalpoints';
import type { RouteFileLoader } from '../envs/server';
import { streetView, type StreetViewView } from '../envs/previewEpisode';
import { VirlEpisode, virlConfig } from '../envs/virl';
import { loadRoutes, routeMap, svgDataUri } from '../envs/views';
import type { RouteMapView } from '../envs/views';
import type { TurnContext } from './types';

export function maxVerifyOf(record: EpisodeRecord): number {
  const value = (record.environment as Record<string, unknown> | undefined)?.maxVerify;
  return typeof value === 'number' && value > 0 ? value : 1;
}

/** A V-IRL turn that carries a whole prompt (after the first) starts a new chat at the next position. */
export function turnContexts(record: EpisodeRecord): TurnContext[] {
  const maxVerify = maxVerifyOf(record);
  const virl = record.environment?.env === 'virl';
  let position = 0;
  let here = 0;
  return record.turns.map((turn, t) => {
    if (virl && t > 0 && turn.prompt !== undefined) {
      position++;
      here = 0;
    }
    here++;
    return virl ? { attempt: here, attemptsLeft: Math.max(0, maxVerify - here), position } : { attempt: t + 1, attemptsLeft: Math.max(0, maxVerify - (t + 1)) };
  });
}

/** The hand drawn as SVG (a data URI: an image cannot run script), when the record has one. */
export function handImage(record: EpisodeRecord): string | undefined {
  const state = record.state as { cards?: string[]; suits?: Suit[] } | undefined;
  if (!state?.cards || !state.suits) return undefined;
  return svgDataUri(renderHandSvg(state.cards, state.suits));
}

/** The route of a V-IRL record with the agent at its last position, or why it cannot be drawn. */
export function recordRoute(record: EpisodeRecord, loadRouteFile: RouteFileLoader): { map?: RouteMapView; note?: string } {
  if (record.environment?.env !== 'virl' || record.seed === undefined) return {};
  const { episode, note } = recordEpisode(record, loadRouteFile);
  if (!episode) return { note: `No route map: ${note}` };
  const state = record.state as { position?: number } | undefined;
  const last = turnContexts(record).at(-1)?.position ?? 0;
  const reached = record.success ? episode.rail.length - 1 : Math.max(last, state?.position ?? 0);
  return { map: routeMap(episode.route, episode.rail, reached, episode.config.actionSpace) };
}

/** A V-IRL-VL record's street views, by turn: the grid the model saw at each position it
 * visited (on the first turn and each turn that opened a new chat), rebuilt from the record's
 * environment and seed for the Python trainer to draw; or why they cannot be. Undefined for a
 * record that is not V-IRL-VL. */
export function recordStreetViews(record: EpisodeRecord, loadRouteFile: RouteFileLoader): { views: (StreetViewView | undefined)[]; note?: string } | undefined {
  if (record.environment?.env !== 'virl' || (record.environment as Record<string, unknown>).modality !== 'vision') return undefined;
  const { episode, note } = recordEpisode(record, loadRouteFile);
  if (!episode) return { views: [], note: `No street-view grid: ${note}` };
  const contexts = turnContexts(record);
  const views = record.turns.map((turn, t) => {
    const opensPosition = t === 0 || turn.prompt !== undefined;
    const image = opensPosition ? episode.imageAt(contexts[t]!.position ?? 0) : null;
    return image ? streetView(image) : undefined;
  });
  return { views };
}

/** The episode a V-IRL record played, replayed from its environment and seed (an evaluation
 * with eachRouteOnce ran the record's route, not the drawn one: the draw still happened). */
function recordEpisode(record: EpisodeRecord, loadRouteFile: RouteFileLoader): { episode?: VirlEpisode; note?: string } {
  if (record.seed === undefined) return { note: 'the record has no seed to rebuild its route from' };
  const state = record.state as { routeId?: string } | undefined;
  try {
    const config = virlConfig(record.environment!);
    const routes = loadRoutes(config, loadRouteFile);
    const drawn = new VirlEpisode(config, routes, record.seed);
    if (state?.routeId === undefined || drawn.route.routeId === state.routeId) return { episode: drawn };
    const index = routes.findIndex((r) => r.routeId === state.routeId);
    if (index >= 0) return { episode: new VirlEpisode(config, routes, record.seed, index) };
    return { note: `The route of seed ${record.seed} here is ${drawn.route.routeId}, and there is no route ${state.routeId}: the route file changed since the run.` };
  } catch (err) {
    return { note: (err as Error).message };
  }
}

/** A path a record names, resolved inside the run folder; undefined when it points elsewhere. */
export function insideRunFolder(runDir: string, path: unknown): string | undefined {
  if (typeof path !== 'string' || !path || /^[a-z][a-z0-9+.-]*:/i.test(path)) return undefined; // no URLs (javascript:, file:, ...)
  const full = resolve(runDir, path);
  const inside = relative(runDir, full);
  return !inside || inside.startsWith('..') || isAbsolute(inside) ? undefined : full;
}
