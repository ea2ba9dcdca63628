import { existsSync } from 'node:fs';
import { configDefaults, defineConfig } from 'vitest/config';

// The HTML reports are checked in a real headless Chromium (.ci/run installs it). A machine
// without that browser leaves the one test file out rather than skipping tests inside it;
// SCIMSIM_CHROMIUM names the browser when it lives elsewhere.
const chromium = process.env.SCIMSIM_CHROMIUM ?? '/usr/bin/chromium-headless-shell';

export default defineConfig({
  // The CLI's modules load yargs as #yargs: in the build, one bundled file (docs/decisions/063-bundled-yargs.md);
  // tests that import the sources use the package itself.
  resolve: { alias: { '#yargs': 'yargs' } },
  test: {
    include: ['test/**/*.test.ts'],
    exclude: [...configDefaults.exclude, ...(existsSync(chromium) ? [] : ['test/report/html-browser.test.ts'])],
    // Tests spawn the built CLI and loopback servers; a 2-core CI machine wants headroom.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
