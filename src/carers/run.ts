/**
 * @module carers/run
 * Computes the carers' figures on the analytic store: the census shares from the national reference, the carer
 * codes from the indicator catalogue's `carer` list (one definition of "coded as a carer" for the register and the
 * carers' indicators), the register's cells, then the figures.
 */
import { formatIssue } from '../core/problem.js';
import { err, ok, type Result } from '../core/result.js';
import type { Catalogue } from '../population/indicators/catalogue.js';
import type { AnalyticStore } from '../population/store/analytic-store.js';
import { loadLifeCourseReference } from '../synthetic/life-course/reference.js';
import { carersFigures, type CarersFigures } from './figures.js';
import { registerCells } from './register.js';

/** The catalogue's code list of "is a carer" codes. */
export const CARER_CODE_LIST = 'carer';

/** The indicator whose years the register follows, so its page and the indicator's cover the same years. */
export const CARERS_INDICATOR = 'carers-identified';

export async function computeCarers(
  store: AnalyticStore,
  catalogue: Catalogue,
): Promise<Result<CarersFigures, string>> {
  const years = catalogue.indicators.find((indicator) => indicator.id === CARERS_INDICATOR)?.years;
  if (years === undefined) return err(`the indicator catalogue needs the indicator ${CARERS_INDICATOR}`);
  const list = catalogue.codeLists[CARER_CODE_LIST];
  if (list?.system !== 'snomed') {
    return err(`the indicator catalogue needs a SNOMED CT code list "${CARER_CODE_LIST}" of carer codes`);
  }
  const reference = loadLifeCourseReference();
  if (!reference.ok) {
    return err(`the national reference does not load: ${reference.error.map(formatIssue).join('; ')}`);
  }
  const rates = reference.value.carers.prevalence;
  const cells = await registerCells(store, { years, bands: rates.bands, carerCodes: list.codes });
  return ok(carersFigures(cells, rates.bands, years, rates.source));
}
