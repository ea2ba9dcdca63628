// `node --import ./register.mjs`: records the name of every package the process loads, one a line,
// in the file named by SCIMSIM_TRACE_PACKAGES: what an import resolves to (hooks.mjs), and at exit
// every CommonJS module in require's cache (what a createRequire loaded, which no hook sees).
import { appendFileSync } from 'node:fs';
import { createRequire, register } from 'node:module';

const PACKAGE = /[\\/]node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)[\\/]/;

register(new URL('./hooks.mjs', import.meta.url));
process.on('exit', () => {
  const file = process.env.SCIMSIM_TRACE_PACKAGES;
  if (!file) return;
  const names = Object.keys(createRequire(import.meta.url).cache).map((path) => PACKAGE.exec(path)?.[1]?.replace('\\', '/'));
  appendFileSync(file, names.filter((name) => name !== undefined).map((name) => `${name}\n`).join(''));
});
