// The answer's fields in a model output, for highlighting: GeneralPoints' "cards", "number"
// and "formula", V-IRL's "current observation", "current instruction" and "action". Pure text
// in, text segments out (the webview sets each as text): a field is its key and its value,
// the value a bracketed list, a quoted string or the rest of the line.
export type AnswerField = 'cards' | 'number' | 'formula' | 'current observation' | 'current instruction' | 'action';

export interface Segment {
  text: string;
  field?: AnswerField;
  /** Key or value of the field. */
  part?: 'key' | 'value';
}

const KEY = /(["'])(cards|number|formula|current observation|current instruction|action)\1\s*:\s*/g;

function valueEnd(text: string, start: number): number {
  const open = text[start];
  if (open === '[') {
    const close = text.indexOf(']', start);
    return close === -1 ? lineEnd(text, start) : close + 1;
  }
  if (open === '"' || open === "'") {
    const close = text.indexOf(open, start + 1);
    const end = lineEnd(text, start);
    return close === -1 || close > end ? end : close + 1;
  }
  const comma = text.slice(start, lineEnd(text, start)).search(/,\s*$|,|}/);
  return comma === -1 ? lineEnd(text, start) : start + comma;
}

function lineEnd(text: string, from: number): number {
  const nl = text.indexOf('\n', from);
  return nl === -1 ? text.length : nl;
}

export function answerSegments(output: string): Segment[] {
  const segments: Segment[] = [];
  let at = 0;
  KEY.lastIndex = 0;
  for (let m = KEY.exec(output); m; m = KEY.exec(output)) {
    const field = m[2] as AnswerField;
    const valueStart = m.index + m[0].length;
    const end = valueEnd(output, valueStart);
    if (m.index > at) segments.push({ text: output.slice(at, m.index) });
    segments.push({ text: m[0], field, part: 'key' });
    if (end > valueStart) segments.push({ text: output.slice(valueStart, end), field, part: 'value' });
    at = end;
    KEY.lastIndex = Math.max(end, valueStart);
  }
  if (at < output.length) segments.push({ text: output.slice(at) });
  return segments;
}
