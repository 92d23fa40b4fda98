// The number policy for learners: what a number looks like wherever a learner reads it.
//  - no e-notation on screen; a non-zero value too small for the decimals shown reads "≈0";
//  - a sum: the shown terms add up to the shown total within the total's rounding (half a unit in
//    its last place; with the same decimals on terms and total: exactly). decimalsFor gives one
//    decimals for a formula; addingDecimals adds digits until it adds up, a sum of many terms (a
//    neuron's products) showing its terms one decimal finer than its total. Where that would take
//    more digits than fit (the stage's 25 products), the line says it is the sum of the exact products;
//  - a product a × b = p: the factors get enough digits that the shown a × the shown b, rounded to
//    p's decimals, IS the shown p (factorDecimals); where a cell has no room for that (the stage's
//    grids), the factors have at least p's decimals, so shown a × shown b is the shown p within the
//    rounding shown; a factor never reads "≈0" beside a product that does not (visibleDecimals);
//  - probabilities never read 0 % or 100 % (softmax is never exactly either): "< 0.01%", "> 99.99%"
//    (chance); a cross-entropy loss below 0.0001 reads "< 0.0001", never "0" (backward/format.js);
//  - the exact value is kept for a hover or focus title (exact).
//  The page computes no number it shows: these helpers only check, to choose digits, what it shows.

export const MINUS = '\u2212';

/** The decimals that give the largest |value| `significant` digits, from 0 to 5. */
export function decimalsFor(values, significant = 4, most = 5) {
  let largest = 0;
  for (const v of values) if (Number.isFinite(v)) largest = Math.max(largest, Math.abs(v));
  if (largest === 0) return 1;
  const d = significant - 1 - Math.floor(Math.log10(largest));
  return Math.max(0, Math.min(most, d));
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

/** A softmax probability as a percentage: like percent, but never "100%" or "0%" even when float32
 *  rounded it to 1 or 0 (softmax is never exactly either); an accuracy uses percent. */
export function chance(p) {
  if (p >= 1 - 1e-4) return '> 99.99%';
  if (p < 1e-4) return '< 0.01%';
  return percent(p);
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

/** v as shown with `decimals` decimals, as a number ("≈0" -> 0). */
export const shownValue = (v, decimals) => parseShown(fixed(v, decimals));

/** Do the terms shown with dTerms decimals add up to the total shown with dTotal (≤ dTerms)
 *  decimals, within the total's rounding (half a unit in its last place)? */
export function addsUp(terms, total, dTerms, dTotal = dTerms) {
  const sum = terms.reduce((s, v) => s + shownValue(v, dTerms), 0);
  return Math.abs(sum - shownValue(total, dTotal)) <= 0.5 * 10 ** -dTotal * (1 - 1e-9);
}

/** The fewest decimals d, from `from` to `most`, with which every sum {terms, total, finer} shown
 *  adds up (addsUp): totals with d decimals, terms with d (or d + 1 if `finer`); `most` if none. */
export function addingDecimals(sums, from, most = 6) {
  for (let d = from; d < most; d++) if (sums.every(({ terms, total, finer }) => addsUp(terms, total, d + (finer ? 1 : 0), d))) return d;
  return most;
}

/** `decimals`, or more (up to 6) if v, not 0, would read "≈0" with them: for a factor whose
 *  product reads non-zero. */
export function visibleDecimals(v, decimals) {
  let d = decimals;
  while (d < 6 && fixed(v, d) === '≈0') d++;
  return d;
}

/** Does the shown a × the shown b, rounded to `decimals`, read as the shown p? (A factor shown
 *  "≈0" is 0 here, so it never stands for a product that reads non-zero.) */
export function multipliesTo(a, b, p, da, db, decimals) {
  const shown = shownValue(a, da) * shownValue(b, db);
  return Math.abs(shown - shownValue(p, decimals)) <= 0.5 * 10 ** -decimals * (1 + 1e-9);
}

/** Decimals [for the a's, for the b's] of rows [a, b, p] whose products show `decimals` decimals:
 *  each column's decimals give it `significant` digits, from `from` up to `most`, the fewest with
 *  which every shown a × shown b rounds to its shown p. */
export function factorDecimals(rows, decimals, { from = 3, most = 7 } = {}) {
  let best = null;
  for (let s = from; s <= most; s++) {
    const da = Math.max(0, decimalsFor(rows.map((r) => r[0]), s, 7));
    const db = Math.max(0, decimalsFor(rows.map((r) => r[1]), s, 7));
    best = [da, db];
    if (rows.every(([a, b, p]) => multipliesTo(a, b, p, da, db, decimals))) return best;
  }
  return best;
}
