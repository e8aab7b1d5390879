// Views of environment state shared by the environment preview and the transcript viewer:
// a route's map with the agent's positions, a variant's routes, SVG images as data URIs.
// Pure: route files come through the loader the caller passes in.
import { generateRoutes, UnknownCity } from './cities';
import { EnvConfigError } from './generalpoints';
import type { RouteFileLoader } from './server';
import { actionOf, observationOf, parseRoutes, type Position, type Route, type VirlConfig } from './virl';

/** The V-IRL route drawn from its milestones (metres east and south of the start). */
export interface RouteMapView {
  start: string;
  destination: string;
  /** Start, each intersection, destination. */
  intersections: { x: number; y: number; landmarks: string }[];
  /** Each rail position (where the agent stands when asked). */
  rail: { x: number; y: number; heading: number; action: string; observation: string }[];
  /** The agent's rail position now (rail.length - 1 when finished). */
  agent: number;
}

/** The paper's task name of an environment config: GP-L, GP-VL, V-IRL-L or V-IRL-VL. */
export function taskName(environment: unknown): string {
  const env = environment as { env?: string; modality?: string } | undefined;
  const family = env?.env === 'virl' ? 'V-IRL' : env?.env === 'generalpoints' ? 'GP' : (env?.env ?? '?');
  return `${family}-${env?.modality === 'vision' ? 'VL' : 'L'}`;
}

/** Synthetic cities by (city, routes, seed): a config's splits switch between a few. */
const syntheticRoutes = new Map<string, Route[]>();

/** The variant's routes: a route file (through the loader) or a synthetic city (cached). */
export function loadRoutes(config: VirlConfig, loadRouteFile: RouteFileLoader): Route[] {
  if ('file' in config.routes) {
    const { path, data } = loadRouteFile(config.routes.file);
    return parseRoutes(data, path);
  }
  const { city, routes: count = 1000, seed = 0 } = config.routes.synthetic;
  const key = JSON.stringify([city, count, seed]);
  let routes = syntheticRoutes.get(key);
  if (!routes) {
    try {
      routes = parseRoutes(generateRoutes(city, count, seed), `synthetic city ${city}`);
    } catch (err) {
      if (err instanceof UnknownCity) throw new EnvConfigError(err.message);
      throw err;
    }
    if (syntheticRoutes.size >= 4) syntheticRoutes.delete(syntheticRoutes.keys().next().value!);
    syntheticRoutes.set(key, routes);
  }
  return routes;
}

/** Where each rail position stands, by dead reckoning from the milestones' headings and
 * distances (north up, metres): a turn at its intersection, the k forward() points of a
 * segment evenly from its start, stop() at the destination. */
export function routeMap(route: Route, rail: Position[], agent: number, space: VirlConfig['actionSpace']): RouteMapView {
  const points = [{ x: 0, y: 0 }];
  for (const m of route.milestones) {
    const last = points[points.length - 1]!;
    const radians = (m.heading * Math.PI) / 180;
    points.push({ x: last.x + m.distanceM * Math.sin(radians), y: last.y - m.distanceM * Math.cos(radians) });
  }
  const forwardCount = route.milestones.map((_, s) => rail.filter((p) => p.sentence === 2 * s + 1 && p.absoluteAction === 'forward()').length);
  const seen = route.milestones.map(() => 0);
  const railPoints = rail.map((p) => {
    const segment = Math.floor(p.sentence / 2);
    const from = points[segment]!;
    const to = points[segment + 1]!;
    let t = 0;
    if (p.absoluteAction === 'stop()') t = 1;
    else if (p.absoluteAction === 'forward()') t = seen[segment]!++ / forwardCount[segment]!;
    return { x: from.x + (to.x - from.x) * t, y: from.y + (to.y - from.y) * t, heading: p.heading, action: actionOf(p, space), observation: observationOf(p) };
  });
  return {
    start: route.start,
    destination: route.destination,
    intersections: points.map((p, i) => ({ ...p, landmarks: i === 0 ? '' : route.milestones[i - 1]!.landmarks })),
    rail: railPoints,
    agent: Math.min(agent, rail.length - 1),
  };
}

/** An SVG document as an <img> source: images cannot run scripts, and the CSP allows data: images. */
export function svgDataUri(svg: string): string {
  let binary = '';
  for (const byte of new TextEncoder().encode(svg)) binary += String.fromCharCode(byte);
  return `data:image/svg+xml;base64,${btoa(binary)}`; // btoa: in browsers and Node alike
}
