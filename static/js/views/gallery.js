// Test-set examples as buttons; picking one sends its exact pixels.
import { t } from '../core/i18n.js';

/** A PNG data URL -> its gray values in [0, 1] as rows of numbers. */
export function imagePixels(img) {
  const canvas = document.createElement('canvas');
  canvas.width = img.naturalWidth;
  canvas.height = img.naturalHeight;
  const ctx = canvas.getContext('2d');
  ctx.drawImage(img, 0, 0);
  const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
  const rows = [];
  for (let y = 0; y < canvas.height; y++) {
    const row = [];
    for (let x = 0; x < canvas.width; x++) row.push(data[4 * (y * canvas.width + x)] / 255);
    rows.push(row);
  }
  return rows;
}

/** The gallery is one tab stop: arrow keys move between examples (roving tabindex),
 *  Enter or Space picks one. */
export function renderGallery(container, examples, classLabel, onPick) {
  container.replaceChildren();
  container.setAttribute('role', 'radiogroup');
  container.setAttribute('aria-label', t('gallery.heading'));
  container.onkeydown = (e) => {
    const buttons = [...container.querySelectorAll('button')];
    const i = buttons.indexOf(document.activeElement);
    if (i < 0) return;
    const perRow = Math.max(1, Math.round(container.clientWidth / buttons[0].offsetWidth));
    const moves = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: perRow, ArrowUp: -perRow, Home: -i, End: buttons.length - 1 - i };
    if (!(e.key in moves)) return;
    e.preventDefault();
    const next = buttons[Math.max(0, Math.min(buttons.length - 1, i + moves[e.key]))];
    for (const b of buttons) b.tabIndex = b === next ? 0 : -1;
    next.focus();
  };
  for (const ex of examples) {
    const button = document.createElement('button');
    button.type = 'button';
    const img = document.createElement('img');
    img.src = ex.image;
    img.alt = '';
    button.append(img);
    let label = t('gallery.item', { label: classLabel(ex.label) });
    if (!ex.correct) {
      button.classList.add('wrong');
      label += ` — ${t('gallery.wrong', { label: classLabel(ex.predicted) })}`;
    }
    button.setAttribute('aria-label', label);
    button.title = label;
    button.dataset.label = ex.label;
    button.setAttribute('role', 'radio');
    button.setAttribute('aria-checked', 'false');
    button.tabIndex = container.children.length ? -1 : 0;
    button.addEventListener('click', () => {
      for (const b of container.querySelectorAll('button')) {
        b.setAttribute('aria-checked', String(b === button));
        b.tabIndex = b === button ? 0 : -1;
      }
      onPick(imagePixels(img), ex);
    });
    container.append(button);
  }
}
