//! Escaping text for HTML: the one leaf every stage that writes markup uses.

/// Text made safe inside an element or a quoted attribute; control
/// characters HTML does not allow are dropped.
pub(crate) fn html_escape(s: &str) -> String {
    // Most text needs nothing: find the first byte that might, and copy
    // up to it in one go. 0xC2 starts the C1 control characters.
    let special = |b: u8| {
        matches!(b, b'&' | b'<' | b'>' | b'"' | b'\'' | 0x7F | 0xC2)
            || (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r'))
    };
    let Some(first) = s.bytes().position(special) else {
        return s.to_string();
    };
    let mut out = String::with_capacity(s.len() + 16);
    out.push_str(&s[..first]);
    for c in s[first..].chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            // HTML and XML allow no other control characters.
            c if c.is_control() && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}
