//! Link contexts ("Referenced by", graph.json): the sentence around a link,
//! cut from the text a reader sees, never inside a link's label.

use std::ops::Range;

/// Longest context shown, in characters.
pub(crate) const MAX_CHARS: usize = 200;

/// Words after which a full stop does not end a sentence.
const ABBREVIATIONS: &[&str] = &[
    "approx", "cf", "ch", "co", "dr", "eds", "etc", "fig", "inc", "jr", "ltd", "mr", "mrs", "ms",
    "no", "nos", "p", "pp", "sec", "secs", "sr", "st", "tab", "vol", "vols", "vs",
];

/// The context of the link at `link` in `text`, the visible text of one
/// block; `labels` are the ranges of every link label in that block (a
/// sentence never ends inside one and a cut never falls inside one).
#[cfg(test)]
pub(crate) fn around(text: &str, labels: &[Range<usize>], link: Range<usize>) -> String {
    let inside = |i: usize| labels.iter().any(|r| r.start < i && i < r.end);
    let ends = sentence_ends(text, &inside);
    around_in(text, &ends, &inside, link)
}

/// The contexts of every link of a block, with its sentences found once.
pub(crate) fn contexts(text: &str, labels: &[Range<usize>]) -> Vec<String> {
    let inside = |i: usize| labels.iter().any(|r| r.start < i && i < r.end);
    let ends = sentence_ends(text, &inside);
    labels
        .iter()
        .map(|link| around_in(text, &ends, &inside, link.clone()))
        .collect()
}

fn around_in(
    text: &str,
    ends: &[usize],
    inside: &dyn Fn(usize) -> bool,
    link: Range<usize>,
) -> String {
    let start = ends
        .iter()
        .rev()
        .find(|&&e| e <= link.start)
        .copied()
        .unwrap_or(0);
    let end = ends
        .iter()
        .find(|&&e| e >= link.end)
        .copied()
        .unwrap_or(text.len());
    let sentence = text[start..end].trim();
    if sentence.chars().count() <= MAX_CHARS {
        return sentence.to_string();
    }
    window(text, start..end, link, inside)
}

/// Byte offsets just after each sentence's final punctuation.
fn sentence_ends(text: &str, inside: &dyn Fn(usize) -> bool) -> Vec<usize> {
    let mut ends = Vec::new();
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (k, &(i, c)) in chars.iter().enumerate() {
        if inside(i) {
            continue;
        }
        if matches!(c, '。' | '！' | '？') {
            ends.push(i + c.len_utf8());
            continue;
        }
        if !matches!(c, '.' | '!' | '?') {
            continue;
        }
        // The run of closing marks after the punctuation belongs to it.
        let mut j = k + 1;
        while j < chars.len() && matches!(chars[j].1, '.' | '!' | '?' | '"' | '”' | '’' | ')') {
            j += 1;
        }
        let after = chars.get(j).map(|&(_, ch)| ch);
        let next_word = chars[j..]
            .iter()
            .map(|&(_, ch)| ch)
            .find(|ch| !ch.is_whitespace());
        let spaced = after.is_none_or(char::is_whitespace);
        let starts_sentence =
            next_word.is_none_or(|ch| ch.is_uppercase() || matches!(ch, '"' | '“' | '‘' | '('));
        if spaced && starts_sentence && !(c == '.' && abbreviation(&text[..i])) {
            let end = chars.get(j).map_or(text.len(), |&(b, _)| b);
            if ends.last() != Some(&end) {
                ends.push(end);
            }
        }
    }
    ends
}

/// Whether the word before a full stop is an abbreviation or an initial
/// ("e.g", "sec", "J").
fn abbreviation(before: &str) -> bool {
    let word: String = before
        .chars()
        .rev()
        .take_while(|c| c.is_alphanumeric() || *c == '.')
        .collect::<Vec<_>>()
        .into_iter()
        .rev()
        .collect();
    let last = word.rsplit('.').next().unwrap_or("");
    last.chars().count() == 1 && last.chars().all(char::is_alphabetic)
        || ABBREVIATIONS.contains(&last.to_lowercase().as_str())
}

/// A window of at most [`MAX_CHARS`] around the link inside `sentence`, cut
/// at spaces outside labels and marked with `…` where it was cut.
fn window(
    text: &str,
    sentence: Range<usize>,
    link: Range<usize>,
    inside: &dyn Fn(usize) -> bool,
) -> String {
    let label = text[link.clone()].chars().count();
    let budget = MAX_CHARS.saturating_sub(label);
    let before: Vec<usize> = text[sentence.start..link.start]
        .char_indices()
        .map(|(i, _)| sentence.start + i)
        .collect();
    let after_len = text[link.end..sentence.end].chars().count();
    let left_want = (budget / 2).max(budget.saturating_sub(after_len));
    let mut lo = before[before.len().saturating_sub(left_want)..]
        .first()
        .copied()
        .unwrap_or(link.start);
    let taken_left = text[lo..link.start].chars().count();
    let right_want = budget.saturating_sub(taken_left);
    let mut hi = text[link.end..sentence.end]
        .char_indices()
        .nth(right_want)
        .map_or(sentence.end, |(i, _)| link.end + i);
    // Cut only at a space that is not inside a label.
    if lo > sentence.start {
        while lo < link.start && (inside(lo) || !text[..lo].ends_with(char::is_whitespace)) {
            lo += text[lo..].chars().next().map_or(1, char::len_utf8);
        }
    }
    if hi < sentence.end {
        while hi > link.end && (inside(hi) || !text[hi..].starts_with(char::is_whitespace)) {
            hi -= text[..hi].chars().next_back().map_or(1, char::len_utf8);
        }
    }
    let mut out = String::new();
    if lo > sentence.start {
        out.push('…');
    }
    out.push_str(text[lo..hi].trim());
    if hi < sentence.end {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx(text: &str, label: &str) -> String {
        let start = text.find(label).unwrap();
        let link = start..start + label.len();
        around(text, std::slice::from_ref(&link), link.clone())
    }

    #[test]
    fn the_linking_sentence_is_kept_whole() {
        assert_eq!(
            ctx(
                "It started in 2010. Buyers used VK to find it. Sales grew.",
                "VK"
            ),
            "Buyers used VK to find it."
        );
    }

    #[test]
    fn dots_in_labels_and_abbreviations_end_no_sentence() {
        let text =
            "Its station, Alibaba.com, serves exporters (sec. 3.5). It works, e.g. Hugo. Next one.";
        assert_eq!(
            ctx(text, "Alibaba.com"),
            "Its station, Alibaba.com, serves exporters (sec. 3.5)."
        );
        assert_eq!(ctx(text, "Hugo"), "It works, e.g. Hugo.");
        assert_eq!(
            around("See J. Smith. Done.", std::slice::from_ref(&(4..12)), 4..12),
            "See J. Smith."
        );
    }

    #[test]
    fn long_sentences_are_cut_at_words_outside_labels() {
        let words = "word ".repeat(80);
        let text = format!("{words}the Target Label here {words}end.");
        let got = ctx(&text, "Target Label");
        assert!(got.chars().count() <= MAX_CHARS + 2, "{got}");
        assert!(got.starts_with('…') && got.ends_with('…'), "{got}");
        assert!(got.contains("the Target Label here"), "{got}");
        assert!(!got.contains("wor…") && !got.contains("…ord"), "{got}");
        // A cut that would fall inside another label moves out of it.
        let text = format!(
            "{}Big Label With Many Words{} Target{}.",
            "x ".repeat(50),
            " y".repeat(85),
            " z".repeat(10)
        );
        let other = text.find("Big").unwrap()..text.find("Words").unwrap() + 5;
        let link = text.find("Target").unwrap()..text.find("Target").unwrap() + 6;
        let got = around(&text, &[other, link.clone()], link);
        assert!(got.starts_with('…') && got.contains("Target"), "{got}");
        assert!(
            !got.contains("Words") || got.contains("Big Label With Many Words"),
            "cut inside a label: {got}"
        );
    }
}
