import { fileURLToPath } from 'node:url';

/** The package root: src/ and dist/ both sit one level below it. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../', import.meta.url));

/** A file shipped with the package (fixtures, scenarios), as an absolute path. */
export function shippedFile(relative: string): string {
  return fileURLToPath(new URL(`../${relative}`, import.meta.url));
}
