// Errors in the learner's language, for every page: the server's stable code and params looked
// up as error.<code> in the catalog; English only as the last resort in English.
import { count } from '../lib/grid.js';
import { language, t } from './i18n.js';

export const megabytes = (bytes) => (bytes / 2 ** 20).toFixed(1).replace(/\.0$/, '');

/** An error from core/api.js's call (or anything with status, code, params, message) as text.
 *  maxUpload: bytes, the {limit} of an upload refused as too large; fields: the names a refusal
 *  may give in params.field -> the catalog keys of the labels the page's form shows for them. */
export function errorText(error, { maxUpload, fields } = {}) {
  if (!error?.status) return t('error.network');
  const code = error.code || (error.status === 413 ? 'upload.too_large' : null);
  const params = { ...(maxUpload ? { limit: megabytes(maxUpload) } : {}), ...error.params };
  for (const [k, v] of Object.entries(params)) if (Number.isInteger(v)) params[k] = count(v); // ±1,000,000 as the pages print counts
  if (fields?.[params.field]) params.field = t(fields[params.field]);
  // a code may have a case that says more (params.case: error.<code>.<case>), else the code's text
  const key = code && [`error.${code}.${params.case}`, `error.${code}`].find((k) => t(k) !== k);
  if (key) return t(key, params);
  return language() === 'en' && error.message ? t('error.server', { message: error.message }) : t('error.unknown', { code: code ?? error.status });
}
