/**
 * @module web/views
 * Server-rendered pages: Nunjucks templates (src/web/views) built on the NHS.UK design system's own macros
 * (nhsuk-frontend), autoescaped. Pages work without JavaScript; the design system's script only enhances them.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import nunjucks from 'nunjucks';
import { formatPence } from '../core/money.js';
import { packageRoot } from '../core/paths.js';

const require = createRequire(import.meta.url);
/** nhsuk-frontend's dist/ folder: holds nhsuk/… templates, CSS, JS and assets. */
export const nhsukDist = join(dirname(require.resolve('nhsuk-frontend/package.json')), 'dist');
export const viewsDir = join(packageRoot, 'src', 'web', 'views');

export function createViews(): nunjucks.Environment {
  const env = new nunjucks.Environment(
    new nunjucks.FileSystemLoader([viewsDir, nhsukDist], { noCache: false }),
    {
      autoescape: true,
      throwOnUndefined: false,
      trimBlocks: true,
      lstripBlocks: true,
    },
  );
  env.addFilter('number', (value: unknown) =>
    typeof value === 'number' ? value.toLocaleString('en-GB') : typeof value === 'string' ? value : '',
  );
  env.addFilter('date', (value: unknown) => {
    if (typeof value !== 'string') return '';
    if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) return value;
    return new Date(`${value}T00:00:00Z`).toLocaleDateString('en-GB', {
      day: 'numeric',
      month: 'long',
      year: 'numeric',
      timeZone: 'UTC',
    });
  });
  env.addFilter('pence', (value: unknown) => (typeof value === 'number' ? formatPence(value) : ''));
  // A moment (ISO 8601) as people in the partnership read it: London time, e.g. "3 March 2025 at 10:00".
  env.addFilter('datetime', (value: unknown) => {
    if (typeof value !== 'string') return '';
    const moment = new Date(value);
    if (Number.isNaN(moment.getTime())) return value;
    const day = moment.toLocaleDateString('en-GB', {
      day: 'numeric',
      month: 'long',
      year: 'numeric',
      timeZone: 'Europe/London',
    });
    const time = moment.toLocaleTimeString('en-GB', {
      hour: '2-digit',
      minute: '2-digit',
      timeZone: 'Europe/London',
    });
    return `${day} at ${time}`;
  });
  return env;
}
