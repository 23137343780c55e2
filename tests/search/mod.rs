//! The search index of a site larger than one shard: every shard is listed
//! for the search page, holds only index data, and Pagefind's own script,
//! merging them as the theme does, finds pages from each.

use crate::harness::{TestSite, files_under, many_pages, search};

#[test]
fn a_site_larger_than_one_shard_is_searched_across_all_its_shards() {
    let tmp = tempfile::tempdir().unwrap();
    many_pages(tmp.path(), 1_200);
    let site = TestSite::at(tmp.path()).build().ok();
    let bundle = site.out.join("pagefind");
    let shards: Vec<String> =
        serde_json::from_slice(&std::fs::read(bundle.join("shards.json")).unwrap()).unwrap();
    assert_eq!(
        shards,
        ["shard-1/", "shard-2/"],
        "1,200 pages in three shards"
    );
    for shard in &shards {
        let files = files_under(&bundle.join(shard));
        assert!(files.contains_key("pagefind-entry.json"), "{shard}");
        // Chunks are cut small (casebook::CHUNK_SIZE postings), so a query
        // downloads a small piece of each shard, not a whole index.
        let chunks = files.keys().filter(|f| f.starts_with("index/")).count();
        assert!(chunks >= 2, "{shard} has {chunks} word-index chunk(s)");
        assert!(
            files
                .keys()
                .all(|f| !f.ends_with(".js") && !f.ends_with(".pagefind")),
            "{shard} carries scripts or WebAssembly: {:?}",
            files.keys().collect::<Vec<_>>()
        );
    }
    for i in [0, 599, 1_199] {
        assert_eq!(
            search(&site.out, &format!("zq{i:04}mark")),
            [format!("/entities/p{i:04}/")],
            "page {i} is found, and only it"
        );
    }
}
