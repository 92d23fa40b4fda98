// The number policy for learners: what a number looks like wherever a learner reads it.
//  - no e-notation on screen; a non-zero value too small for the decimals shown reads "≈0";
//  - inside one formula every number has the same decimals (decimalsFor), so the terms
//    visibly add up to the total within the last digit;
//  - probabilities never read 0 % or 100 % (softmax is never exactly either): "< 0.01%", "> 99.99%";
//  - the exact value is kept for a hover or focus title (exact).

export const MINUS = '\u2212';

/** The decimals that give the largest |value| `significant` digits, from 0 to 5. */
export function decimalsFor(values, significant = 4) {
  let largest = 0;
  for (const v of values) if (Number.isFinite(v)) largest = Math.max(largest, Math.abs(v));
  if (largest === 0) return 1;
  const d = significant - 1 - Math.floor(Math.log10(largest));
  return Math.max(0, Math.min(5, d));
}

/** v with exactly `decimals` decimals; exact 0 reads "0"; a non-zero v that rounds to 0 reads "≈0". */
export function fixed(v, decimals) {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const text = Math.abs(v).toFixed(decimals);
  if (/^0(\.0*)?$/.test(text)) return '≈0';
  return (v < 0 ? MINUS : '') + text;
}

/** One number on its own: a few significant digits, trailing zeros dropped, never e-notation. */
export function fmt(v, digits = 3) {
  if (!Number.isFinite(v)) return String(v);
  const abs = Math.abs(v);
  const decimals = abs >= 1000 ? 0 : abs >= 100 ? 1 : abs >= 1 ? digits : digits + 1;
  const text = fixed(v, decimals);
  return text.includes('.') ? text.replace(/0+$/, '').replace(/\.$/, '') : text;
}

/** A probability as a percentage; never "0%" or "100%" for what is only close to either. */
export function percent(p) {
  if (p >= 1 - 1e-4 && p <= 1) return p === 1 ? '100%' : '> 99.99%';
  if (p > 0 && p < 1e-4) return '< 0.01%';
  if (p === 0) return '0%';
  return `${(100 * p).toFixed(p > 0.999 || p < 0.001 ? 2 : 1)}%`;
}

/** The exact value (float32 precision) for a title: up to 8 significant digits, no e-notation. */
export function exact(v) {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const text = Number(v.toPrecision(8)).toString();
  if (!text.includes('e')) return text.replace('-', MINUS);
  const abs = Math.abs(v);
  const decimals = Math.min(100, 7 - Math.floor(Math.log10(abs)));
  return (v < 0 ? MINUS : '') + abs.toFixed(decimals).replace(/0+$/, '');
}

/** Text a learner reads -> the number it shows (inverse of fixed/fmt; "≈0" -> 0). */
export function parseShown(text) {
  const t = text.trim().replace(MINUS, '-');
  return t === '≈0' ? 0 : Number(t);
}
