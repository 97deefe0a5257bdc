// Reads the card's DOM contract from a Playwright page: boxes (`data-entity-ref`, `data-status`, their rect's
// fill), edge paths (`data-from`, `data-to`, `data-status`, stroke, the label drawn with them), alert rows and the
// freshness indicator. Colours are returned as `#rrggbb` whether set as attributes or styles. It asserts nothing.
export const CARD = '[data-testid="latency-heatmap-graph-card"]';
export const FRESHNESS = '[data-testid="latency-heatmap-freshness"]';
export const ALERT_ROW = '[data-testid="latency-heatmap-alert"]';

/** `#rrggbb` of a fill or stroke as the page gave it (`#abcdef`, `#abc`, `rgb(…)`), lower case. */
export function hex(raw) {
  if (raw === null) return null;
  if (/^#[0-9a-f]{3}$/i.test(raw)) return `#${[...raw.slice(1)].map((digit) => digit + digit).join('')}`.toLowerCase();
  const rgb = /^rgba?\((\d+),\s*(\d+),\s*(\d+)/.exec(raw);
  if (!rgb) return raw.toLowerCase();
  return `#${rgb.slice(1, 4).map((part) => Number(part).toString(16).padStart(2, '0')).join('')}`;
}

export async function readBoxes(page) {
  const boxes = await page.$$eval(`${CARD} [data-entity-ref]`, (elements) =>
    elements.map((element) => {
      const rect = element.querySelector('rect');
      const fill = rect ? rect.getAttribute('fill') || getComputedStyle(rect).fill : null;
      return { ref: element.dataset.entityRef, status: element.dataset.status, fill, text: element.textContent };
    }),
  );
  return boxes.map((box) => ({ ...box, fill: hex(box.fill) }));
}

/** Each edge path, with the text of the largest ancestor that holds no other edge path (its label). */
export async function readEdges(page) {
  const edges = await page.$$eval(`${CARD} path[data-from]`, (paths) =>
    paths.map((path) => {
      let holder = path;
      while (holder.parentElement && holder.parentElement.querySelectorAll('path[data-from]').length === 1) holder = holder.parentElement;
      const stroke = path.getAttribute('stroke') || getComputedStyle(path).stroke;
      return { from: path.dataset.from, to: path.dataset.to, status: path.dataset.status, stroke, label: holder.textContent.trim() };
    }),
  );
  return edges.map((edge) => ({ ...edge, stroke: hex(edge.stroke) }));
}

export function readAlertRows(page) {
  return page.$$eval(ALERT_ROW, (rows) => rows.map((row) => row.textContent));
}

export function readFreshness(page) {
  return page.$eval(FRESHNESS, (element) => ({ stale: element.dataset.stale, text: element.textContent }));
}

/** Resolves once the host's graph (the svg holding `selector`) is laid out and shown (hidden ~500 ms before). */
export function waitForVisibleGraph(page, selector, count, timeout = 30_000) {
  return page.waitForFunction(
    ({ selector, count }) => {
      const elements = document.querySelectorAll(selector);
      if (elements.length !== count) return false;
      const svg = elements[0].closest('svg');
      return svg !== null && getComputedStyle(svg).visibility === 'visible';
    },
    { selector, count },
    { timeout },
  );
}
