// Gradients span many orders of magnitude (1e-9 … 10), so they are shown with significant digits
// rather than a fixed number of decimals: 3 digits, and below 0.001 or from 10,000 in the
// scientific notation learners meet at school ("4.37×10⁻⁴"), never a programmer's "4.37e-4".
// A loss follows the number policy (lib/numbers.js): never "0" for a loss float32 rounded to 0.
import { MINUS } from '../lib/numbers.js';

const SUPERSCRIPT = { '-': '⁻', '+': '', 0: '⁰', 1: '¹', 2: '²', 3: '³', 4: '⁴', 5: '⁵', 6: '⁶', 7: '⁷', 8: '⁸', 9: '⁹' };

/** A number with `digits` significant digits, e.g. 0.000437 -> "4.37×10⁻⁴", 0.0123 -> "0.0123". */
export function sig(v, digits = 3) {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const abs = Math.abs(v);
  const sign = v < 0 ? MINUS : '';
  if (abs < 1e-3 || abs >= 1e4) {
    const [mantissa, power] = abs.toExponential(digits - 1).split('e');
    const m = mantissa.includes('.') ? mantissa.replace(/0+$/, '').replace(/\.$/, '') : mantissa;
    return `${sign}${m}×10${[...power].map((c) => SUPERSCRIPT[c]).join('')}`;
  }
  return sign + String(Number(abs.toPrecision(digits)));
}

/** The smallest cross-entropy loss written as a number; below it, "< 0.0001" (p > 0.9999). */
export const LOSS_FLOOR = 1e-4;

/** A loss: 3 significant digits, or "< 0.0001" when float32 rounding may have made it 0. */
export const loss = (v) => (v >= 0 && v < LOSS_FLOOR ? `<\u00a0${LOSS_FLOOR.toFixed(4)}` : sig(v)); // one unbroken line

/** L = −ln p as written: [p, L] texts, p with the fewest significant digits (3 to 9) with which
 *  −ln (the shown p) rounds to the shown L; bounds "> 0.9999" and "< 0.0001" for a loss below 0.0001. */
export function lnParts(p, value) {
  if (value < LOSS_FLOOR) return [`>\u00a0${(1 - LOSS_FLOOR).toFixed(4)}`, loss(value)];
  const shownL = Number(value.toPrecision(3));
  let digits = 3;
  while (digits < 9 && Number((-Math.log(Number(p.toPrecision(digits)))).toPrecision(3)) !== shownL) digits++;
  return [sig(p, digits), sig(value)];
}
