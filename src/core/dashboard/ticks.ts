// Axis tick labels for the dashboard's charts. Chart.js's default formats each label with
// Intl.NumberFormat, whose first construction in a page costs about 30 ms (ICU loading), a
// fifth of the dashboard's first render; these labels need no locale. Shown with as many
// decimals as the tick spacing needs, grouped by thousands, and in exponent form from a
// million on (GFLOPs and token counts).

/** The label of `value` on an axis whose ticks are `step` apart (an axis end may lie between them: it gets the digits it needs). */
export function tickLabel(value: number, step: number): string {
  if (!Number.isFinite(value)) return String(value);
  const spacing = Math.abs(step) > 0 && Number.isFinite(step) ? Math.abs(step) : Math.abs(value) || 1;
  const close = (label: string): boolean => Math.abs(Number(label) - value) <= spacing * 1e-3;
  if (Math.abs(value) >= 1e6) {
    const exponent = Math.floor(Math.log10(Math.abs(value)));
    let digits = Math.max(0, exponent - Math.floor(Math.log10(spacing) + 1e-9));
    while (digits < 15 && !close(value.toExponential(digits))) digits++;
    return value.toExponential(Math.min(digits, 15)).replace(/\.?0+e/, 'e').replace('e+', 'e');
  }
  let decimals = Math.min(10, Math.max(0, -Math.floor(Math.log10(spacing) + 1e-9)));
  if (Math.abs(value) < spacing * 1e-6) return groupThousands((0).toFixed(decimals)); // zero, off by float steps
  while (decimals < 10 && !close(value.toFixed(decimals))) decimals++;
  return groupThousands(value.toFixed(decimals));
}

/** A Chart.js tick callback (value, index, ticks) labelling by the ticks' spacing. */
export function tickCallback(value: number | string, index: number, ticks: readonly { value: number }[]): string {
  const v = Number(value);
  const neighbour = ticks[index + 1] ?? ticks[index - 1];
  return tickLabel(v, neighbour ? neighbour.value - v : 0);
}

function groupThousands(fixed: string): string {
  const [whole, fraction] = fixed.split('.');
  const sign = whole!.startsWith('-') ? '-' : '';
  const digits = sign ? whole!.slice(1) : whole!;
  const grouped = digits.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}${grouped}${fraction !== undefined ? `.${fraction}` : ''}`;
}
