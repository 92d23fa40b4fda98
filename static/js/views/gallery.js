// Test-set examples as buttons; picking one sends its exact pixels.
import { t } from '../core/i18n.js';

/** A PNG data URL -> its gray values in [0, 1] as rows of numbers. */
function imagePixels(img) {
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

export function renderGallery(container, examples, classLabel, onPick) {
  container.replaceChildren();
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
    button.addEventListener('click', () => onPick(imagePixels(img)));
    container.append(button);
  }
}
