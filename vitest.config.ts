import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    // Fails the run when a process the tests started outlives them (see leak-detector.ts).
    globalSetup: ['src/main/testing/vitest-leak-setup.ts'],
    projects: [
      {
        test: {
          name: 'node',
          environment: 'node',
          include: [
            'src/shared/**/*.test.ts',
            'src/main/**/*.test.ts',
            'src/preload/**/*.test.ts',
            'scripts/**/*.test.ts'
          ],
          // A hang guard, not a speed check (speed lives in bench/): the sshd and git suites
          // take over 30 s on the shared 2-core machine under load, and a test cut off midway
          // leaves its hosts half-restarted for the next one.
          testTimeout: 120_000,
          hookTimeout: 60_000
        }
      },
      {
        test: {
          name: 'dom',
          environment: 'jsdom',
          include: ['src/renderer/**/*.test.{ts,tsx}'],
          // The design tokens are read as text by their contrast test (tokens.css?raw).
          css: { include: [/tokens\.css/] },
          // A hang guard: a 2,000-row board in jsdom took over 15 s on the loaded shared machine.
          testTimeout: 60_000
        }
      }
    ]
  }
})
