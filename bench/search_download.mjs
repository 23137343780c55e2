// What a reader's browser downloads for a first search: headless Chromium
// opens /search/?q=WORD on a built site served locally and records every
// response under /pagefind/ until the results show. Prints one JSON line per
// word: bytes by kind of file, as served (Pagefind's index files are
// gzip-compressed already) and with its scripts gzip-compressed as a web
// host would send them.
//
//     node bench/search_download.mjs SITE_DIR WORD...
//
// Uses the browser suite's Chromium setup and static server
// (tests/browser/lib), so run `bash scripts/setup.sh` first.
import { gzipSync } from "node:zlib";
import { serve } from "../tests/browser/lib/server.mjs";
import { launchBrowser } from "../tests/browser/lib/site.mjs";

const [dir, ...words] = process.argv.slice(2);
const server = await serve(dir);
const base = `http://127.0.0.1:${server.address().port}/`;
const { context, close } = await launchBrowser();

function kind(path) {
  const name = path.replace(/^\/pagefind\/(shard-\d+\/)?/, "");
  if (name.startsWith("index/")) return "word chunks";
  if (name.startsWith("fragment/")) return "result fragments";
  if (name.startsWith("filter/")) return "filters";
  if (name.endsWith(".pf_meta")) return "metadata";
  if (name.endsWith(".pagefind")) return "WebAssembly";
  if (name.endsWith(".json")) return "entry and shard list";
  return "scripts and styles";
}

try {
  for (const word of words) {
    const page = await context.newPage();
    const bytes = {};
    const hosted = {};
    let requests = 0;
    const pending = [];
    page.on("response", (response) => {
      const path = new URL(response.url()).pathname;
      if (!path.startsWith("/pagefind/")) return;
      requests += 1;
      pending.push(
        response.body().then((body) => {
          const k = kind(path);
          const compressed = k === "scripts and styles" || k === "entry and shard list";
          bytes[k] = (bytes[k] ?? 0) + body.length;
          hosted[k] = (hosted[k] ?? 0) + (compressed ? gzipSync(body).length : body.length);
        }, () => {}),
      );
    });
    const t0 = Date.now();
    await page.goto(`${base}search/?q=${encodeURIComponent(word)}`);
    await page.waitForFunction(
      () => /result/i.test(document.querySelector("#search-summary")?.textContent ?? ""),
      null,
      { timeout: 120000 },
    );
    const shown = Date.now() - t0;
    await page.waitForLoadState("networkidle");
    await Promise.all(pending);
    const summary = await page.textContent("#search-summary");
    const sum = (o) => Object.values(o).reduce((a, b) => a + b, 0);
    console.log(JSON.stringify({
      word, summary: summary.trim(), requests, results_shown_ms: shown,
      total: sum(bytes), total_hosted: sum(hosted), bytes, hosted,
    }));
    await page.close();
  }
} finally {
  await close();
  server.close();
}
