/**
 * @module cli/demo-population
 * The demo's synthetic population: generated into the data directory on the first start (with a progress bar),
 * kept for later starts, remade by `accord demo --reset`. Small enough that the whole first start stays well under
 * a minute on a 2-core machine; `accord generate` makes larger ones.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ProblemError } from '../core/problem.js';
import { generatePopulation, readManifest } from '../synthetic/index.js';
import { progressBar } from './progress.js';

/** 1% of the partnership: about 25,600 residents of West Yorkshire and Harrogate. */
export const DEMO_SCALE = 0.01;
export const DEMO_SEED = 2026;
/** Two equal chunks, one for each core of a small machine (the default chunk is 20,000 residents). */
const DEMO_CHUNK = 12_821;

export interface DemoPopulation {
  readonly dir: string;
  readonly residents: number;
  readonly generated: boolean;
}

export async function ensureDemoPopulation(
  dataDir: string,
  partnershipDir: string,
  partnershipId: string,
  log: (line: string) => void,
): Promise<DemoPopulation> {
  const dir = join(dataDir, 'synthetic');
  const manifest = readManifest(dir);
  const complete =
    manifest !== undefined &&
    manifest.scale === DEMO_SCALE &&
    manifest.seed === DEMO_SEED &&
    manifest.chunkSize === DEMO_CHUNK &&
    Array.from({ length: Math.ceil(manifest.residents / manifest.chunkSize) }, (_, chunk) =>
      existsSync(join(dir, `chunk-${String(chunk).padStart(5, '0')}.done`)),
    ).every(Boolean);
  if (complete) return { dir, residents: manifest.residents, generated: false };

  log(`demo: generating the synthetic population (scale ${DEMO_SCALE}) into ${dir} — first start only`);
  const bar = progressBar('accord demo: synthetic population', 'residents');
  const report = await generatePopulation({
    partnershipDir,
    partnershipId,
    scale: DEMO_SCALE,
    seed: DEMO_SEED,
    outDir: dir,
    // An earlier, interrupted first start resumes; a folder left by other settings is replaced file by file.
    force: true,
    chunkSize: DEMO_CHUNK,
    onProgress: bar.update,
  });
  bar.end();
  if (!report.ok) throw new ProblemError(report.error);
  return { dir, residents: report.value.residents, generated: true };
}
