// With JavaScript turned off, everything but search and the timeline filter
// still works: the pages render and fit the screen, navigation and stage
// links are there, timelines and matrices show all their content, and link
// summaries remain in the links' titles.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { GLOBAL_TIMELINE, PAGES, SEARCH, STAGE, TIMELINE_CASE, listing, useBrowser } from './lib/site.mjs';

const browser = useBrowser({ javaScriptEnabled: false });

/** Opens `path` at `width` px, failing unless it answers HTTP 200. */
const open = browser.open;

for (const { name, path } of PAGES) {
  test(`without JavaScript: ${name} ${path} renders its content, styled, at 375 px`, async () => {
    const { page, problems } = await open(path, 375);
    try {
      const state = await page.evaluate(() => ({
        h1: document.querySelector('main h1')?.checkVisibility() ?? false,
        text: document.querySelector('main')?.innerText.trim().length ?? 0,
        styled: getComputedStyle(document.body).backgroundColor !== 'rgba(0, 0, 0, 0)',
        nav: document.querySelector('body > header nav')?.checkVisibility() ?? false,
        overflow: document.scrollingElement.scrollWidth - innerWidth,
      }));
      assert.ok(state.h1, 'no visible <h1> in <main>');
      assert.ok(state.text > 40, 'the main content is (nearly) empty');
      assert.ok(state.styled, 'the page is unstyled');
      assert.ok(state.nav, 'the header navigation is not visible');
      assert.ok(state.overflow <= 0, `the page scrolls sideways by ${state.overflow} px`);
      assert.deepEqual(problems, [], listing('load problems', problems));
    } finally {
      await page.close();
    }
  });
}

test('without JavaScript: stage navigation, breadcrumbs and link titles work', async () => {
  const { page } = await open(STAGE.first);
  try {
    const state = await page.evaluate(() => ({
      crumbs: document.querySelector('nav[aria-label="Breadcrumb"]')?.checkVisibility() ?? false,
      next: document.querySelector('main a[rel="next"]')?.href ?? null,
      titled: [...document.querySelectorAll('main a.internal[title]')].length,
    }));
    assert.ok(state.crumbs, 'no visible breadcrumbs');
    assert.ok(state.next, 'no "next stage" link');
    assert.ok(state.titled > 0, 'internal links carry no summary in their title (the preview without JavaScript)');
    await Promise.all([page.waitForURL(state.next), page.locator('main a[rel="next"]').first().click()]);
  } finally {
    await page.close();
  }
});

test('without JavaScript: the case timeline and its event list are shown', async () => {
  const { page } = await open(TIMELINE_CASE);
  try {
    const state = await page.evaluate(() => ({
      svg: document.querySelector('#timeline .timeline-grid, #timeline svg')?.checkVisibility() ?? false,
      marks: document.querySelectorAll('#timeline .timeline-grid a.mark, #timeline svg a.mark').length,
      events: [...document.querySelectorAll('main .event')].filter((e) => e.checkVisibility()).length,
      matrices: [...document.querySelectorAll('main table')].filter((t) => t.checkVisibility() && t.rows.length > 1).length,
    }));
    assert.ok(state.svg, 'the case timeline figure is not visible');
    assert.ok(state.marks > 0, 'the case timeline has no event marks');
    assert.ok(state.events >= state.marks, `${state.events} events listed for ${state.marks} marks`);
    assert.ok(state.matrices > 0, 'no framework matrix or canvas table is shown');
  } finally {
    await page.close();
  }
});

test('without JavaScript: the global timeline shows every lane and hides the filter it cannot run', async () => {
  const { page } = await open(GLOBAL_TIMELINE);
  try {
    const state = await page.evaluate(() => ({
      lanes: [...document.querySelectorAll('[data-case]')].filter((el) => !el.matches('input, select, option, button, label, a')),
      hiddenLanes: [...document.querySelectorAll('.lane')].filter((el) => !el.checkVisibility()).map((el) => el.dataset.case),
      events: [...document.querySelectorAll('main .event')].filter((e) => e.checkVisibility()).length,
      filterShown: [...document.querySelectorAll('main form')].some((f) => f.checkVisibility() && f.querySelector('select, input')),
    }));
    assert.deepEqual(state.hiddenLanes, [], listing('lanes hidden without JavaScript', state.hiddenLanes));
    assert.ok(state.events > 0, 'no event is shown');
    assert.equal(state.filterShown, false, 'a filter that needs JavaScript is shown without it');
  } finally {
    await page.close();
  }
});

test('without JavaScript: the listed framework pages show their application matrix', async () => {
  for (const { path } of PAGES.filter((p) => p.path.startsWith('/frameworks/'))) {
    const { page } = await open(path);
    try {
      const rows = await page.evaluate(() =>
        [...document.querySelectorAll('main table')].filter((t) => t.checkVisibility()).reduce((n, t) => n + t.tBodies[0]?.rows.length, 0),
      );
      assert.ok(rows > 0, `${path}: no matrix row is shown`);
    } finally {
      await page.close();
    }
  }
});

test(`without JavaScript: ${SEARCH.page} says that search needs JavaScript and links to the lists`, async () => {
  const { page } = await open(SEARCH.page);
  try {
    const text = await page.locator('main').innerText();
    assert.match(text, /needs JavaScript/i, `${SEARCH.page} gives no hint that search needs JavaScript`);
    assert.ok((await page.locator('main a[href$="/cases/"]').count()) > 0, 'no link to the case list');
  } finally {
    await page.close();
  }
});
