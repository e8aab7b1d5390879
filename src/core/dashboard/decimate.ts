// Pixel-exact line decimation for the dashboard's curves. Pure: shared by the webview and tests.

/**
 * M4 (Jugel et al., "M4: A Visualization-Oriented Time Series Data Aggregation", VLDB 2014):
 * the indices of the first, last, lowest and highest point of every run of consecutive points
 * that falls into one of `columns` equal slices of [x0, x1], in index order. A line through
 * them rasterizes like the line through every point at that width, with at most 4 points per
 * column: a 166,650-point curve on a 1,400-pixel chart is drawn from about 5,600. Points
 * whose y is not finite are kept, so gaps stay gaps. Order by x is not assumed (a run is cut
 * wherever x changes column), so a curve that steps back is drawn as it is.
 */
export function m4Indices(xs: Float64Array, ys: Float64Array, x0: number, x1: number, columns: number): Uint32Array {
  const n = xs.length;
  if (n <= 4 * columns) return Uint32Array.from({ length: n }, (_, i) => i);
  const scale = x1 > x0 ? columns / (x1 - x0) : 0;
  const last = columns - 1;
  const out = new Uint32Array(n);
  let count = 0;
  let i = 0;
  while (i < n) {
    const first = i;
    let yLow = ys[i]!;
    if (yLow !== yLow || yLow === Infinity || yLow === -Infinity) {
      out[count++] = i++;
      continue;
    }
    let column = Math.floor((xs[i]! - x0) * scale);
    if (column > last) column = last;
    let yHigh = yLow;
    let low = i;
    let high = i;
    for (i++; i < n; i++) {
      const y = ys[i]!;
      if (y !== y || y === Infinity || y === -Infinity) break;
      let c = Math.floor((xs[i]! - x0) * scale);
      if (c > last) c = last;
      if (c !== column) break;
      if (y < yLow) (yLow = y), (low = i);
      else if (y > yHigh) (yHigh = y), (high = i);
    }
    const end = i - 1;
    out[count++] = first;
    const a = low < high ? low : high;
    const b = low < high ? high : low;
    if (a !== first) out[count++] = a;
    if (b !== a && b !== first) out[count++] = b;
    if (end !== b && end !== first) out[count++] = end;
  }
  return out.slice(0, count);
}
