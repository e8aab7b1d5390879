// Colours, control values and the PNG snapshot of what the dashboard shows.
import { themeColor } from '../shared/host';

const PALETTE: readonly [string, string][] = [
  ['--vscode-charts-blue', '#3794ff'],
  ['--vscode-charts-red', '#f14c4c'],
  ['--vscode-charts-green', '#89d185'],
  ['--vscode-charts-orange', '#d18616'],
  ['--vscode-charts-purple', '#b180d7'],
  ['--vscode-charts-yellow', '#cca700'],
];
const MORE = ['#4ec9b0', '#e07bb5', '#9cdcfe', '#c586c0', '#dcdcaa', '#808080'];

/** The i-th series colour: the theme's chart colours first. */
export function palette(index: number): string {
  const named = PALETTE[index % (PALETTE.length + MORE.length)];
  return named ? themeColor(...named) : MORE[(index % (PALETTE.length + MORE.length)) - PALETTE.length]!;
}

const probe = document.createElement('canvas').getContext('2d')!;

/** Any CSS colour with the given opacity, as rgba(). */
export function withAlpha(color: string, alpha: number): string {
  probe.fillStyle = '#000';
  probe.fillStyle = color;
  const normal = String(probe.fillStyle);
  if (normal.startsWith('#')) {
    const n = parseInt(normal.slice(1, 7), 16);
    return `rgba(${(n >> 16) & 255}, ${(n >> 8) & 255}, ${n & 255}, ${alpha})`;
  }
  const parts = normal.match(/[\d.]+/g) ?? ['0', '0', '0'];
  return `rgba(${parts[0]}, ${parts[1]}, ${parts[2]}, ${alpha})`;
}

/** The value of a vscode-elements control. */
export function valueOf(control: HTMLElement): string {
  return (control as unknown as { value: string }).value;
}

/** A PNG (data: URL) of an area: its canvases, swatches and texts marked .figure-text, on the editor background. */
export function snapshotPng(area: HTMLElement): string {
  const box = area.getBoundingClientRect();
  const scale = window.devicePixelRatio || 1;
  const out = document.createElement('canvas');
  out.width = Math.ceil(box.width * scale);
  out.height = Math.ceil(box.height * scale);
  const ctx = out.getContext('2d')!;
  ctx.scale(scale, scale);
  ctx.fillStyle = themeColor('--vscode-editor-background', '#1e1e1e');
  ctx.fillRect(0, 0, box.width, box.height);
  const at = (node: Element): DOMRect => {
    const r = node.getBoundingClientRect();
    return new DOMRect(r.left - box.left, r.top - box.top, r.width, r.height);
  };
  for (const swatch of area.querySelectorAll<HTMLElement>('.swatch')) {
    const r = at(swatch);
    ctx.fillStyle = getComputedStyle(swatch).backgroundColor;
    ctx.fillRect(r.x, r.y, r.width, r.height);
  }
  for (const canvas of area.querySelectorAll('canvas')) {
    const r = at(canvas);
    ctx.drawImage(canvas, r.x, r.y, r.width, r.height);
  }
  for (const text of area.querySelectorAll<HTMLElement>('.figure-text')) {
    const r = at(text);
    const style = getComputedStyle(text);
    ctx.font = `${style.fontWeight} ${style.fontSize} ${style.fontFamily}`;
    ctx.fillStyle = style.color;
    ctx.textBaseline = 'middle';
    const centred = style.textAlign === 'center';
    ctx.textAlign = centred ? 'center' : 'left';
    ctx.fillText(text.textContent ?? '', centred ? r.x + r.width / 2 : r.x, r.y + r.height / 2);
  }
  return out.toDataURL('image/png');
}
