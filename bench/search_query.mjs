// Searches a served casebook site the way its search page does: Pagefind's
// own script from the site, the first shard merged with those shards.json
// lists, every file fetched over HTTP. Each query starts from nothing (a
// fresh copy of the script, no cached index), so it sees the index as a
// reader opening the search page now would.
//
// Reads lines "BASE_URL WORD" on stdin and answers each with one JSON line:
// the paths of the pages found, best first.
//
//     node bench/search_query.mjs
import { createInterface } from "node:readline";

let n = 0;
for await (const line of createInterface({ input: process.stdin })) {
  const [base, word] = line.trim().split(/\s+/);
  const bundle = new URL("pagefind/", base).href;
  try {
    const script = await (await fetch(bundle + "pagefind.js")).text();
    const source = `${script}\n// ${n++}`;
    const pagefind = await import("data:text/javascript;base64," + Buffer.from(source).toString("base64"));
    await pagefind.options({ basePath: bundle, baseUrl: "/" });
    await pagefind.init();
    const shards = await (await fetch(bundle + "shards.json")).json();
    await Promise.all(shards.map((shard) => pagefind.mergeIndex(bundle + shard, { baseUrl: "/" })));
    const search = await pagefind.search(word);
    const pages = await Promise.all(search.results.map((r) => r.data()));
    console.log(JSON.stringify(pages.map((p) => p.url)));
  } catch (e) {
    console.log(JSON.stringify({ error: String(e) }));
  }
}
