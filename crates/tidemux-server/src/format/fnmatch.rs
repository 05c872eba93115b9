//! `fnmatch(3)` without flags (or with `FNM_CASEFOLD`), as tmux's `#{m:PATTERN,STRING}` uses it:
//! `*` and `?` match any character including `/`, `[...]` bracket expressions (`!` or `^`
//! negates, ranges, `[:class:]`), and `\` escapes the next character.

/// Whether `text` matches the shell `pattern`. `casefold` compares case-insensitively
/// (`FNM_CASEFOLD`). An unterminated `[` matches a literal `[`.
pub fn fnmatch(pattern: &str, text: &str, casefold: bool) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    matches(&p, &t, casefold)
}

fn fold(c: char, casefold: bool) -> char {
    if casefold {
        c.to_lowercase().next().unwrap_or(c)
    } else {
        c
    }
}

fn matches(p: &[char], t: &[char], cf: bool) -> bool {
    // Iterative with backtracking to the last `*` (linear in practice).
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    loop {
        if pi < p.len() {
            match p[pi] {
                '*' => {
                    while pi < p.len() && p[pi] == '*' {
                        pi += 1;
                    }
                    star = Some((pi, ti));
                    continue;
                }
                '?' if ti < t.len() => {
                    pi += 1;
                    ti += 1;
                    continue;
                }
                '[' if ti < t.len() => {
                    if let Some((ok, next)) = bracket(p, pi, t[ti], cf) {
                        if ok {
                            pi = next;
                            ti += 1;
                            continue;
                        }
                    } else if t[ti] == '[' {
                        pi += 1;
                        ti += 1;
                        continue;
                    }
                }
                '\\' if ti < t.len() => {
                    let lit = p.get(pi + 1).copied().unwrap_or('\\');
                    if fold(lit, cf) == fold(t[ti], cf) {
                        pi += if pi + 1 < p.len() { 2 } else { 1 };
                        ti += 1;
                        continue;
                    }
                }
                c if ti < t.len()
                    && c != '?'
                    && c != '['
                    && c != '\\'
                    && fold(c, cf) == fold(t[ti], cf) =>
                {
                    pi += 1;
                    ti += 1;
                    continue;
                }
                _ => {}
            }
        } else if ti == t.len() {
            return true;
        }
        match star {
            Some((sp, st)) if st < t.len() => {
                star = Some((sp, st + 1));
                pi = sp;
                ti = st + 1;
            }
            _ => return false,
        }
    }
}

/// Evaluates the bracket expression starting at `p[start] == '['` against `c`: `Some((matched,
/// index after the closing bracket))`, or `None` when the bracket is not terminated.
fn bracket(p: &[char], start: usize, c: char, cf: bool) -> Option<(bool, usize)> {
    let mut i = start + 1;
    let negate = matches!(p.get(i), Some('!') | Some('^'));
    if negate {
        i += 1;
    }
    let c = fold(c, cf);
    let mut matched = false;
    let mut first = true;
    loop {
        let ch = *p.get(i)?;
        if ch == ']' && !first {
            i += 1;
            break;
        }
        first = false;
        if ch == '[' && p.get(i + 1) == Some(&':') {
            if let Some(end) =
                (i + 2..p.len().saturating_sub(1)).find(|&j| p[j] == ':' && p[j + 1] == ']')
            {
                let class: String = p[i + 2..end].iter().collect();
                if class_matches(&class, c) {
                    matched = true;
                }
                i = end + 2;
                continue;
            }
        }
        let lo = if ch == '\\' && i + 1 < p.len() {
            i += 1;
            p[i]
        } else {
            ch
        };
        i += 1;
        if p.get(i) == Some(&'-') && p.get(i + 1).is_some_and(|&n| n != ']') {
            let mut hi = p[i + 1];
            i += 2;
            if hi == '\\' {
                hi = *p.get(i)?;
                i += 1;
            }
            let (lo, hi) = (fold(lo, cf), fold(hi, cf));
            if lo <= c && c <= hi {
                matched = true;
            }
        } else if fold(lo, cf) == c {
            matched = true;
        }
    }
    Some((matched != negate, i))
}

fn class_matches(class: &str, c: char) -> bool {
    match class {
        "alnum" => c.is_alphanumeric(),
        "alpha" => c.is_alphabetic(),
        "blank" => c == ' ' || c == '\t',
        "cntrl" => c.is_control(),
        "digit" => c.is_ascii_digit(),
        "graph" => !c.is_control() && !c.is_whitespace(),
        "lower" => c.is_lowercase(),
        "print" => !c.is_control(),
        "punct" => c.is_ascii_punctuation(),
        "space" => c.is_whitespace(),
        "upper" => c.is_uppercase(),
        "xdigit" => c.is_ascii_hexdigit(),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::fnmatch;

    #[test]
    fn table() {
        let cases: &[(&str, &str, bool, bool)] = &[
            ("*", "", false, true),
            ("*", "anything/at all", false, true),
            ("a*", "abc", false, true),
            ("a*", "bac", false, false),
            ("*c", "abc", false, true),
            ("a*c", "ac", false, true),
            ("a*c", "abbbc", false, true),
            ("a*c", "abbbd", false, false),
            ("a?c", "abc", false, true),
            ("a?c", "ac", false, false),
            ("?", "", false, false),
            ("[abc]", "b", false, true),
            ("[abc]", "d", false, false),
            ("[!abc]", "d", false, true),
            ("[^abc]", "a", false, false),
            ("[a-c]x", "bx", false, true),
            ("[a-c]x", "dx", false, false),
            ("[]]", "]", false, true),
            ("[!]]", "a", false, true),
            ("[a-]", "-", false, true),
            ("[[:digit:]]*", "5abc", false, true),
            ("[[:digit:]]*", "abc", false, false),
            ("[[:upper:]]", "Q", false, true),
            ("[", "[", false, true),
            ("[ab", "[ab", false, true),
            ("\\*", "*", false, true),
            ("\\*", "a", false, false),
            ("a\\", "a\\", false, true),
            ("ABC", "abc", false, false),
            ("ABC", "abc", true, true),
            ("[A-C]", "b", true, true),
            ("*.rs", "main.rs", false, true),
            ("*.rs", "main.rc", false, false),
            ("*a*b*c*", "xxaxxbxxcxx", false, true),
            ("*a*b*c*", "xxaxxcxxbxx", false, false),
            ("héllo*", "héllo wörld", false, true),
            ("h?llo", "héllo", false, true),
            ("h??llo", "héllo", false, false),
            ("h?llo", "hallo", false, true),
            ("", "", false, true),
            ("", "a", false, false),
        ];
        for (p, t, cf, want) in cases {
            assert_eq!(fnmatch(p, t, *cf), *want, "fnmatch({p:?}, {t:?}, {cf})");
        }
    }
}
