import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Tests spawn the built CLI and loopback servers; a 2-core CI machine wants headroom.
    testTimeout: 30_000,
    hookTimeout: 30_000,
  },
});
