// The user's language: t(key, params) looks a string up in the current language
// (strings live in i18n/en.js and i18n/zh.js); apply(root) fills elements marked data-i18n (text),
// data-i18n-aria (aria-label) and data-i18n-title.

import en from '../i18n/en.js';
import zh from '../i18n/zh.js';

const CATALOG = { en, zh };

export const LANGUAGES = { en: 'English', zh: '简体中文' };
let current = 'en';

/** The browser's preferred language mapped to ours: zh-* -> zh, else en. */
export function preferredLanguage(languages = globalThis.navigator?.languages ?? []) {
  for (const lang of languages) {
    if (/^zh\b/i.test(lang)) return 'zh';
    if (/^en\b/i.test(lang)) return 'en';
  }
  return 'en';
}

export function setLanguage(lang) {
  current = CATALOG[lang] ? lang : 'en';
  if (globalThis.document) document.documentElement.lang = current === 'zh' ? 'zh-CN' : 'en';
  return current;
}

const KEPT = 'cnnviz.lang'; // the learner's choice, kept in this browser for every page

/** Sets and keeps the language the learner chose (the menu, or a link's ?lang=). */
export function chooseLanguage(lang) {
  setLanguage(lang);
  try { globalThis.localStorage?.setItem(KEPT, current); } catch { /* storage off: this page only */ }
  return current;
}

/** A page's language at start: its link's ?lang= (fromLink) if it names one, else the choice this
 *  browser kept from another page, else the browser's preferred language. */
export function startLanguage(fromLink) {
  if (fromLink in CATALOG) return chooseLanguage(fromLink);
  let kept = null;
  try { kept = globalThis.localStorage?.getItem(KEPT) ?? null; } catch { /* storage off */ }
  return setLanguage(kept in CATALOG ? kept : preferredLanguage());
}

export function language() {
  return current;
}

export function t(key, params = {}) {
  const text = CATALOG[current][key] ?? CATALOG.en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (m, name) => (name in params ? String(params[name]) : m));
}

/** A model's title in the current language. */
export function localTitle(title) {
  return (title && (title[current] || title.en)) || '';
}

export function apply(root = document) {
  for (const el of root.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll('[data-i18n-aria]')) el.setAttribute('aria-label', t(el.dataset.i18nAria));
  for (const el of root.querySelectorAll('[data-i18n-title]')) el.title = t(el.dataset.i18nTitle);
}

export const catalogKeys = (lang) => Object.keys(CATALOG[lang]);
