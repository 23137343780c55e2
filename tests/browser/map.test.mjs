// The map of the knowledge base: every node of the drawing is a link that
// Tab reaches, in a box that scrolls on its own on a phone, and each page's
// neighbourhood figure is made of links too.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WIDTHS, listing, useBrowser } from './lib/site.mjs';

const browser = useBrowser();

test('every node of /map/ is reachable by keyboard', async () => {
  const { page, problems } = await browser.open('/map/');
  try {
    const total = await page.evaluate(() => {
      const nodes = [...document.querySelectorAll('svg.map-full a.node')];
      nodes.forEach((a, i) => (a.dataset.nodeIndex = String(i)));
      const start = document.createElement('span');
      start.tabIndex = -1;
      document.querySelector('.map-figure').before(start);
      start.focus();
      return nodes.length;
    });
    assert.ok(total > 0, 'the map draws no node');
    const reached = new Set();
    // The scroll box takes one stop before the nodes.
    for (let i = 0; i < total + 2; i += 1) {
      await page.keyboard.press('Tab');
      const idx = await page.evaluate(() => document.activeElement?.dataset?.nodeIndex ?? null);
      if (idx !== null) reached.add(Number(idx));
    }
    const missed = [...Array(total).keys()].filter((i) => !reached.has(i));
    assert.deepEqual(missed, [], listing('map nodes Tab never focuses', missed.map(String)));
    assert.deepEqual(problems, [], listing('load problems', problems));
  } finally {
    await page.close();
  }
});

test('a neighbourhood figure links its nodes and fits the page', async (t) => {
  for (const width of WIDTHS) {
    await t.test(`at ${width} px`, async () => {
      const { page } = await browser.open('/cases/aliexpress-russia/entry/', width);
      try {
        const state = await page.evaluate(() => {
          const fig = document.querySelector('.neighbourhood svg');
          const box = fig?.getBoundingClientRect();
          const sizes = [...(fig?.querySelectorAll('text') ?? [])].map((t) => t.getBoundingClientRect().height);
          return {
            links: fig ? fig.querySelectorAll('a.node[href]').length : 0,
            inside: box ? box.right <= document.documentElement.clientWidth + 0.5 : false,
            smallest: sizes.length ? Math.min(...sizes) : 0,
          };
        });
        assert.ok(state.links > 0, 'no linked nodes in the neighbourhood figure');
        assert.ok(state.inside, 'the neighbourhood figure runs off the page');
        assert.ok(state.smallest >= 11, `neighbourhood labels render ${state.smallest.toFixed(1)} px tall`);
      } finally {
        await page.close();
      }
    });
  }
});
