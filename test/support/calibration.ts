/**
 * The West Yorkshire and Harrogate calibration tables, loaded once for the tests that sample from them
 * (a failure here means the committed tables are broken: calibration.test.ts says where).
 */
import { join } from 'node:path';
import { defaultPartnershipDir } from '../../src/core/paths.js';
import { loadCalibration, type Calibration } from '../../src/synthetic/calibration.js';

let loaded: Calibration | undefined;

export function wyhCalibration(): Calibration {
  if (loaded === undefined) {
    const result = loadCalibration(join(defaultPartnershipDir, 'calibration'));
    if (!result.ok) throw new Error('the WY&H calibration does not load');
    loaded = result.value;
  }
  return loaded;
}
