/**
 * @module core/paths
 * Where Accord's own files are. Code runs from src/ under the test runner and from dist/ when installed, so
 * paths to shipped files (migrations, partnerships) are resolved from the package root, not from this file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findPackageRoot(start: string): string {
  let dir = start;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const parsed = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown };
      if (parsed.name === 'accord') return dir;
    }
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`Accord's package.json was not found above ${start}`);
    dir = parent;
  }
}

export const packageRoot: string = findPackageRoot(dirname(fileURLToPath(import.meta.url)));

export const packageVersion: string = (
  JSON.parse(readFileSync(join(packageRoot, 'package.json'), 'utf8')) as { version: string }
).version;

export const migrationsDir = join(packageRoot, 'migrations');
export const partnershipsDir = join(packageRoot, 'partnerships');
export const defaultPartnershipDir = join(partnershipsDir, 'west-yorkshire-and-harrogate');
export const referenceDir = join(packageRoot, 'reference');
