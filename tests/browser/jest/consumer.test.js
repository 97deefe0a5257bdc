import expected from '../consumer/expected.json';
import { runScenario } from '../consumer/src/scenario.js';

test('the package loads and runs under Jest, the core lazily loaded included', async () => {
  expect(await runScenario()).toEqual(expected);
});
