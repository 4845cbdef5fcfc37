import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    environment: 'node',
    // bin/novatrace.js runs the built dist/: build it from the current sources first.
    globalSetup: ['test/setup/build.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    projects: [
      {
        extends: true,
        test: {
          name: 'main',
          include: ['test/**/*.test.ts'],
          exclude: ['test/interop/**'],
        },
      },
      {
        // The interop files start real Python programs (nova, Keystone under uwsgi) that each
        // take a whole core for seconds: one file at a time, beside the other files.
        extends: true,
        test: {
          name: 'interop',
          include: ['test/interop/**/*.test.ts'],
          fileParallelism: false,
        },
      },
    ],
  },
});
