/**
 * @module web/routes/dimension-names
 * What the money pages call an organisation, place or programme id of the partnership's files, for a table grouped
 * by that dimension: its name, the id itself when the files no longer list it (an account outlives a renamed
 * place), and "No place" for the row of lines to accounts without one.
 */
import type { Dimension } from '../../money/index.js';
import type { Partnership } from '../../partnership/index.js';

export function dimensionName(p: Partnership, by: Dimension, key: string | undefined): string {
  if (key === undefined) return `No ${by}`;
  const list: readonly { id: string; name: string }[] =
    by === 'organisation'
      ? p.organisations
      : by === 'place'
        ? p.places
        : by === 'programme'
          ? p.programmes
          : [];
  return list.find((x) => x.id === key)?.name ?? key;
}
