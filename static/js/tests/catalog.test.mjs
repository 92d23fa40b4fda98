// Every catalog key is used: by name in a module or template, or by a prefix a module builds.
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';

import en from '../i18n/en.js';

const ROOT = new URL('../../../', import.meta.url).pathname;
// keys a module builds from a name (t(`kernel.preset.${name}`)), listed by prefix
const BUILT = new RegExp('^(kind|lesson|prep|legend|error|warning|nav|explore\\.tagline|draw\\.hint|detail\\.(relu|tanh|sigmoid)'
  + '|bw\\.anim|train\\.(data|field|state|check|trained|stoppedIn|stoppedAfter)|calc\\.(h|preset)|depth\\.filter\\d|kernel\\.(preset|source)|size\\.(choice|preset)'
  + '|practice|learn\\.step|learn\\.[a-z]+\\.(title|text|try|q|why|hint|o\\d))\\b|\\.tagline$');

function sources(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'i18n' || name === 'tests' ? [] : sources(path);
    return /\.(js|html)$/.test(name) ? [readFileSync(path, 'utf8')] : [];
  });
}

// a lesson text's variant (learn/text.js: for the clothes network, a padded convolution, Harley's network) is
// used where its base key is
const VARIANT = /\.(garment|padded|harley)$/;

test('no dead catalog keys', () => {
  const text = [...sources(join(ROOT, 'static/js')), ...sources(join(ROOT, 'templates'))].join('\n');
  const unused = Object.keys(en).map((k) => k.replace(VARIANT, ''))
    .filter((k) => !BUILT.test(k) && !text.includes(`'${k}'`) && !text.includes(`"${k}"`));
  assert.deepEqual(unused, []);
});

test('a chosen language is kept for the next page; a link\'s ?lang= wins; storage off is no error', async () => {
  const { chooseLanguage, language, startLanguage } = await import('../core/i18n.js');
  const kept = new Map();
  globalThis.localStorage = { getItem: (k) => kept.get(k) ?? null, setItem: (k, v) => kept.set(k, v) };
  try {
    startLanguage(null);
    assert.equal(language(), 'en'); // nothing kept, no browser language: English
    chooseLanguage('zh');
    startLanguage(undefined);
    assert.equal(language(), 'zh'); // the next page
    startLanguage('en');
    assert.equal(language(), 'en'); // a link's language, kept from now on
    startLanguage('');
    assert.equal(language(), 'en');
    startLanguage('xx');
    assert.equal(language(), 'en'); // not a language of ours: the kept one
    globalThis.localStorage = { getItem: () => { throw new Error('off'); }, setItem: () => { throw new Error('off'); } };
    assert.equal(chooseLanguage('zh'), 'zh');
    assert.equal(startLanguage(null), 'en');
  } finally {
    delete globalThis.localStorage;
  }
});
