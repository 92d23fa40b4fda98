// Gradients span many orders of magnitude (1e-9 … 10), so they are shown with significant digits
// rather than a fixed number of decimals: 3 digits, e-notation below 0.001 or from 10,000.

/** A number with `digits` significant digits, e.g. 0.000437 -> "4.37e-4", 0.0123 -> "0.0123". */
export function sig(v, digits = 3) {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const abs = Math.abs(v);
  if (abs < 1e-3 || abs >= 1e4) return v.toExponential(digits - 1).replace(/\.?0+e/, 'e');
  return String(Number(v.toPrecision(digits)));
}
