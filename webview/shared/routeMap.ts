// The V-IRL route map (north up): the route's polyline, the rail positions (done ones
// filled), numbered intersections and the agent's arrow. Landmark names and observations
// come from route files and go in as SVG text nodes only. Styles: media/route-map.css.
import type { RouteMapView } from '../../src/protocol/preview';
import { el } from './host';


const SVG = 'http://www.w3.org/2000/svg';
const MAP_WIDTH = 560;
const MAP_HEIGHT = 320;
const MAP_PADDING = 36;

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number>, text?: string): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  if (text !== undefined) node.textContent = text;
  return node;
}

export function routeSvg(map: RouteMapView, id = 'route-map'): SVGSVGElement {
  const xs = map.intersections.map((p) => p.x);
  const ys = map.intersections.map((p) => p.y);
  const [minX, maxX, minY, maxY] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const scale = Math.min((MAP_WIDTH - 2 * MAP_PADDING) / Math.max(maxX - minX, 1), (MAP_HEIGHT - 2 * MAP_PADDING) / Math.max(maxY - minY, 1));
  const offsetX = (MAP_WIDTH - (maxX - minX) * scale) / 2;
  const offsetY = (MAP_HEIGHT - (maxY - minY) * scale) / 2;
  const at = (p: { x: number; y: number }) => [offsetX + (p.x - minX) * scale, offsetY + (p.y - minY) * scale] as const;
  const root = svg('svg', { id, class: 'route-map', viewBox: `0 0 ${MAP_WIDTH} ${MAP_HEIGHT}`, role: 'img', 'aria-label': `Route from ${map.start} to ${map.destination}` });
  root.append(svg('title', {}, `Route from ${map.start} to ${map.destination} (north up)`));
  root.append(svg('text', { x: MAP_WIDTH - 14, y: 20, class: 'map-north', 'text-anchor': 'middle' }, 'N ↑'));
  root.append(svg('polyline', { class: 'map-route', points: map.intersections.map((p) => at(p).join(',')).join(' ') }));
  map.rail.forEach((p, i) => {
    const [x, y] = at(p);
    const dot = svg('circle', { class: `map-rail ${i < map.agent ? 'is-done' : ''}`, cx: x, cy: y, r: 3 });
    dot.append(svg('title', {}, `${i + 1}. ${p.observation} → ${p.action}`));
    root.append(dot);
  });
  map.intersections.forEach((p, i) => {
    const [x, y] = at(p);
    const last = i === map.intersections.length - 1;
    const kind = i === 0 ? 'start' : last ? 'destination' : 'intersection';
    const group = svg('g', { class: `map-${kind}` });
    group.append(svg('circle', { cx: x, cy: y, r: i === 0 || last ? 9 : 7 }));
    group.append(svg('text', { x, y: y + 4, 'text-anchor': 'middle' }, i === 0 ? 'S' : last ? 'D' : String(i)));
    group.append(svg('title', {}, i === 0 ? `Start: ${map.start}` : last ? `Destination: ${map.destination}: ${p.landmarks}` : `${i}: ${p.landmarks}`));
    root.append(group);
  });
  const agent = map.rail[map.agent];
  if (agent) {
    const [x, y] = at(agent);
    const arrow = svg('g', { id: 'map-agent', class: 'map-agent', transform: `translate(${x.toFixed(1)} ${y.toFixed(1)}) rotate(${agent.heading})` });
    arrow.append(svg('polygon', { points: '0,-18 11,11 0,5 -11,11' }), svg('title', {}, `Agent at position ${map.agent + 1}, heading ${agent.heading}°`));
    root.append(arrow);
  }
  return root;
}

export function routeLegend(map: RouteMapView): HTMLOListElement {
  const last = map.intersections.length - 1;
  return el(
    'ol',
    { id: 'route-legend', class: 'route-legend' },
    el('li', { class: 'legend-start' }, el('span', { class: 'legend-key' }, 'S '), `Start: ${map.start}`),
    ...map.intersections.slice(1, last).map((p, i) => el('li', {}, el('span', { class: 'legend-key' }, `${i + 1} `), p.landmarks || 'No landmarks')),
    el('li', { class: 'legend-destination' }, el('span', { class: 'legend-key' }, 'D '), `Destination: ${map.destination} — ${map.intersections[last]?.landmarks ?? ''}`),
  );
}
