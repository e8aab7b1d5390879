// GP-VL card images as SVG for the webviews: the same design as the model's PNG
// (trainer/ptlab/envs/cards.py), from one file, trainer/ptlab/envs/card_design.json.
import design from '../../../trainer/ptlab/envs/card_design.json';
import type { Suit } from './generalpoints';

type Shape = { polygons: number[][][]; circles: number[][] };
const RED: readonly string[] = ['hearts', 'diamonds'];

function escapeXml(text: string): string {
  return text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
}

function suitShape(suit: Suit, x: number, y: number, size: number, ink: string): string {
  const shape = (design.suits as Record<Suit, Shape>)[suit];
  if (!shape) return '';
  const polygons = shape.polygons.map((poly) => `<polygon points="${poly.map(([px, py]) => `${x + px! * size},${y + py! * size}`).join(' ')}" fill="${ink}"/>`);
  const circles = shape.circles.map(([cx, cy, r]) => `<circle cx="${x + cx! * size}" cy="${y + cy! * size}" r="${r! * size}" fill="${ink}"/>`);
  return polygons.join('') + circles.join('');
}

/** The four cards on the table, as an SVG document (1200x1200 viewBox). Labels are escaped. */
export function renderHandSvg(cards: readonly string[], suits: readonly Suit[]): string {
  const { canvas, card, rank, cornerSuit, centerSuit } = design;
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${canvas.width} ${canvas.height}" role="img" aria-label="${escapeXml(`Cards: ${cards.join(', ')}`)}">`];
  parts.push(`<rect width="${canvas.width}" height="${canvas.height}" fill="${canvas.color}"/>`);
  cards.forEach((label, i) => {
    const x = card.xs[i]!;
    const suit = suits[i]!;
    const ink = RED.includes(suit) ? design.ink.red : design.ink.black;
    const { y, width: w, height: h } = card;
    const corner =
      `<text x="${x + rank.x}" y="${y + rank.y + rank.size * 0.8}" font-family="Aileron, Helvetica, Arial, sans-serif" font-size="${rank.size}" fill="${ink}">${escapeXml(label)}</text>` +
      suitShape(suit, x + cornerSuit.x, y + cornerSuit.y, cornerSuit.size, ink);
    parts.push(
      `<g class="card" data-rank="${escapeXml(label)}" data-suit="${suit}">`,
      `<rect x="${x}" y="${y}" width="${w}" height="${h}" rx="${card.radius}" fill="${card.face}" stroke="${card.edge}" stroke-width="${card.edgeWidth}"/>`,
      corner,
      suitShape(suit, x + (w - centerSuit.size) / 2, y + (h - centerSuit.size) / 2 + 20, centerSuit.size, ink),
      `<g transform="rotate(180 ${x + w / 2} ${y + h / 2})">${corner}</g>`,
      '</g>',
    );
  });
  parts.push('</svg>');
  return parts.join('');
}
