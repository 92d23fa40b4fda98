// Errors in the learner's language: the server's stable code and params looked up
// as error.<code> in the catalog; English only as the last resort in English.
import { language, t } from './i18n.js';

export const megabytes = (bytes) => (bytes / 2 ** 20).toFixed(1).replace(/\.0$/, '');

export function errorText(error, maxUpload) {
  if (!error.status) return t('error.network');
  const code = error.code || (error.status === 413 ? 'upload.too_large' : null);
  const params = { limit: megabytes(maxUpload), ...error.params };
  if (code && t(`error.${code}`) !== `error.${code}`) return t(`error.${code}`, params);
  return language() === 'en' && error.message ? t('error.server', { message: error.message }) : t('error.unknown', { code: code ?? error.status });
}
