import { describe, expect, it } from 'vitest';
import { shortRef } from './entity-ref';

describe('shortRef', () => {
  it('keeps the name of an entity ref', () => {
    expect(shortRef('component:default/checkout')).toBe('checkout');
    expect(shortRef('system:orders/payments')).toBe('payments');
  });

  it('keeps a bare service name as it is', () => {
    expect(shortRef('email')).toBe('email');
  });

  it('writes ? for no ref', () => {
    expect(shortRef(null)).toBe('?');
  });
});
