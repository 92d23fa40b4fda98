// A photo as the network's input: picked, dropped or pasted (views/upload.js), shrunk in
// the browser (lib/photo.js), shown with its crop box (views/cropper.js) and read with
// the learner's colour choice. The crop box and the colours live in the page's store
// (so in its URL); the photo itself only in this view.
import { t } from '../core/i18n.js';
import { megabytes } from '../core/errors.js';
import { shrinkPhoto } from '../lib/photo.js';
import { mountCropper } from './cropper.js';
import { mountUpload } from './upload.js';

/** A crop box in words: where it is, in whole percent of the photo. */
export function describeBox([x0, y0, x1, y1]) {
  const pc = (v) => Math.round(100 * v);
  return x1 - x0 > 0.999 && y1 - y0 > 0.999 ? t('crop.whole')
    : t('crop.where', { x0: pc(x0), x1: pc(x1), y0: pc(y0), y1: pc(y1), w: pc(x1 - x0), h: pc(y1 - y0) });
}

/** els: {input, dropzone, invert (the colours select), cropper: {panel, stage, photo, box, where, apply, reset}};
 *  onPhoto() when a new photo arrives; read(input) sends {blob, name, options: {invert, crop}}. */
export function mountPhotoInput(els, { store, maxUpload, status, onPhoto, read }) {
  let photo = null; // {blob, name}: the photo being read

  const cropper = mountCropper(els.cropper, {
    onApply: (crop) => {
      store.set({ crop });
      send();
    },
    describe: (box, pending) => (pending ? `${describeBox(box)} ${t('crop.pending')}` : describeBox(box)),
  });

  mountUpload({ input: els.input, dropzone: els.dropzone }, async (file) => {
    status(t('loading'));
    const { blob, shrunk } = await shrinkPhoto(file); // a phone's 12-megapixel photo: ~1024 px, as JPEG
    if (blob.size > maxUpload) { // the server would refuse it before reading it; say so at once
      status(t('error.tooLarge', { size: megabytes(blob.size), limit: megabytes(maxUpload) }), true);
      return;
    }
    const name = file.name || 'photo';
    photo = { blob, name: shrunk ? name.replace(/(\.\w+)?$/, blob.type === 'image/png' ? '.png' : '.jpg') : name };
    store.set({ crop: null });
    onPhoto();
    cropper.show(blob);
    send();
  });

  /** Send the photo with its crop box and colour choice (both kept in the URL). */
  function send() {
    const colours = els.invert.value; // 'auto', 'true' (dark ink on paper: swap them) or 'false'
    const crop = store.get('crop');
    store.set({ invert: colours === 'auto' ? null : colours });
    read({ ...photo, options: { invert: colours === 'auto' ? 'auto' : colours === 'true', ...(crop ? { crop } : {}) } });
  }
  els.invert.addEventListener('change', () => photo && send());

  return {
    active: () => photo !== null,
    /** The input is no longer the photo (a drawing, an example): hide it, forget its crop and colours. */
    forget() {
      photo = null;
      cropper.hide();
      store.set({ crop: null, invert: null });
    },
    /** A link to a photo's input: show its colour choice; -> its crop box in words, or null. */
    restore() {
      const colours = store.get('invert');
      if (colours === 'true' || colours === 'false') els.invert.value = colours;
      const crop = store.get('crop');
      return crop ? describeBox(crop) : null;
    },
    relabel: () => cropper.relabel(),
  };
}
