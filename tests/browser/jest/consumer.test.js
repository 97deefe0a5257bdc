import expected from '../consumer/expected.json';
import { runScenario } from '../consumer/src/scenario.js';

test('the package loads and runs under Jest', () => {
  expect(runScenario()).toEqual(expected);
});
