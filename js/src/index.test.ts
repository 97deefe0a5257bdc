import { describe, expect, it } from 'vitest';
import * as core from './core';
import * as root from './index';

describe('package root', () => {
  it('exposes the same functions from the package root', () => {
    expect(root.initSync).toBe(core.initSync);
    expect(root.parseDuration).toBe(core.parseDuration);
  });
});
