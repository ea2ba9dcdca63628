// Module resolution hooks (they run on Node's loader thread): appends the name of every package
// an import resolves into, one a line, to the file named by SCIMSIM_TRACE_PACKAGES. A package the
// build bundled into dist/vendor (yargs) counts under its own name.
import { appendFileSync } from 'node:fs';

export async function resolve(specifier, context, nextResolve) {
  const resolved = await nextResolve(specifier, context);
  const match = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(resolved.url) ?? /\/dist\/vendor\/([^/]+)\.js$/.exec(resolved.url);
  if (match && process.env.SCIMSIM_TRACE_PACKAGES) appendFileSync(process.env.SCIMSIM_TRACE_PACKAGES, `${match[1]}\n`);
  return resolved;
}
