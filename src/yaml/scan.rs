//! A linear pre-scan of YAML text, run before serde_yaml sees it.
//!
//! It refuses what serde_yaml would accept silently or slowly: nesting
//! deeper than [`MAX_DEPTH`] (its flow parser is quadratic in depth), tabs
//! in indentation, tags (`!!str`, `!custom`), merge keys (`<<:`) and a
//! second document, lone carriage returns and Unicode line separators. One pass over the bytes, so hostile input costs
//! what its length costs.

/// Largest nesting of YAML collections accepted.
pub(super) const MAX_DEPTH: usize = 64;

/// Why a YAML text was refused, and where.
#[derive(Debug)]
pub(super) struct Refused {
    pub line: usize,
    pub col: usize,
    pub message: String,
    pub help: &'static str,
}

fn refuse(line: usize, col: usize, message: String, help: &'static str) -> Option<Refused> {
    Some(Refused {
        line,
        col,
        message,
        help,
    })
}

/// Scans `yaml`; `None` when nothing needs refusing.
pub(super) fn prescan(yaml: &str) -> Option<Refused> {
    let mut flow = 0usize;
    // Open quote and whether it continues onto the next line.
    let mut quote: Option<char> = None;
    // Indentation of the line that opened a block scalar (`|`, `>`).
    let mut block: Option<usize> = None;
    let mut seen_content = false;
    for (i, raw) in yaml.split('\n').enumerate() {
        let line_no = i + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        let body = line.trim_start_matches(' ');
        let indent = line.len() - body.len();
        if let Some(refused) = line_break(line, line_no) {
            return Some(refused);
        }
        if let Some(b) = block {
            if body.is_empty() || indent > b {
                continue;
            }
            block = None;
        }
        if quote.is_none()
            && flow == 0
            && let Some(refused) = line_start(line, line_no, seen_content)
        {
            return Some(refused);
        }
        let item_depth = body.len() - body.trim_start_matches(['-', ' ']).len();
        if quote.is_none() && (indent + item_depth) / 2 > MAX_DEPTH {
            return refuse(line_no, 1, deep_message(), DEEP_HELP);
        }
        let mut at_node = quote.is_none();
        // Columns are counted only for a problem: counting them for every
        // character would make a long line quadratic.
        let col = |b: usize| line[..b].chars().count() + 1;
        let mut chars = line.char_indices().peekable();
        while let Some((b, ch)) = chars.next() {
            if let Some(q) = quote {
                if ch == '\\' && q == '"' {
                    chars.next();
                } else if ch == q {
                    if q == '\'' && chars.peek().is_some_and(|&(_, c)| c == '\'') {
                        chars.next();
                    } else {
                        quote = None;
                    }
                }
                continue;
            }
            match ch {
                ' ' => continue,
                '#' if b == 0 || line[..b].ends_with(' ') => break,
                _ => {}
            }
            seen_content = true;
            if at_node {
                match ch {
                    '"' | '\'' => {
                        quote = Some(ch);
                        at_node = false;
                        continue;
                    }
                    '!' => return refuse(line_no, col(b), TAG.0.into(), TAG.1),
                    '&' | '*' => {
                        // An anchor still precedes the node; skip its name.
                        while chars.peek().is_some_and(|&(_, c)| !" ,[]{}".contains(c)) {
                            chars.next();
                        }
                        continue;
                    }
                    '<' if line[b..].starts_with("<<")
                        && line[b + 2..].trim_start_matches(' ').starts_with(':') =>
                    {
                        return refuse(line_no, col(b), MERGE.0.into(), MERGE.1);
                    }
                    '|' | '>' if flow == 0 => {
                        block = Some(indent);
                        break;
                    }
                    '-' | '?' if chars.peek().is_none_or(|&(_, c)| c == ' ') => continue,
                    _ => {}
                }
            }
            at_node = false;
            match ch {
                '[' | '{' => {
                    flow += 1;
                    at_node = true;
                    if flow + (indent + item_depth) / 2 > MAX_DEPTH {
                        return refuse(line_no, col(b), deep_message(), DEEP_HELP);
                    }
                }
                ']' | '}' => flow = flow.saturating_sub(1),
                ',' if flow > 0 => at_node = true,
                ':' if chars.peek().is_none_or(|&(_, c)| c == ' ')
                    || (flow > 0 && chars.peek().is_some_and(|&(_, c)| ",]}".contains(c))) =>
                {
                    at_node = true;
                }
                _ => {}
            }
        }
    }
    None
}

/// A tag (`!foo`), with its hint.
const TAG: (&str, &str) = (
    "YAML tags are not supported",
    "remove the `!…` tag; quote the value if it starts with `!`",
);

/// A merge key (`<<:`), with its hint.
const MERGE: (&str, &str) = (
    "YAML merge keys (`<<`) are not supported",
    "write the keys out in full",
);

/// YAML also breaks lines at a lone CR, NEL, LS and PS; editors and our
/// positions do not, so line numbers would disagree.
fn line_break(line: &str, line_no: usize) -> Option<Refused> {
    let (c, ch) = line
        .char_indices()
        .find(|(_, ch)| matches!(ch, '\r' | '\u{85}' | '\u{2028}' | '\u{2029}'))?;
    let what = match ch {
        '\r' => "carriage return without a line feed".to_string(),
        _ => format!("line separator U+{:04X}", ch as u32),
    };
    refuse(
        line_no,
        line[..c].chars().count() + 1,
        what,
        "save the file with LF or CRLF line endings and no Unicode line separators",
    )
}

/// The start of a line outside quotes and flow collections: no tab in the
/// indentation, no second document.
fn line_start(line: &str, line_no: usize, seen_content: bool) -> Option<Refused> {
    let body = line.trim_start_matches(' ');
    if body.starts_with('\t') {
        return refuse(
            line_no,
            line.len() - body.len() + 1,
            "tab character in YAML indentation".into(),
            "indent YAML with spaces only",
        );
    }
    let marker = |m: &str| {
        line.strip_prefix(m)
            .is_some_and(|r| r.is_empty() || r.starts_with([' ', '#']))
    };
    if seen_content && (marker("---") || marker("...")) {
        return refuse(
            line_no,
            1,
            "a second YAML document starts here".into(),
            "a file holds one YAML document: remove this `---` or `...` line",
        );
    }
    None
}

const DEEP_HELP: &str = "flatten the structure; no casebook field needs this depth";

fn deep_message() -> String {
    format!("YAML nested deeper than {MAX_DEPTH} levels")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refused(yaml: &str) -> Option<(usize, usize, String)> {
        prescan(yaml).map(|r| (r.line, r.col, r.message))
    }

    #[test]
    fn ordinary_yaml_passes() {
        for ok in [
            "title: Wow! a title\nsummary: \"!quoted\"\n",
            "list:\n  - a\n  - 'it''s !fine'\nmap: { a: 1, b: [x, y] }\n",
            "text: |\n  !not a tag\n  <<: not a merge\n  ---\nnext: 1\n",
            "a: &x 1\nb: *x\n",
            "url: https://example.org/a#b\n# comment with !\n",
        ] {
            assert!(refused(ok).is_none(), "{ok}: {:?}", refused(ok));
        }
    }

    #[test]
    fn tags_merge_keys_and_second_documents_are_located() {
        assert_eq!(refused("a: 1\nb: !!str 2\n").unwrap().0, 2);
        assert_eq!(refused("a: [1, !x 2]\n").unwrap().1, 8);
        assert_eq!(refused("a: &x !t 1\n").unwrap().1, 7);
        assert!(refused("m:\n  <<: *base\n").unwrap().2.contains("merge"));
        assert!(refused("m: {<<: *b}\n").unwrap().2.contains("merge"));
        assert_eq!(refused("- a\n---\n- b\n").unwrap().0, 2);
        assert_eq!(refused("a: 1\n...\n").unwrap().0, 2);
        assert_eq!(refused("a:\n\tb: 1\n").unwrap().0, 2);
        // Found by the front_matter fuzz target: serde_yaml counted 3 lines here.
        assert_eq!(
            refused("?\r1\n").unwrap().2,
            "carriage return without a line feed"
        );
        assert!(refused("a: 1\r\nb: 2\r\n").is_none());
        assert_eq!(refused("{\u{85}{").unwrap().2, "line separator U+0085");
    }

    #[test]
    fn depth_is_counted_in_flow_and_block_and_not_in_strings() {
        let flow = format!("a: {}", "[".repeat(MAX_DEPTH + 1));
        assert!(refused(&flow).unwrap().2.contains("deeper"));
        let mut block = String::new();
        for d in 0..=MAX_DEPTH + 1 {
            block.push_str(&format!("{}k{d}:\n", "  ".repeat(d)));
        }
        assert!(refused(&block).unwrap().2.contains("deeper"));
        let quoted = format!("a: \"{}\"\n", "[".repeat(MAX_DEPTH * 2));
        assert!(refused(&quoted).is_none());
    }

    #[test]
    fn a_very_long_line_is_scanned_in_linear_time() {
        // Before columns were counted lazily, this took minutes.
        let yaml = format!("title: \"{}\"\n", "é".repeat(4_000_000));
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || tx.send(prescan(&yaml).is_none()).unwrap());
        let clean = rx
            .recv_timeout(std::time::Duration::from_secs(60))
            .expect("the pre-scan of one long line hangs");
        assert!(clean);
    }
}
