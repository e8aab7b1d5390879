// Synthetic cities: offline V-IRL routes in the reference route_infos.json format.
// The Python twin is trainer/ptlab/envs/cities.py (its docstring explains the design);
// the same (city, routes, seed) gives the same routes, milestone text included.
import { Rng } from './prng';
import { directionName } from './virl';

export interface CityStyle {
  name: string;
  rotation: number;
  blockM: number;
  origin: [number, number];
  streets: string[];
  places: string[];
  look: { sky: string; facade: string; accent: string; road: string };
}

const style = (name: string, rotation: number, blockM: number, origin: [number, number], streets: string[], places: string[], look: CityStyle['look']): CityStyle => ({ name, rotation, blockM, origin, streets, places, look });

export const CITIES: Record<string, CityStyle> = Object.fromEntries(
  [
    style('nyc', 29, 80, [40.72, -74.0], ['Prince St', 'Spring St', 'Broome St', 'Grand St', 'Houston St', 'Bleecker St', 'Mercer St', 'Greene St', 'Wooster St', 'Broadway', 'Lafayette St', 'Crosby St'],
      ['Aritzia', "Joe's Pizza", 'Blue Bottle Coffee', 'Housing Works Bookstore', 'Apple SoHo', 'Balthazar', 'Dominique Ansel Bakery', 'McNally Jackson', 'Uniqlo', 'Chase Bank', 'Duane Reade', "Katz's Delicatessen", 'Strand Books', 'Le Pain Quotidien'],
      { sky: '#9cc3e6', facade: '#8c6a56', accent: '#2f2f2f', road: '#555555' }),
    style('milan', 12, 110, [45.46, 9.19], ['Via Torino', 'Via Dante', 'Corso Magenta', 'Via Manzoni', 'Via Brera', 'Via Montenapoleone'],
      ['Duomo Cafe', 'Libreria Hoepli', 'Pasticceria Marchesi', 'La Rinascente', 'Trattoria Milanese'], { sky: '#b7cde0', facade: '#d9b38c', accent: '#7a4b2a', road: '#6b6b6b' }),
    style('new-delhi', 45, 150, [28.61, 77.21], ['Janpath', 'Rajpath', 'Baba Kharak Singh Marg', 'Tolstoy Marg', 'Barakhamba Road'],
      ["Haldiram's", 'Palika Bazaar', 'Indian Coffee House', 'Khan Market Books', 'Agrasen Ki Baoli'], { sky: '#d9d4c0', facade: '#c98f5a', accent: '#a33b2b', road: '#7a6e5d' }),
    style('buenos-aires', 0, 100, [-34.6, -58.38], ['Avenida de Mayo', 'Florida', 'Corrientes', 'Lavalle', 'Tucuman', 'Esmeralda'],
      ['Cafe Tortoni', 'El Ateneo', 'Galerias Pacifico', 'La Cabrera', 'Teatro Colon'], { sky: '#a9c9ea', facade: '#e0d2b8', accent: '#5b6e8c', road: '#4f4f4f' }),
    style('london', 17, 120, [51.51, -0.13], ['Oxford St', 'Regent St', 'Carnaby St', 'Dean St', 'Frith St', 'Greek St'],
      ['Liberty', 'Pret A Manger', 'Foyles', 'Hamleys', 'The Red Lion'], { sky: '#c4ccd4', facade: '#a0523d', accent: '#1f3b2d', road: '#5a5a5a' }),
    style('hong-kong', 33, 70, [22.28, 114.16], ["Queen's Road Central", 'Des Voeux Road', 'Wellington St', 'Stanley St', 'Hollywood Road'],
      ['Lan Fong Yuen', 'Tai Cheong Bakery', "Mak's Noodle", '7-Eleven', 'Man Mo Temple'], { sky: '#bfc8cf', facade: '#9aa3a8', accent: '#d1332d', road: '#3f3f3f' }),
    style('melbourne', 0, 95, [-37.81, 144.96], ['Flinders Lane', 'Collins St', 'Bourke St', 'Little Collins St', 'Swanston St'],
      ['Hardware Societe', 'Brunetti', 'The Paperback Bookshop', 'Degraves Espresso', 'Block Arcade'], { sky: '#8fb9e0', facade: '#b98d6b', accent: '#2e5e4e', road: '#505050' }),
    style('lagos', 21, 130, [6.45, 3.4], ['Broad St', 'Marina Road', 'Awolowo Road', 'Adeola Odeku', 'Ozumba Mbadiwe'],
      ['Terra Kulture', 'Jazzhole', 'Mega Plaza', 'Nok by Alara', 'Freedom Park'], { sky: '#cfd9c4', facade: '#e6c35c', accent: '#2d6a3e', road: '#6e6256' }),
    style('san-francisco', 8, 105, [37.79, -122.41], ['Sutter St', 'Post St', 'Geary St', 'Stockton St', 'Powell St', 'Grant Ave'],
      ['Starbucks', 'Apple Union Square', 'Sears Fine Food', 'Books Inc', 'The Whisky Shop'], { sky: '#a8d0f0', facade: '#e8e2d4', accent: '#c0392b', road: '#4a4a4a' }),
  ].map((c) => [c.name, c]),
);
export const VLN_MINI_CITIES = ['milan', 'new-delhi', 'buenos-aires', 'london', 'hong-kong', 'nyc', 'melbourne', 'lagos', 'san-francisco'];
const SIDES = ['left', 'right', 'front', 'left front', 'right front', 'left behind', 'right behind'];
const DESTINATION_SIDES = ['left', 'right', 'front', 'left front', 'right front'];
const GRID = 12;

const pick = (rng: Rng, items: readonly string[]) => items[rng.below(items.length)]!;

function milestone(index: number, landmarks: string, distance: number, previous: number, heading: number): string {
  return `\n{\n"intersection_idx": "${index}",\n"landmarks": "${landmarks}",\n"distance": "${distance} meters",\n"human_heading": "${previous}",\n"to_next_intersection_heading": "${heading} (${directionName(heading)})",\n}\n`;
}

const geocode = (s: CityStyle, x: number, y: number): number[] => [s.origin[0] + (y * s.blockM) / 111_000, s.origin[1] + (x * s.blockM) / 111_000];

export function generateRoute(s: CityStyle, rng: Rng, routeId: string): Record<string, unknown> {
  let x = rng.below(GRID);
  let y = rng.below(GRID);
  const start: [number, number] = [x, y];
  let direction = rng.below(4); // 0 north, 1 east, 2 south, 3 west, in grid terms
  const segments = 1 + rng.below(4);
  let previous = 0; // the agent starts facing north, as in the reference files
  const moved: [number, number][] = [];
  const info: [string, number, number, number][] = [];
  for (let seg = 0; seg < segments; seg++) {
    if (seg > 0) direction = (direction + (rng.below(2) ? 1 : 3)) % 4; // right or left turn
    const blocks = 1 + rng.below(4);
    const [dx, dy] = ([[0, 1], [1, 0], [0, -1], [-1, 0]] as const)[direction]!;
    x += dx * blocks;
    y += dy * blocks;
    const heading = (s.rotation + 90 * direction) % 360;
    const distance = blocks * s.blockM + rng.below(16);
    let landmarks = '';
    if (seg === segments - 1) landmarks = '';
    else if (rng.below(10) < 7) landmarks = `${pick(rng, s.places)} is on your ${pick(rng, SIDES)}`;
    else if (rng.below(2)) landmarks = `${pick(rng, s.streets)} is on your front`;
    info.push([landmarks, distance, previous, heading]);
    moved.push([x, y]);
    previous = heading;
  }
  const destination = pick(rng, s.places);
  const side = pick(rng, DESTINATION_SIDES);
  const last = info[info.length - 1]!;
  info[info.length - 1] = [`The destination ${destination} is on your ${side}`, last[1], last[2], last[3]];
  return {
    route_id: routeId,
    city: s.name,
    start_place: { name: `${pick(rng, s.streets)} and ${pick(rng, s.streets)}`, geocode: geocode(s, ...start), relocated_geocode: geocode(s, ...start) },
    dest_place: { name: destination, geocode: geocode(s, x, y), relocated_geocode: geocode(s, x, y) },
    // geocode_list: the segment ends, as the real files (the start is start_place's)
    route_results: { geocode_list: moved.map((p) => geocode(s, ...p)), distance_list: info.map((m) => m[1]), landmark_list: [] },
    init_heading: 0,
    milestone_info: info.map((m, i) => milestone(i + 1, ...m)).join(''),
  };
}

export class UnknownCity extends Error {}

/** `count` routes of `city` (or of the nine `vln-mini` cities in turn), reproducibly. */
export function generateRoutes(city: string, count: number, seed: number): Record<string, unknown>[] {
  if (city !== 'vln-mini' && !Object.hasOwn(CITIES, city)) {
    throw new UnknownCity(`environment.routes.synthetic.city: unknown city '${city}'; known: vln-mini, ${Object.keys(CITIES).join(', ')}`);
  }
  const rng = new Rng(seed);
  return Array.from({ length: count }, (_, i) => {
    const s = city === 'vln-mini' ? CITIES[VLN_MINI_CITIES[Math.floor(i / 2) % VLN_MINI_CITIES.length]!]! : CITIES[city]!;
    return generateRoute(s, rng, `${city}-${seed}-${String(i).padStart(4, '0')}`);
  });
}
