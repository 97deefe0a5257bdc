import { describe, expect, it } from 'vitest';
import { traceSearchUrl, traceUrl } from './trace-link';

describe('traceUrl', () => {
  it('fills every {traceId}', () => {
    expect(traceUrl('https://j.example/trace/{traceId}?uiEmbed={traceId}', 'ab 12')).toBe('https://j.example/trace/ab%2012?uiEmbed=ab%2012');
  });
});

describe('traceSearchUrl', () => {
  it("turns Jaeger's trace page into its service search", () => {
    expect(traceSearchUrl('https://jaeger.example.com/trace/{traceId}', 'cart')).toBe('https://jaeger.example.com/search?service=cart');
    expect(traceSearchUrl('https://jaeger.example.com/ui/trace/{traceId}?x=1', 'a&b')).toBe('https://jaeger.example.com/ui/search?service=a%26b');
  });

  it('does not guess for other shapes', () => {
    expect(traceSearchUrl('https://tempo.example.com/explore?trace={traceId}', 'cart')).toBeUndefined();
  });
});
