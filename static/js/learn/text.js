// The lesson's texts: the page's t() with the network's role names ({conv}, {deep}, {model}, ...) filled
// in everywhere, and a text's variant (a chapter may name one: params.variant, e.g. 'padded') for what the network recognises: 'learn.x.y.garment' is used in
// place of 'learn.x.y' for the clothes network when the catalog has it.
import { t as translate } from '../core/i18n.js';

let common = {};
let variants = [];

/** Set once the model is known: the role names and the variants to try first (e.g. ['garment']). */
export function useNetwork(names, order) {
  common = names;
  variants = order;
}

export function t(key, params = {}) {
  const all = { ...common, ...params };
  for (const v of [params.variant, ...variants].filter(Boolean)) { // a chapter's own variant first (params.variant)
    const text = translate(`${key}.${v}`, all);
    if (text !== `${key}.${v}`) return text;
  }
  return translate(key, all);
}
