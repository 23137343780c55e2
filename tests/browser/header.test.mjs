// One header on every page: at each width, every kind of page has a header
// of the same height with the search box in the same place, and at desktop
// width the search box sits on the header's first row, beside the site name.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SITE_HEADER, WIDTHS, listing, openPage, useBrowser } from './lib/site.mjs';

const browser = useBrowser();

// One page of each kind (the 404 page at a path that does not exist).
const KINDS = [
  { name: 'home', path: '/' },
  { name: 'case', path: '/cases/aliexpress-russia/' },
  { name: 'stage', path: '/cases/aliexpress-russia/entry/' },
  { name: 'framework', path: '/frameworks/swot/' },
  { name: 'entity', path: '/entities/vk/' },
  { name: 'timeline', path: '/timeline/' },
  { name: 'compare', path: '/compare/' },
  { name: 'glossary', path: '/glossary/' },
  { name: 'references', path: '/references/' },
  { name: 'search', path: '/search/' },
  { name: '404', path: '/no-such-page/' },
];

// The widest a desktop header may be without its search box on the first row.
const DESKTOP = 1280;

/** Header height, search box box, and whether the search box shares the brand's row. */
function measure(page) {
  return page.evaluate((header) => {
    const h = document.querySelector(header);
    const search = h.querySelector('input[type="search"]');
    const brand = h.querySelector('a');
    const hb = h.getBoundingClientRect();
    const sb = search?.getBoundingClientRect();
    const bb = brand.getBoundingClientRect();
    return {
      height: Math.round(hb.height),
      search: sb ? { left: Math.round(sb.left), top: Math.round(sb.top), width: Math.round(sb.width) } : null,
      firstRow: sb ? sb.top < bb.bottom && sb.bottom > bb.top : false,
    };
  }, SITE_HEADER);
}

test('the header has one shape on every kind of page', async (t) => {
  for (const width of WIDTHS) {
    await t.test(`at ${width} px`, async () => {
      const seen = [];
      for (const { name, path } of KINDS) {
        const { page } = await openPage(browser.context, path, { width });
        try {
          seen.push({ name, ...(await measure(page)) });
        } finally {
          await page.close();
        }
      }
      const [home] = seen;
      assert.ok(home.search, 'the home page header has no search box');
      const differ = seen
        .filter((s) => s.height !== home.height || JSON.stringify(s.search) !== JSON.stringify(home.search))
        .map((s) => `${s.name}: header ${s.height} px, search at ${JSON.stringify(s.search)} (home: ${home.height} px, ${JSON.stringify(home.search)})`);
      assert.deepEqual(differ, [], listing(`headers unlike the home page's at ${width} px`, differ));
      if (width >= DESKTOP) {
        const wrapped = seen.filter((s) => !s.firstRow).map((s) => s.name);
        assert.deepEqual(wrapped, [], listing('pages whose search box wraps below the header row', wrapped));
      }
    });
  }
});
