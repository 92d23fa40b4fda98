// Colour scales, colour-blind safe: viridis for non-negative values, and a
// purple–white–orange diverging scale (PuOr) centred on zero for signed ones.

const VIRIDIS = [
  [68, 1, 84], [72, 40, 120], [62, 74, 137], [49, 104, 142], [38, 130, 142],
  [31, 158, 137], [53, 183, 121], [109, 205, 89], [180, 222, 44], [253, 231, 37],
];
const PUOR = [ // negative (purple) ... zero (near white) ... positive (orange)
  [45, 0, 75], [84, 39, 136], [128, 115, 172], [178, 171, 210], [216, 218, 235],
  [247, 247, 247], [254, 224, 182], [253, 184, 99], [224, 130, 20], [179, 88, 6], [127, 59, 8],
];

function interpolate(stops, t) {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const a = stops[i], b = stops[i + 1];
  return [0, 1, 2].map((k) => Math.round(a[k] + (b[k] - a[k]) * f));
}

/** Sequential: value in [0, max] -> [r, g, b]. */
export function sequential(value, max) {
  return interpolate(VIRIDIS, max > 0 ? value / max : 0);
}

/** Diverging, centred on zero: value in [-limit, limit] -> [r, g, b]. */
export function diverging(value, limit) {
  return interpolate(PUOR, limit > 0 ? 0.5 + 0.5 * (value / limit) : 0.5);
}

/** Which scale suits a layer's values: signed ones get the diverging scale. */
export function scaleFor(min, max) {
  if (min < 0) {
    const limit = Math.max(Math.abs(min), Math.abs(max));
    return { kind: 'diverging', min: -limit, max: limit, color: (v) => diverging(v, limit) };
  }
  return { kind: 'sequential', min: 0, max, color: (v) => sequential(v, max) };
}

/** CSS gradient for a legend of the scale. */
export function legendGradient(kind) {
  const stops = kind === 'diverging' ? PUOR : VIRIDIS;
  return `linear-gradient(to right, ${stops.map((c, i) => `rgb(${c.join(',')}) ${(100 * i / (stops.length - 1)).toFixed(1)}%`).join(', ')})`;
}

/** Text colour (black or white) readable on a background [r, g, b]. */
export function textOn([r, g, b]) {
  return 0.299 * r + 0.587 * g + 0.114 * b > 140 ? '#000' : '#fff';
}
