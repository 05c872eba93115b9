//! tmux 3.3a's style syntax (style.c `style_parse`, colour.c `colour_fromstring`, attributes.c
//! `attributes_fromstring`), to refuse a bad value of a style option as tmux does (`invalid
//! style: X`). Values with a format (`#{`) are not checked, as in tmux.

/// X11 colour names tmux knows (colour.c `colour_byname`), lower case, without the ones with
/// spaces (a style cannot hold them) and the `grey`/`gray` ones (a rule).
const X11_NAMES: &[&str] = &[
    "aliceblue",
    "antiquewhite",
    "antiquewhite1",
    "antiquewhite2",
    "antiquewhite3",
    "antiquewhite4",
    "aqua",
    "aquamarine",
    "aquamarine1",
    "aquamarine2",
    "aquamarine3",
    "aquamarine4",
    "azure",
    "azure1",
    "azure2",
    "azure3",
    "azure4",
    "beige",
    "bisque",
    "bisque1",
    "bisque2",
    "bisque3",
    "bisque4",
    "black",
    "blanchedalmond",
    "blue",
    "blue1",
    "blue2",
    "blue3",
    "blue4",
    "blueviolet",
    "brown",
    "brown1",
    "brown2",
    "brown3",
    "brown4",
    "burlywood",
    "burlywood1",
    "burlywood2",
    "burlywood3",
    "burlywood4",
    "cadetblue",
    "cadetblue1",
    "cadetblue2",
    "cadetblue3",
    "cadetblue4",
    "chartreuse",
    "chartreuse1",
    "chartreuse2",
    "chartreuse3",
    "chartreuse4",
    "chocolate",
    "chocolate1",
    "chocolate2",
    "chocolate3",
    "chocolate4",
    "coral",
    "coral1",
    "coral2",
    "coral3",
    "coral4",
    "cornflowerblue",
    "cornsilk",
    "cornsilk1",
    "cornsilk2",
    "cornsilk3",
    "cornsilk4",
    "crimson",
    "cyan",
    "cyan1",
    "cyan2",
    "cyan3",
    "cyan4",
    "darkblue",
    "darkcyan",
    "darkgoldenrod",
    "darkgoldenrod1",
    "darkgoldenrod2",
    "darkgoldenrod3",
    "darkgoldenrod4",
    "darkgray",
    "darkgreen",
    "darkgrey",
    "darkkhaki",
    "darkmagenta",
    "darkolivegreen",
    "darkolivegreen1",
    "darkolivegreen2",
    "darkolivegreen3",
    "darkolivegreen4",
    "darkorange",
    "darkorange1",
    "darkorange2",
    "darkorange3",
    "darkorange4",
    "darkorchid",
    "darkorchid1",
    "darkorchid2",
    "darkorchid3",
    "darkorchid4",
    "darkred",
    "darksalmon",
    "darkseagreen",
    "darkseagreen1",
    "darkseagreen2",
    "darkseagreen3",
    "darkseagreen4",
    "darkslateblue",
    "darkslategray",
    "darkslategray1",
    "darkslategray2",
    "darkslategray3",
    "darkslategray4",
    "darkslategrey",
    "darkturquoise",
    "darkviolet",
    "deeppink",
    "deeppink1",
    "deeppink2",
    "deeppink3",
    "deeppink4",
    "deepskyblue",
    "deepskyblue1",
    "deepskyblue2",
    "deepskyblue3",
    "deepskyblue4",
    "dimgray",
    "dimgrey",
    "dodgerblue",
    "dodgerblue1",
    "dodgerblue2",
    "dodgerblue3",
    "dodgerblue4",
    "firebrick",
    "firebrick1",
    "firebrick2",
    "firebrick3",
    "firebrick4",
    "floralwhite",
    "forestgreen",
    "fuchsia",
    "gainsboro",
    "ghostwhite",
    "gold",
    "gold1",
    "gold2",
    "gold3",
    "gold4",
    "goldenrod",
    "goldenrod1",
    "goldenrod2",
    "goldenrod3",
    "goldenrod4",
    "green",
    "green1",
    "green2",
    "green3",
    "green4",
    "greenyellow",
    "honeydew",
    "honeydew1",
    "honeydew2",
    "honeydew3",
    "honeydew4",
    "hotpink",
    "hotpink1",
    "hotpink2",
    "hotpink3",
    "hotpink4",
    "indianred",
    "indianred1",
    "indianred2",
    "indianred3",
    "indianred4",
    "indigo",
    "ivory",
    "ivory1",
    "ivory2",
    "ivory3",
    "ivory4",
    "khaki",
    "khaki1",
    "khaki2",
    "khaki3",
    "khaki4",
    "lavender",
    "lavenderblush",
    "lavenderblush1",
    "lavenderblush2",
    "lavenderblush3",
    "lavenderblush4",
    "lawngreen",
    "lemonchiffon",
    "lemonchiffon1",
    "lemonchiffon2",
    "lemonchiffon3",
    "lemonchiffon4",
    "lightblue",
    "lightblue1",
    "lightblue2",
    "lightblue3",
    "lightblue4",
    "lightcoral",
    "lightcyan",
    "lightcyan1",
    "lightcyan2",
    "lightcyan3",
    "lightcyan4",
    "lightgoldenrod",
    "lightgoldenrod1",
    "lightgoldenrod2",
    "lightgoldenrod3",
    "lightgoldenrod4",
    "lightgoldenrodyellow",
    "lightgray",
    "lightgreen",
    "lightgrey",
    "lightpink",
    "lightpink1",
    "lightpink2",
    "lightpink3",
    "lightpink4",
    "lightsalmon",
    "lightsalmon1",
    "lightsalmon2",
    "lightsalmon3",
    "lightsalmon4",
    "lightseagreen",
    "lightskyblue",
    "lightskyblue1",
    "lightskyblue2",
    "lightskyblue3",
    "lightskyblue4",
    "lightslateblue",
    "lightslategray",
    "lightslategrey",
    "lightsteelblue",
    "lightsteelblue1",
    "lightsteelblue2",
    "lightsteelblue3",
    "lightsteelblue4",
    "lightyellow",
    "lightyellow1",
    "lightyellow2",
    "lightyellow3",
    "lightyellow4",
    "lime",
    "limegreen",
    "linen",
    "magenta",
    "magenta1",
    "magenta2",
    "magenta3",
    "magenta4",
    "maroon",
    "maroon1",
    "maroon2",
    "maroon3",
    "maroon4",
    "mediumaquamarine",
    "mediumblue",
    "mediumorchid",
    "mediumorchid1",
    "mediumorchid2",
    "mediumorchid3",
    "mediumorchid4",
    "mediumpurple",
    "mediumpurple1",
    "mediumpurple2",
    "mediumpurple3",
    "mediumpurple4",
    "mediumseagreen",
    "mediumslateblue",
    "mediumspringgreen",
    "mediumturquoise",
    "mediumvioletred",
    "midnightblue",
    "mintcream",
    "mistyrose",
    "mistyrose1",
    "mistyrose2",
    "mistyrose3",
    "mistyrose4",
    "moccasin",
    "navajowhite",
    "navajowhite1",
    "navajowhite2",
    "navajowhite3",
    "navajowhite4",
    "navy",
    "navyblue",
    "oldlace",
    "olive",
    "olivedrab",
    "olivedrab1",
    "olivedrab2",
    "olivedrab3",
    "olivedrab4",
    "orange",
    "orange1",
    "orange2",
    "orange3",
    "orange4",
    "orangered",
    "orangered1",
    "orangered2",
    "orangered3",
    "orangered4",
    "orchid",
    "orchid1",
    "orchid2",
    "orchid3",
    "orchid4",
    "palegoldenrod",
    "palegreen",
    "palegreen1",
    "palegreen2",
    "palegreen3",
    "palegreen4",
    "paleturquoise",
    "paleturquoise1",
    "paleturquoise2",
    "paleturquoise3",
    "paleturquoise4",
    "palevioletred",
    "palevioletred1",
    "palevioletred2",
    "palevioletred3",
    "palevioletred4",
    "papayawhip",
    "peachpuff",
    "peachpuff1",
    "peachpuff2",
    "peachpuff3",
    "peachpuff4",
    "peru",
    "pink",
    "pink1",
    "pink2",
    "pink3",
    "pink4",
    "plum",
    "plum1",
    "plum2",
    "plum3",
    "plum4",
    "powderblue",
    "purple",
    "purple1",
    "purple2",
    "purple3",
    "purple4",
    "rebeccapurple",
    "red",
    "red1",
    "red2",
    "red3",
    "red4",
    "rosybrown",
    "rosybrown1",
    "rosybrown2",
    "rosybrown3",
    "rosybrown4",
    "royalblue",
    "royalblue1",
    "royalblue2",
    "royalblue3",
    "royalblue4",
    "saddlebrown",
    "salmon",
    "salmon1",
    "salmon2",
    "salmon3",
    "salmon4",
    "sandybrown",
    "seagreen",
    "seagreen1",
    "seagreen2",
    "seagreen3",
    "seagreen4",
    "seashell",
    "seashell1",
    "seashell2",
    "seashell3",
    "seashell4",
    "sienna",
    "sienna1",
    "sienna2",
    "sienna3",
    "sienna4",
    "silver",
    "skyblue",
    "skyblue1",
    "skyblue2",
    "skyblue3",
    "skyblue4",
    "slateblue",
    "slateblue1",
    "slateblue2",
    "slateblue3",
    "slateblue4",
    "slategray",
    "slategray1",
    "slategray2",
    "slategray3",
    "slategray4",
    "slategrey",
    "snow",
    "snow1",
    "snow2",
    "snow3",
    "snow4",
    "springgreen",
    "springgreen1",
    "springgreen2",
    "springgreen3",
    "springgreen4",
    "steelblue",
    "steelblue1",
    "steelblue2",
    "steelblue3",
    "steelblue4",
    "tan",
    "tan1",
    "tan2",
    "tan3",
    "tan4",
    "teal",
    "thistle",
    "thistle1",
    "thistle2",
    "thistle3",
    "thistle4",
    "tomato",
    "tomato1",
    "tomato2",
    "tomato3",
    "tomato4",
    "turquoise",
    "turquoise1",
    "turquoise2",
    "turquoise3",
    "turquoise4",
    "violet",
    "violetred",
    "violetred1",
    "violetred2",
    "violetred3",
    "violetred4",
    "webgray",
    "webgreen",
    "webgrey",
    "webmaroon",
    "webpurple",
    "wheat",
    "wheat1",
    "wheat2",
    "wheat3",
    "wheat4",
    "white",
    "whitesmoke",
    "x11gray",
    "x11green",
    "x11grey",
    "x11maroon",
    "x11purple",
    "yellow",
    "yellow1",
    "yellow2",
    "yellow3",
    "yellow4",
    "yellowgreen",
];

/// Attribute names (attributes.c).
const ATTRIBUTES: &[&str] = &[
    "acs",
    "bright",
    "bold",
    "dim",
    "underscore",
    "blink",
    "reverse",
    "hidden",
    "italics",
    "strikethrough",
    "double-underscore",
    "curly-underscore",
    "dotted-underscore",
    "dashed-underscore",
    "overline",
];

/// tmux `colour_fromstring`: whether `s` names a colour.
pub fn valid_colour(s: &str) -> bool {
    let lower = s.to_ascii_lowercase();
    if let Some(hex) = s.strip_prefix('#') {
        return hex.len() == 6 && hex.bytes().all(|b| b.is_ascii_hexdigit());
    }
    for p in ["colour", "color"] {
        if let Some(n) = lower.strip_prefix(p) {
            return n.parse::<u16>().is_ok_and(|n| n <= 255) && !n.starts_with('+');
        }
    }
    const BASIC: &[&str] = &[
        "default", "terminal", "black", "red", "green", "yellow", "blue", "magenta", "cyan",
        "white",
    ];
    if BASIC.contains(&lower.as_str()) {
        return true;
    }
    if let Some(b) = lower.strip_prefix("bright") {
        if BASIC[2..].contains(&b) {
            return true;
        }
    }
    if matches!(
        s,
        "0" | "1"
            | "2"
            | "3"
            | "4"
            | "5"
            | "6"
            | "7"
            | "90"
            | "91"
            | "92"
            | "93"
            | "94"
            | "95"
            | "96"
            | "97"
            | "100"
            | "101"
            | "102"
            | "103"
            | "104"
            | "105"
            | "106"
            | "107"
    ) {
        return true;
    }
    // colour_byname: `grey`/`gray` (case-sensitive), optionally with a percentage.
    if let Some(rest) = s.strip_prefix("grey").or_else(|| s.strip_prefix("gray")) {
        if !rest.starts_with(|c: char| c.is_ascii_digit()) {
            return true;
        }
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        let n: f64 = digits.parse().unwrap_or(f64::MAX);
        return (2.55 * n).round() <= 255.0;
    }
    X11_NAMES.binary_search(&lower.as_str()).is_ok()
}

/// tmux `attributes_fromstring`: attribute names joined by ` `, `,` or `|`.
fn valid_attributes(s: &str) -> bool {
    let delim = |c: char| matches!(c, ' ' | ',' | '|');
    if s.is_empty() || s.starts_with(delim) || s.ends_with(delim) {
        return false;
    }
    if s.eq_ignore_ascii_case("default") || s.eq_ignore_ascii_case("none") {
        return true;
    }
    s.split(delim)
        .filter(|t| !t.is_empty())
        .all(|t| ATTRIBUTES.iter().any(|a| a.eq_ignore_ascii_case(t)))
}

/// tmux `style_parse`: whether `s` is a valid style (tokens separated by spaces, commas or
/// newlines).
pub fn valid_style(s: &str) -> bool {
    s.split([' ', ',', '\n'])
        .filter(|t| !t.is_empty())
        .all(valid_token)
}

fn valid_token(t: &str) -> bool {
    let l = t.to_ascii_lowercase();
    if t.len() > 255 {
        return false;
    }
    if matches!(
        l.as_str(),
        "default"
            | "ignore"
            | "noignore"
            | "push-default"
            | "pop-default"
            | "nolist"
            | "norange"
            | "noalign"
            | "none"
    ) {
        return true;
    }
    if let Some(v) = l.strip_prefix("list=") {
        return matches!(v, "on" | "focus" | "left-marker" | "right-marker");
    }
    if t.len() > 6 {
        if let Some(v) = l.strip_prefix("range=") {
            let (kind, arg) = match v.split_once('|') {
                Some((k, a)) => (k, Some(a)),
                None => (v, None),
            };
            if let Some(a) = arg {
                if a.is_empty() || !a.bytes().all(|b| b.is_ascii_digit()) {
                    return false;
                }
            }
            return match kind {
                "left" | "right" => arg.is_none(),
                "window" => arg.is_some(),
                _ => true,
            };
        }
        if let Some(v) = l.strip_prefix("align=") {
            return matches!(v, "left" | "centre" | "right" | "absolute-centre");
        }
    }
    if t.len() > 5 {
        if let Some(v) = t.get(5..).filter(|_| l.starts_with("fill=")) {
            return valid_colour(v);
        }
    }
    if t.len() > 3 && l.get(1..3) == Some("g=") {
        return matches!(l.as_bytes()[0], b'f' | b'b') && valid_colour(&t[3..]);
    }
    if t.len() > 2 && l.starts_with("no") {
        return valid_attributes(&t[2..]);
    }
    valid_attributes(t)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn styles_as_tmux_checks_them() {
        for ok in [
            "fg=red,bg=default,bold",
            "fg=colour240,bg=#525252,bold,underscore",
            "bg=brightblue nounderscore",
            "fg=AliceBlue,bg=grey50",
            "align=centre,fill=black,list=on,range=window|3",
            "",
            "none",
        ] {
            assert!(valid_style(ok), "{ok}");
        }
        for bad in [
            "invalid-style",
            "fg=nosuch",
            "fg=colour256",
            "bg=#12345",
            "align=middle",
            "range=left|1",
            "xg=red",
            "nobogus",
        ] {
            assert!(!valid_style(bad), "{bad}");
        }
    }

    #[test]
    fn every_default_style_is_valid() {
        for d in super::super::OPTIONS.iter().filter(|d| d.style) {
            assert!(
                d.default.contains("#{") || valid_style(d.default),
                "{}: {}",
                d.name,
                d.default
            );
        }
    }

    #[test]
    fn names_are_sorted() {
        assert!(X11_NAMES.windows(2).all(|w| w[0] < w[1]));
    }
}
