// A phone photo shrunk in the browser before upload: a 12-megapixel JPEG (3-5 MB) becomes
// ~1024 px on its long side (~0.2 MB), upright as its EXIF tag asks, so a class of 60 on
// one wifi sends little and the server decodes little. The server reduces every photo
// to 256-512 px anyway (cnnviz/teach/decode.py decode_image), so nothing it reads is lost;
// a crop box is cut from these 1024 px before that reduction, so a box a quarter of the
// photo wide or more still gives the server 256 px, and one of 15 % about 150 (it works at 128).

export const MAX_SIDE = 1024; // px on the long side, after shrinking
export const JPEG_QUALITY = 0.9;
const LOSSY = /^image\/(jpeg|webp|avif|heic|heif)$/; // re-encoded as JPEG; anything else as PNG

/** -> the blob's picture as an upright ImageBitmap, or null if the browser cannot read it. */
async function upright(blob) {
  try {
    return await createImageBitmap(blob, { imageOrientation: 'from-image' });
  } catch {
    return null;
  }
}

/** A File or Blob -> {blob, shrunk}: the picture at most MAX_SIDE px on its long side.
 *  A picture already that small is sent as it is (shrunk = false); one the browser
 *  cannot read too (the server then says what is wrong with it). */
export async function shrinkPhoto(file, { maxSide = MAX_SIDE, quality = JPEG_QUALITY } = {}) {
  const bitmap = await upright(file);
  if (!bitmap) return { blob: file, shrunk: false };
  const { width, height } = bitmap;
  const scale = maxSide / Math.max(width, height);
  if (scale >= 1) {
    bitmap.close();
    return { blob: file, shrunk: false };
  }
  const canvas = document.createElement('canvas');
  canvas.width = Math.max(1, Math.round(width * scale));
  canvas.height = Math.max(1, Math.round(height * scale));
  const ctx = canvas.getContext('2d');
  ctx.imageSmoothingQuality = 'high';
  const lossy = LOSSY.test(file.type);
  if (lossy) { // JPEG has no transparency: a transparent pixel becomes white paper, not black
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, canvas.width, canvas.height);
  }
  ctx.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  const type = lossy ? 'image/jpeg' : 'image/png';
  const blob = await new Promise((resolve) => canvas.toBlob(resolve, type, quality));
  return blob ? { blob, shrunk: true } : { blob: file, shrunk: false };
}
