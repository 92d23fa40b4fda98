// Every module imports files that exist and names they export: a renamed or removed module
// breaks the page that imports it in the browser only, so check them all here.
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { test } from 'node:test';

const ROOT = new URL('..', import.meta.url).pathname; // static/js

function modules(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'tests' ? [] : modules(path);
    return name.endsWith('.js') ? [path] : [];
  });
}

function exported(path) {
  const text = readFileSync(path, 'utf8');
  const names = new Set([...text.matchAll(/export\s+(?:async\s+)?(?:function\*?|const|let|class)\s+(\w+)/g)].map((m) => m[1]));
  for (const m of text.matchAll(/export\s*\{([^}]*)\}/g)) {
    for (const part of m[1].split(',')) if (part.trim()) names.add(part.trim().split(/\s+as\s+/).pop());
  }
  if (/export\s+default/.test(text)) names.add('default');
  return names;
}

test('every import names an existing module and what it exports', () => {
  const problems = [];
  for (const file of modules(ROOT)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/import\s+(?:\{([^}]*)\}|\*\s+as\s+\w+|(\w+))\s+from\s+'([^']+)'/g)) {
      if (!m[3].startsWith('.')) continue;
      const target = resolve(dirname(file), m[3]);
      if (!existsSync(target)) {
        problems.push(`${file.slice(ROOT.length)}: ${m[3]} does not exist`);
        continue;
      }
      const names = exported(target);
      const wanted = m[1] ? m[1].split(',').map((n) => n.trim().split(/\s+as\s+/)[0]).filter(Boolean) : m[2] ? ['default'] : [];
      for (const n of wanted) if (!names.has(n)) problems.push(`${file.slice(ROOT.length)}: ${n} is not exported by ${m[3]}`);
    }
    for (const m of text.matchAll(/import\('(\.[^']+)'\)/g)) {
      if (!existsSync(resolve(dirname(file), m[1]))) problems.push(`${file.slice(ROOT.length)}: ${m[1]} does not exist`);
    }
  }
  assert.deepEqual(problems, []);
});

test('no catalog file names a key twice (the second would silently win)', () => {
  const problems = [];
  for (const file of modules(join(ROOT, 'i18n'))) {
    const keys = [...readFileSync(file, 'utf8').matchAll(/^ {2}'([^']+)':/gm)].map((m) => m[1]);
    const twice = keys.filter((k, i) => keys.indexOf(k) !== i);
    if (twice.length) problems.push(`${file.slice(ROOT.length)}: ${twice.join(', ')}`);
  }
  assert.deepEqual(problems, []);
});
