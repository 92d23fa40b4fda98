// The colour policy, colour-blind safe: one zero colour everywhere (near white), purple for
// negative and orange for positive values (PuOr). Signed values get the diverging scale
// centred on zero; non-negative ones (after ReLU, pooling, softmax) its orange half, so 0
// looks the same in every layer and orange always means "positive". The input image is ink
// on paper, as on the drawing pad: 0 white, 1 black.

const PUOR = [ // negative (purple) ... zero (near white) ... positive (orange)
  [45, 0, 75], [84, 39, 136], [128, 115, 172], [178, 171, 210], [216, 218, 235],
  [247, 247, 247], [254, 224, 182], [253, 184, 99], [224, 130, 20], [179, 88, 6], [127, 59, 8],
];

function interpolate(stops, t) {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(x));
  const f = x - i;
  const a = stops[i], b = stops[i + 1];
  return [Math.round(a[0] + (b[0] - a[0]) * f), Math.round(a[1] + (b[1] - a[1]) * f), Math.round(a[2] + (b[2] - a[2]) * f)];
}

const POSITIVE = PUOR.slice(5); // white ... dark orange

/** Sequential: value in [0, max] -> [r, g, b] (0 is the same white as the diverging scale's 0). */
export function sequential(value, max) {
  return interpolate(POSITIVE, max > 0 ? value / max : 0);
}

/** Ink on paper: 0 white, 1 black (the network input, as drawn on the pad). */
export function ink(v) {
  const g = Math.round(255 * (1 - Math.min(1, Math.max(0, v))));
  return [g, g, g];
}
export const INK_GRADIENT = 'linear-gradient(to right, #fff, #000)';

/** Diverging, centred on zero: value in [-limit, limit] -> [r, g, b]. */
export function diverging(value, limit) {
  return interpolate(PUOR, limit > 0 ? 0.5 + 0.5 * (value / limit) : 0.5);
}

/** Which scale suits a layer's values: signed ones get the diverging scale (always, with
 *  signed = true: gradients and weights, whose sign is what matters). */
export function scaleFor(min, max, { signed = false } = {}) {
  if (min < 0 || signed) {
    const limit = Math.max(Math.abs(min), Math.abs(max));
    return { kind: 'diverging', min: -limit, max: limit, color: (v) => diverging(v, limit) };
  }
  return { kind: 'sequential', min: 0, max, color: (v) => sequential(v, max) };
}

/** CSS gradient for a legend of the scale. */
export function legendGradient(kind) {
  const stops = kind === 'diverging' ? PUOR : POSITIVE;
  return `linear-gradient(to right, ${stops.map((c, i) => `rgb(${c.join(',')}) ${(100 * i / (stops.length - 1)).toFixed(1)}%`).join(', ')})`;
}

/** WCAG 2 relative luminance of an sRGB colour [r, g, b] (0-255). */
export function luminance(rgb) {
  const [r, g, b] = rgb.map((v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/** Text colour (black or white) readable on a background [r, g, b]: the one of higher WCAG contrast
 *  (a mid orange takes black, 5.3:1, where a brightness threshold gave it white, 3.9:1). */
export function textOn(rgb) {
  const l = luminance(rgb);
  return (l + 0.05) / 0.05 >= 1.05 / (l + 0.05) ? '#000' : '#fff';
}

/** How maps are scaled (CNN Explainer's choice): each map (unit) to its own range, each layer to
 *  its own, or every layer to one range for the whole network. */
export const SCALINGS = ['unit', 'layer', 'global'];

/** The smallest and largest of values[offset, offset + n). */
export function rangeOf(values, offset = 0, n = values.length - offset) {
  let min = Infinity, max = -Infinity;
  for (let i = offset; i < offset + n; i++) {
    const v = values[i];
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return n > 0 ? { min, max } : { min: 0, max: 0 };
}

/** The range covering all of ranges [{min, max}]. */
export function unionRange(ranges) {
  return ranges.reduce((a, r) => ({ min: Math.min(a.min, r.min), max: Math.max(a.max, r.max) }), { min: Infinity, max: -Infinity });
}
