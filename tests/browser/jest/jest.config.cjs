// Jest as a Backstage frontend package runs it: @swc/jest compiling to CommonJS, and Backstage's own jsdom
// environment (which, unlike plain jest-environment-jsdom, provides TextDecoder/TextEncoder, as browsers do).
const path = require('node:path');

module.exports = {
  rootDir: path.resolve(__dirname, '..'),
  roots: ['<rootDir>/jest'],
  testEnvironment: require.resolve('@backstage/cli-module-test-jest/config/jest-environment-jsdom'),
  // Backstage's Jest config transforms node_modules too, all but a list of CommonJS packages: @backstage/* frontend
  // packages (the root imports @backstage/core-plugin-api) ship ESM only.
  transformIgnorePatterns: ['/node_modules/(?:react|react-dom|jest-.*|jsdom)/'],
  transform: {
    '^.+\\.(t|j)sx?$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript', tsx: true } }, module: { type: 'commonjs' } }],
  },
};
