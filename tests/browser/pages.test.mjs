// Per-page checks on the pages listed in PAGES (lib/site.mjs): no horizontal
// scroll at each width, dark mode, print, axe-core, screenshots.

import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  AXE,
  PAGES,
  SCREENSHOT_DIR,
  SITE_HEADER,
  WIDTHS,
  listing,
  useBrowser,
} from './lib/site.mjs';

const browser = useBrowser();
before(async () => {
  await mkdir(SCREENSHOT_DIR, { recursive: true });
});

/** Opens `path` at `width` px, failing unless it answers HTTP 200. */
const open = browser.open;

/** Outermost elements that stick out past the right edge of the viewport, outside any scroll container. */
function overflowing(page) {
  return page.evaluate(() => {
    const width = window.innerWidth;
    const name = (el) =>
      el.tagName.toLowerCase() +
      (el.id ? `#${el.id}` : '') +
      (typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\s+/).join('.') : '');
    const path = (el) => {
      const parts = [];
      for (let e = el; e && e !== document.body; e = e.parentElement) parts.unshift(name(e));
      return parts.slice(-4).join(' > ');
    };
    const sticksOut = (el) => el.getBoundingClientRect().right > width + 0.5;
    // A scroll container clips its descendants, except absolutely positioned
    // ones whose containing block lies outside it.
    const up = (el) => (/^(absolute|fixed)$/.test(getComputedStyle(el).position) ? el.offsetParent : el.parentElement);
    const clipped = (el) => {
      for (let p = up(el); p && p !== document.body; p = up(p)) {
        if (getComputedStyle(p).overflowX !== 'visible') return true;
      }
      return false;
    };
    const offenders = new Set(
      [...document.body.querySelectorAll('*')].filter((el) => el.getClientRects().length && sticksOut(el) && !clipped(el)),
    );
    return [...offenders]
      .filter((el) => !offenders.has(el.parentElement))
      .slice(0, 8)
      .map((el) => `${path(el)} reaches ${Math.round(el.getBoundingClientRect().right)} px`);
  });
}

/**
 * Tables that would push the page sideways or squeeze long text: a table
 * wider than the main column must sit in its own horizontal scroll container
 * that keyboard users can focus, and a cell with a long text must stay wide
 * enough to read (about 20 characters a line).
 */
function unreadableTables(page) {
  return page.evaluate(() => {
    const problems = [];
    const main = document.querySelector('main');
    const name = (t, i) => t.caption?.textContent.trim().slice(0, 40) || t.getAttribute('aria-label') || t.className || `table ${i + 1}`;
    [...main.querySelectorAll('table')].forEach((table, i) => {
      if (!table.checkVisibility()) return;
      let box = table.parentElement;
      while (box !== main && getComputedStyle(box).overflowX === 'visible') box = box.parentElement;
      const scrolls = box !== main;
      if (table.getBoundingClientRect().width > main.clientWidth + 0.5 && !scrolls) {
        problems.push(`"${name(table, i)}" is ${Math.round(table.getBoundingClientRect().width)} px wide with no scroll container of its own`);
      }
      if (scrolls && box.scrollWidth > box.clientWidth && box.tabIndex < 0) {
        problems.push(`the scroll container of "${name(table, i)}" cannot be reached by keyboard (tabindex="0")`);
      }
      const em = parseFloat(getComputedStyle(table).fontSize);
      for (const cell of table.querySelectorAll('td, th')) {
        const text = cell.textContent.replace(/\s+/g, ' ').trim();
        const width = cell.getBoundingClientRect().width;
        if (text.length > 80 && width < 10 * em) {
          problems.push(`"${name(table, i)}": a cell of ${text.length} characters is squeezed to ${Math.round(width)} px ("${text.slice(0, 30)}…")`);
          break;
        }
      }
    });
    return problems;
  });
}

/** Serious and critical axe-core violations of the page, one line per element. */
async function axeViolations(page) {
  await page.addScriptTag({ path: AXE });
  const violations = await page.evaluate(async () => {
    const result = await window.axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((v) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      nodes: v.nodes.map((n) => `${n.target.join(' ')} — ${n.failureSummary.replace(/\s+/g, ' ').slice(0, 200)}`),
    }));
  });
  const lines = (vs) => vs.flatMap((v) => v.nodes.slice(0, 6).map((n) => `[${v.impact}] ${v.id} (${v.help}): ${n}`));
  return {
    serious: lines(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')),
    minor: lines(violations.filter((v) => v.impact !== 'serious' && v.impact !== 'critical')),
  };
}

for (const { name, path } of PAGES) {
  test(`${name} ${path}`, async (t) => {
    for (const width of WIDTHS) {
      await t.test(`no horizontal scroll at ${width} px; screenshot`, async () => {
        const { page, problems } = await open(path, width);
        try {
          await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-${width}.png`), fullPage: true });
          const { scrollWidth, innerWidth } = await page.evaluate(() => ({
            scrollWidth: document.scrollingElement.scrollWidth,
            innerWidth: window.innerWidth,
          }));
          const culprits = scrollWidth > innerWidth ? await overflowing(page) : [];
          assert.ok(
            scrollWidth <= innerWidth,
            listing(`page is ${scrollWidth} px wide in a ${innerWidth} px viewport; sticking out`, culprits),
          );
          assert.deepEqual(problems, [], listing('load problems', problems));
        } finally {
          await page.close();
        }
      });

      await t.test(`tables at ${width} px: wide ones scroll in their own container, long cells stay readable`, async () => {
        const { page } = await open(path, width);
        try {
          const bad = await unreadableTables(page);
          assert.deepEqual(bad, [], listing('tables that are hard to read', bad));
        } finally {
          await page.close();
        }
      });
    }

    await t.test('dark mode changes the background colour', async () => {
      const { page } = await open(path, 1280);
      try {
        const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
        await page.emulateMedia({ colorScheme: 'light' });
        const light = await background();
        await page.emulateMedia({ colorScheme: 'dark' });
        const dark = await background();
        await page.screenshot({ path: join(SCREENSHOT_DIR, `${name}-1280-dark.png`), fullPage: true });
        assert.notEqual(dark, light, `background is ${light} in both colour schemes`);
      } finally {
        await page.close();
      }
    });

    await t.test('print hides the header navigation', async () => {
      const { page } = await open(path, 1280);
      try {
        await page.emulateMedia({ media: 'print' });
        const nav = await page.evaluate((header) => {
          const el = document.querySelector(`${header} nav`);
          return el ? { visible: el.checkVisibility() } : null;
        }, SITE_HEADER);
        assert.ok(nav, `no nav inside the site header (${SITE_HEADER})`);
        assert.equal(nav.visible, false, 'the header navigation is displayed in print');
      } finally {
        await page.close();
      }
    });

    for (const [scheme, width] of [['light', 1280], ['dark', 1280], ['light', 375]]) {
      await t.test(`axe: no serious or critical violation (${scheme}, ${width} px)`, async (tt) => {
        const { page } = await open(path, width);
        try {
          await page.emulateMedia({ colorScheme: scheme });
          const { serious, minor } = await axeViolations(page);
          for (const line of minor) tt.diagnostic(`axe (minor or moderate): ${line}`);
          assert.deepEqual(serious, [], listing(`axe violations on ${path}`, serious));
        } finally {
          await page.close();
        }
      });
    }
  });
}
