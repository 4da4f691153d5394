/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.json' }] },
  // Suites start real HTTP servers; keep parallelism modest on a 2-core machine.
  maxWorkers: 2,
  testTimeout: 20000,
  // Loopback is allowed through the network guard, as an operator would allow it (AP_SSRF_ALLOW_LIST).
  setupFiles: ['<rootDir>/test/support/allow-loopback.ts'],
  // Every suite runs under the leak audit: no token, Role ID, Secret ID or stored value in any log line or error.
  setupFilesAfterEnv: ['<rootDir>/test/support/leak-audit.ts'],
};
