//! How deep a document's brackets nest, read off its text before it is parsed.
//!
//! async-graphql's parser builds list and object values (and list types) by recursion with no
//! bound of its own: 350 levels of `[` in an 800-byte document overflow a 2 MiB stack in a
//! debug build, and a stack overflow aborts the whole server, not the request. Selection sets
//! are bounded by the parser (64 levels), values are not, so the text is measured first.

/// Deepest nesting of `{`, `[` and `(` parsed: selection sets (at most 64 deep for the
/// parser) with room for arguments and input values inside them. Debug builds overflow their
/// 2 MiB stacks past 250 levels of `[` inside 62 selection sets, so this leaves half of it.
pub const MAX_BRACKET_NESTING: usize = 128;

/// Whether the brackets of `text` nest deeper than `max`, outside strings and comments. A
/// text that does not lex (an unclosed string) is left to the parser, which says where.
pub fn deeper_than(text: &str, max: usize) -> bool {
    let bytes = text.as_bytes();
    let mut depth: usize = 0;
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'{' | b'[' | b'(' => {
                depth += 1;
                if depth > max {
                    return true;
                }
            }
            b'}' | b']' | b')' => depth = depth.saturating_sub(1),
            b'#' => {
                while at < bytes.len() && bytes[at] != b'\n' && bytes[at] != b'\r' {
                    at += 1;
                }
            }
            b'"' if bytes[at..].starts_with(b"\"\"\"") => at = after_block_string(bytes, at + 3),
            b'"' => at = after_string(bytes, at + 1),
            _ => {}
        }
        at += 1;
    }
    false
}

/// Where the string that starts before `at` ends (its closing quote), or the end of the text.
fn after_string(bytes: &[u8], mut at: usize) -> usize {
    while at < bytes.len() {
        match bytes[at] {
            b'\\' => at += 2,
            b'"' | b'\n' | b'\r' => return at,
            _ => at += 1,
        }
    }
    bytes.len()
}

/// Where the block string that starts before `at` ends (the last of its closing quotes); `\"""`
/// inside it is an escaped delimiter.
fn after_block_string(bytes: &[u8], mut at: usize) -> usize {
    while at < bytes.len() {
        if bytes[at..].starts_with(b"\\\"\"\"") {
            at += 4;
        } else if bytes[at..].starts_with(b"\"\"\"") {
            return at + 2;
        } else {
            at += 1;
        }
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::deeper_than;

    #[test]
    fn brackets_count_outside_strings_and_comments() {
        assert!(!deeper_than("{ a(x: [[1]]) { b } }", 4));
        assert!(deeper_than("{ a(x: [[[1]]]) { b } }", 4));
        assert!(!deeper_than("{ a(x: \"[[[[[[\") }", 3));
        assert!(!deeper_than("{ a(x: \"\\\"[[[[[[\") }", 3));
        assert!(!deeper_than(
            "{ a(x: \"\"\" [[[[ \\\"\"\" [[[[ \"\"\") }",
            3
        ));
        assert!(!deeper_than("{ a # [[[[[[\n }", 2));
        assert!(deeper_than("{ a # [[[[[[\n [[[ }", 3));
        // an empty string, then brackets
        assert!(deeper_than("{ a(x: \"\", y: [[[1]]]) }", 4));
        // unbalanced closing brackets do not make room for more
        assert!(deeper_than("]]]] {{{", 2));
    }
}
