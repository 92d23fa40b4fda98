// Presenter mode, for any page: large type for a projector, no scrollbars or hover-only content,
// full screen, a pointer highlight, a black screen (B) and a "join" slide with the address and QR code
// students open (made by the server: GET /api/join). On with the Present button or ?present=1.
// Loaded by base.html for every page; the page's own apply() translates its data-i18n labels.
import { apply } from './i18n.js';

const params = new URLSearchParams(location.search);
const body = document.body;

function button(key, onClick, extra = {}) {
  const b = document.createElement('button');
  b.type = 'button';
  b.dataset.i18n = key;
  Object.assign(b, extra);
  b.addEventListener('click', onClick);
  return b;
}

function setParam(name, value) {
  const url = new URL(location.href);
  if (value) url.searchParams.set(name, value);
  else url.searchParams.delete(name);
  history.replaceState(null, '', url);
}

/** The join slide: the address and its QR code, from the server. */
function joinSlide() {
  const slide = document.createElement('section');
  slide.className = 'join-slide';
  slide.hidden = true;
  slide.setAttribute('aria-labelledby', 'join-heading');
  slide.innerHTML = '<h2 id="join-heading" data-i18n="present.join.heading"></h2><p class="join-url"></p>'
    + '<img class="join-qr" alt=""><p class="join-note"></p><p class="hint" data-i18n="present.join.close"></p>';
  async function load() {
    const path = location.pathname;
    const response = await fetch(`/api/join?path=${encodeURIComponent(path)}`);
    const info = await response.json();
    slide.querySelector('.join-url').textContent = info.url || '';
    const img = slide.querySelector('.join-qr');
    img.src = `/api/join.svg?path=${encodeURIComponent(path)}`;
    img.alt = info.url || '';
    const note = slide.querySelector('.join-note');
    note.dataset.i18n = info.reachable === false ? 'present.join.local' : !info.lan ? 'present.join.nolan' : 'present.join.note';
    apply(slide);
  }
  return { slide, load };
}

export function mountPresenter() {
  const toggle = button('present.on', () => setPresenting(!body.classList.contains('presenting')), { className: 'present-toggle' });
  toggle.setAttribute('aria-pressed', 'false');
  (document.querySelector('header.top .settings') || body).prepend(toggle);

  const bar = document.createElement('div');
  bar.className = 'presenter-bar';
  bar.setAttribute('role', 'toolbar');
  bar.dataset.i18nAria = 'present.bar';
  const join = joinSlide();
  const black = document.createElement('div');
  black.className = 'black-screen';
  black.hidden = true;
  const pointer = document.createElement('div');
  pointer.className = 'pointer-ring';
  pointer.hidden = true;
  bar.append(
    button('present.fullscreen', () => (document.fullscreenElement ? document.exitFullscreen() : document.documentElement.requestFullscreen?.()).catch?.(() => {})),
    button('present.join', () => showJoin(join.slide.hidden)),
    button('present.black', () => setBlack(true)));
  bar.hidden = true;
  toggle.after(bar); // in the header: nothing of the page is covered
  body.append(join.slide, black, pointer);
  join.slide.addEventListener('click', () => showJoin(false));

  function setPresenting(on) {
    body.classList.toggle('presenting', on);
    document.documentElement.classList.toggle('presenting', on);
    bar.hidden = !on;
    pointer.hidden = true;
    toggle.setAttribute('aria-pressed', String(on));
    toggle.dataset.i18n = on ? 'present.off' : 'present.on';
    apply(toggle.parentElement || body);
    if (!on) showJoin(false);
    setParam('present', on ? '1' : null);
    window.dispatchEvent(new Event('resize')); // views that measure themselves re-measure
  }
  function showJoin(on) {
    join.slide.hidden = !on;
    body.classList.toggle('joining', on);
    if (on) join.load().catch(() => {});
  }
  function setBlack(on) {
    black.hidden = !on;
    body.classList.toggle('blacked', on);
  }

  document.addEventListener('keydown', (e) => {
    if (['INPUT', 'SELECT', 'TEXTAREA'].includes(e.target.tagName) || e.ctrlKey || e.metaKey || e.altKey) return;
    const lessonPage = body.dataset.page === 'learn';
    if (!black.hidden) { // any key brings the picture back; B, the clicker's own "blank" key, too
      e.preventDefault();
      e.stopImmediatePropagation();
      setBlack(false);
      return;
    }
    if ((e.key === 'b' || e.key === 'B' || e.key === '.') && (lessonPage || body.classList.contains('presenting'))) {
      e.preventDefault();
      setBlack(true);
    } else if (e.key === 'Escape' && !join.slide.hidden) {
      showJoin(false);
    }
  }, true);
  document.addEventListener('pointermove', (e) => {
    if (!body.classList.contains('presenting') || e.pointerType === 'touch') return;
    pointer.hidden = false;
    pointer.style.transform = `translate(${e.clientX}px, ${e.clientY}px)`;
  });
  if (params.get('present') === '1') setPresenting(true);
  apply(bar);
  apply(toggle.parentElement || toggle);
  return { setPresenting, showJoin, setBlack, relabel: () => apply(body) };
}

export const presenter = mountPresenter();
