#!/usr/bin/env python3
"""Writes the synthetic and seeded random streams of the differential screen suite.

    python3 tests/screen/gen_synthetic.py     # rewrites tests/screen/corpus/{synthetic,random}/

Each synthetic stream exercises one sequence group (its name starts with the group); sources for
what each sequence does: xterm ctlseqs, ECMA-48, and tmux 3.3a input.c / screen-write.c. A
resize in the middle of a stream is `ESC _ tidemux:resize=COLSxROWS ESC \\` (see main.rs).
The streams are committed, so the suite does not need Python; rerun this after editing it.
"""

import os
import random
import shutil

HERE = os.path.dirname(os.path.abspath(__file__))
ESC = "\x1b"
CSI = ESC + "["


def resize(cols, rows):
    return f"{ESC}_tidemux:resize={cols}x{rows}{ESC}\\"


def fill(rows=24, cols=80, ch=None):
    """A full screen of distinct lines (row number + letters), cursor home afterwards."""
    out = []
    for r in range(rows):
        line = f"{r:02d}" + "".join(chr(ord("a") + (r + c) % 26) for c in range(cols - 2))
        out.append(line[:cols])
    return CSI + "H" + "\r\n".join(out) + CSI + "H"


def lines(n, width=30, prefix="line"):
    return "".join(f"{prefix} {i:03d} " + "x" * (width - 9) + "\r\n" for i in range(n))


S = {}


def add(name, text):
    assert name not in S, name
    S[name] = text


# IND / NEL / RI (ESC D, ESC E, ESC M)
add("ind_basic", "abc" + ESC + "Ddef" + ESC + "Dghi")
add("ind_bottom_scrolls", fill() + CSI + "24;5H" + ESC + "D" + ESC + "Dtail")
add("nel_basic", "abc" + ESC + "Edef" + ESC + "Eghi")
add("nel_bottom_scrolls", fill() + CSI + "24;5H" + ESC + "E" + ESC + "Etail")
add("ind_in_region", fill() + CSI + "5;10r" + CSI + "10;3H" + ESC + "D" + ESC + "Dx" + CSI + "r")
add("ri_top_scrolls", fill() + CSI + "H" + ESC + "M" + ESC + "Mtop")
add("ri_in_region", fill() + CSI + "5;10r" + CSI + "5;3H" + ESC + "M" + ESC + "Mx" + CSI + "r")
add("ind_below_region", fill() + CSI + "5;10r" + CSI + "24;3H" + ESC + "D" + ESC + "Dy")

# IRM insert mode (CSI 4 h / l)
add("irm_insert_middle", "hello world" + CSI + "1;7H" + CSI + "4hbig " + CSI + "4lX")
add("irm_push_off_edge", "x" * 78 + "yz" + CSI + "1;10H" + CSI + "4hINS" + CSI + "4l")
add("irm_wide", "abcdef" + CSI + "1;3H" + CSI + "4h日本" + CSI + "4l")
add("irm_line_wrap", CSI + "1;75H" + "abcde" + CSI + "1;70H" + CSI + "4hXYZ0123456789" + CSI + "4l")
add("irm_with_attrs", "plain text" + CSI + "1;3H" + CSI + "4h" + CSI + "1;31mRED" + CSI + "0m" + CSI + "4l")

# Tab stops: HT, HTS (ESC H), TBC (CSI g, CSI 3 g), CHT (CSI I), CBT (CSI Z)
add("tab_default", "a\tb\tc\td\r\n\t\t\t\t\t\t\t\t\t\t\tend")
add("tab_hts", CSI + "1;4H" + ESC + "H" + CSI + "1;13H" + ESC + "H" + "\r\ta\tb\tc")
add("tab_tbc0", CSI + "1;9H" + CSI + "g" + "\r\tx\ty")
add("tab_tbc3", CSI + "3g" + "\r\tx" + "\r\n" + CSI + "1;5H" + ESC + "H\r\n\tq")
add("tab_cht", "\r" + CSI + "3Ia" + CSI + "Ib" + CSI + "20Ic")
add("tab_cbt", CSI + "1;50H" + CSI + "2Za" + CSI + "Zb" + CSI + "9Zc")
add("tab_at_edge", CSI + "1;79H\tX" + CSI + "2;80H\tY")
add("tab_after_resize", CSI + "3g" + CSI + "1;6H" + ESC + "H" + resize(100, 24) + "\r\ta\tb\tc")
add("tab_keeps_text", "0123456789abcdefghij\r\tX\tY")

# DECAWM off (CSI ? 7 l)
add("decawm_off_overwrite", CSI + "?7l" + "x" * 85 + "END")
add("decawm_off_wide_edge", CSI + "?7l" + "x" * 79 + "日本" + CSI + "2;1H" + "y" * 78 + "日")
add("decawm_on_again", CSI + "?7l" + "a" * 82 + CSI + "?7h" + CSI + "2;1H" + "b" * 82)
add("decawm_off_pending", "z" * 80 + CSI + "?7l" + "Q")

# DEC special graphics, SO/SI
add("charset_g0_linedraw", ESC + "(0lqqqk\r\nx   x\r\nmqqqj" + ESC + "(B after")
add("charset_all", ESC + "(0" + "".join(chr(c) for c in range(0x5F, 0x7F)) + ESC + "(B")
add("charset_so_si", ESC + ")0" + "a\x0eqqq\x0fb\x0elk\x0fc")
add("charset_ris_resets", ESC + "(0qqq" + ESC + "cqqq")
add("charset_save_restore", ESC + "(0" + ESC + "7" + ESC + "(Bqq" + ESC + "8qq")
add("charset_uk", ESC + "(A#abc" + ESC + "(B#")
add("charset_dialog_box", CSI + "2;3H" + ESC + "(0" + "l" + "q" * 20 + "k" + CSI + "3;3Hx" + CSI + "3;24Hx" + CSI + "4;3Hm" + "q" * 20 + "j" + ESC + "(B" + CSI + "3;5HHello")

# DECALN (ESC # 8)
add("decaln", "text" + ESC + "#8")
add("decaln_region", CSI + "5;10r" + ESC + "#8" + "\r\nafter")
add("decaln_attrs", CSI + "1;44m" + ESC + "#8" + CSI + "0m" + CSI + "3;3Hx")

# Alternate screen 47 / 1047 / 1049
add("alt_1049_basic", "main text\r\nline2" + CSI + "?1049halt" + CSI + "5;5Hmore" + CSI + "?1049l")
add("alt_1049_cursor", CSI + "3;7Hmain" + CSI + "?1049h" + CSI + "10;10Halt" + CSI + "?1049lX")
add("alt_1049_in_alt", "main" + CSI + "?1049h" + "alt1" + CSI + "?1049h" + "alt2")
add("alt_1049_twice_out", "main" + CSI + "?1049h" + "alt1" + CSI + "?1049l" + CSI + "?1049lY")
add("alt_47", "main" + CSI + "?47h" + CSI + "2;2Halt" + CSI + "?47l" + "Z")
add("alt_47_keeps", "main" + CSI + "?47h" + "alt" + CSI + "?47l" + CSI + "?47h" + "Q")
add("alt_1047", "main" + CSI + "?1047h" + CSI + "4;4Halt" + CSI + "?1047l" + "Z")
add("alt_1047_clears", "main" + CSI + "?1047h" + "alt" + CSI + "?1047l" + CSI + "?1047h" + "Q")
add("alt_1048_save", CSI + "5;5H" + CSI + "?1048h" + CSI + "1;1Hx" + CSI + "?1048lY")
add("alt_decsc_shared", CSI + "4;4H" + ESC + "7" + CSI + "?1049h" + CSI + "8;8H" + ESC + "8A" + CSI + "?1049lB")
add("alt_1049_attrs", CSI + "31m" + "red" + CSI + "?1049h" + CSI + "0mplain" + CSI + "?1049l" + "after")
add("alt_resize", "main" + CSI + "?1049h" + "alt" + resize(60, 20) + "x" + CSI + "?1049l" + "y")
add("alt_scroll_region", CSI + "?1049h" + CSI + "3;5r" + CSI + "?1049l" + CSI + "24;1H\n\nz")

# Cursor save / restore: ESC 7 / ESC 8, CSI s / CSI u (one slot)
add("decsc_basic", CSI + "5;10H" + ESC + "7" + CSI + "1;1Hx" + ESC + "8y")
add("csi_s_u", CSI + "5;10H" + CSI + "s" + CSI + "1;1Hx" + CSI + "uy")
add("decsc_csi_u_shared", CSI + "5;10H" + ESC + "7" + CSI + "1;1Hx" + CSI + "uy")
add("csi_s_decrc_shared", CSI + "6;12H" + CSI + "s" + CSI + "1;1Hx" + ESC + "8y")
add("decsc_attrs", CSI + "1;32m" + ESC + "7" + CSI + "0mplain" + ESC + "8bold-green" + CSI + "0m")
add("decrc_without_save", CSI + "5;5Hx" + ESC + "8y")
add("decsc_origin", CSI + "5;10r" + CSI + "?6h" + ESC + "7" + CSI + "?6l" + CSI + "r" + ESC + "8x" + CSI + "Hy")
add("decsc_charset", ESC + "(0" + ESC + "7" + ESC + "(B" + ESC + "8q")

# Reflow on resize, DECSC across a shrinking resize
add("reflow_narrow", "A" * 70 + "B" * 50 + "\r\nshort\r\n" + "C" * 100 + resize(40, 24))
add("reflow_wide", "A" * 70 + "B" * 50 + "\r\n" + "C" * 100 + resize(40, 24) + resize(120, 24))
add("reflow_rows_shrink", lines(20) + resize(80, 10))
add("reflow_rows_grow", lines(30) + resize(80, 30))
add("reflow_cursor_mid", "X" * 150 + CSI + "1;40H" + resize(50, 24) + "Y")
add("decsc_shrink", lines(20) + CSI + "15;20H" + ESC + "7" + resize(80, 10) + ESC + "8Z")
add("decsc_narrow", CSI + "3;70H" + ESC + "7" + resize(40, 24) + ESC + "8Z")
add("reflow_wide_chars", "日本語" * 20 + resize(33, 24))
add("resize_pending_wrap", "q" * 80 + resize(60, 24) + "Z")
add("resize_shrink_both", lines(24, 70) + resize(50, 12) + "end")
add("reflow_attrs", CSI + "44m" + "B" * 100 + CSI + "0m" + resize(30, 24))

# Invalid UTF-8
add("utf8_invalid_lead", "a\xffb\xfec")
add("utf8_lone_continuation", "a\x80\x80b")
add("utf8_truncated", "a\xe6\x97b\xe6c")
add("utf8_overlong", "a\xc0\xafb\xe0\x80\xafc")
add("utf8_surrogate", "a\xed\xa0\x80b")
add("utf8_uffff", "a\xef\xbf\xbfb\xef\xbf\xbec")
add("utf8_fffd_literal", "a\xef\xbf\xbdb")
add("utf8_c1_encoded", "a\xc2\x85b\xc2\x9bc")
add("utf8_four_byte", "a\xf0\x9f\x98\x80b\xf4\x90\x80\x80c")

# Wide characters at the right edge, combining characters
add("wide_right_edge", "x" * 79 + "日z")
add("wide_exact_fit", "x" * 78 + "日z")
add("wide_overwrite_left", "日本" + CSI + "1;1Hx")
add("wide_overwrite_right", "日本" + CSI + "1;2Hx")
add("wide_combining", "e\u0301a\u0308 " + "日\u0301")
add("wide_emoji", "a\U0001F600b\U0001F44D\U0001F3FDc")
add("wide_zero_width_start", "\u0301x")
add("wide_in_narrow", resize(1, 5) + "日a日")
add("wide_ech_half", "日本語" + CSI + "1;2H" + CSI + "X")
add("wide_dch_half", "日本語" + CSI + "1;2H" + CSI + "P")
add("wide_ich_half", "日本語" + CSI + "1;2H" + CSI + "@")

# Titles: ESC k ... ESC \ (screen title), OSC 0/2
add("title_esc_k", "before" + ESC + "kmy title" + ESC + "\\after")
add("title_osc", "a" + ESC + "]0;t0\x07b" + ESC + "]2;t2" + ESC + "\\c")

# Scroll regions mixed with IL/DL
add("region_il", fill() + CSI + "5;15r" + CSI + "7;1H" + CSI + "2L" + "ins" + CSI + "r")
add("region_dl", fill() + CSI + "5;15r" + CSI + "7;1H" + CSI + "3M" + "del" + CSI + "r")
add("region_il_big", fill() + CSI + "5;15r" + CSI + "10;1H" + CSI + "50L" + CSI + "r")
add("region_dl_big", fill() + CSI + "5;15r" + CSI + "10;1H" + CSI + "50M" + CSI + "r")
add("region_su_sd", fill() + CSI + "5;15r" + CSI + "2S" + CSI + "1T" + CSI + "r")
add("region_lf_bottom", fill() + CSI + "5;15r" + CSI + "15;1H\n\n\nnew" + CSI + "r")
add("region_tui_redraw", fill() + CSI + "2;23r" + CSI + "23;1H" + "\n" * 3 + CSI + "2;1H" + CSI + "2L" + "top" + CSI + "23;1H" + CSI + "M" + CSI + "r" + CSI + "24;1Hstatus")
add("region_invalid", fill() + CSI + "10;5r" + "x" + CSI + "24;1H\nafter")
add("region_cursor_home", fill() + CSI + "5;10H" + CSI + "3;8r" + "h")
add("region_origin_mode", CSI + "5;10r" + CSI + "?6h" + CSI + "Horigin" + CSI + "20;1Hclamp" + CSI + "?6l" + CSI + "r")

# tmux quirks: IL/DL outside the region, ICH past the edge, writing on a wide char's right half
add("quirk_il_outside_region", fill() + CSI + "5;10r" + CSI + "20;1H" + CSI + "2L" + "x" + CSI + "r")
add("quirk_dl_outside_region", fill() + CSI + "5;10r" + CSI + "20;1H" + CSI + "2M" + "x" + CSI + "r")
add("quirk_il_above_region", fill() + CSI + "5;10r" + CSI + "2;1H" + CSI + "L" + "y" + CSI + "r")
add("quirk_ich_past_edge", "abcdefghij" + CSI + "1;3H" + CSI + "100@" + "X")
add("quirk_ich_exact", "abcdefghij" + CSI + "1;3H" + CSI + "78@" + "X")
add("quirk_dch_past_edge", "abcdefghij" + CSI + "1;3H" + CSI + "100P" + "X")
add("quirk_wide_right_half", "日本語" + CSI + "1;4HX")
add("quirk_wide_right_half_wide", "日本語" + CSI + "1;2H漢")

# Miscellaneous: erase with colour, SGR, movement
add("misc_ed_bce", fill() + CSI + "44m" + CSI + "10;10H" + CSI + "J" + CSI + "0m")
add("misc_el_bce", fill() + CSI + "41m" + CSI + "5;10H" + CSI + "K" + CSI + "6;10H" + CSI + "1K" + CSI + "7;1H" + CSI + "2K" + CSI + "0m")
add("misc_sgr_colors", "".join(f"{CSI}38;5;{i}m{i % 10}" for i in range(0, 256, 7)) + CSI + "0m\r\n" + CSI + "38;2;10;200;30mrgb" + CSI + "48;2;1;2;3mbg" + CSI + "0m" + CSI + "1;2;3;4;7mall" + CSI + "22;23;24;27mnone" + CSI + "0m" + CSI + "91;102mbright" + CSI + "m")
add("misc_sgr_colon", CSI + "38:5:196mred" + CSI + "38:2::1:2:3mrgb" + CSI + "4:3mcurly" + CSI + "0m")
add("misc_rep", "ab" + CSI + "5b" + "\r\n" + "日" + CSI + "3b")
add("misc_movement", CSI + "10;10HA" + CSI + "3AB" + CSI + "2BC" + CSI + "5CD" + CSI + "4DE" + CSI + "2EF" + CSI + "FG" + CSI + "30GH" + CSI + "12dI" + CSI + "5`J")
add("misc_clamp", CSI + "100;200Hx" + CSI + "0;0Hy" + CSI + "50Az" + CSI + "500Cw")
add("misc_bs_wrap", "x" * 80 + "\bY" + "\r\n" + "\b\bZ")
add("misc_cr_pending_wrap", "w" * 80 + "\rR")
add("misc_ris", fill() + CSI + "31m" + ESC + "cafter")
add("misc_ed3", lines(30) + CSI + "3J" + "x")
add("misc_ed1_ed2", fill() + CSI + "5;5H" + CSI + "1J" + CSI + "20;1Hx" + CSI + "2J" + "y")
add("misc_ech_dch", "abcdefghij" + CSI + "1;3H" + CSI + "2X" + CSI + "1;6H" + CSI + "2P")
add("misc_vt_ff", "a\x0bb\x0cc")
add("misc_c0_ignored", "a\x00\x01\x02\x03\x04\x05\x06b\x10\x11\x7fc")
add("misc_hide_cursor", CSI + "?25lhidden" + CSI + "5;5H")
add("misc_decstr", CSI + "4h" + CSI + "?7l" + CSI + "5;10r" + CSI + "!p" + "x" * 85)
add("misc_one_row", resize(20, 1) + "abc\r\ndef\r\n" + "x" * 25)
add("misc_long_lines", lines(60, 79))
add("misc_el_pending_wrap", "p" * 80 + CSI + "K" + "Q")
add("misc_cup_pending_wrap", "p" * 80 + CSI + "2;1HQ")
add("misc_dch_pending_wrap", "p" * 80 + CSI + "P" + "Q")
add("misc_su_sd_full", fill() + CSI + "3S" + CSI + "2T")

# Seeded random streams: random operations from every group, with resizes.
OPS = [
    lambda r: "".join(r.choice("abcdefgh ijk") for _ in range(r.randint(1, 120))),
    lambda r: r.choice(["\r\n", "\n", "\r", "\b", "\t", "\x0b"]),
    lambda r: f"{CSI}{r.randint(0, 30)};{r.randint(0, 90)}H",
    lambda r: f"{CSI}{r.randint(0, 5)}{r.choice('ABCDEFGd`')}",
    lambda r: f"{CSI}{r.choice(['', '0', '1', '2'])}{r.choice('JK')}",
    lambda r: f"{CSI}{r.randint(0, 4)}{r.choice('LMPX@ST')}",
    lambda r: f"{CSI}{r.choice(['0', '1', '4', '7', '31', '42', '38;5;100', '48;2;1;2;3', '22', '27'])}m",
    lambda r: f"{CSI}{r.randint(1, 12)};{r.randint(1, 26)}r",
    lambda r: r.choice([ESC + "D", ESC + "E", ESC + "M", ESC + "7", ESC + "8", CSI + "s", CSI + "u", ESC + "H"]),
    lambda r: r.choice([CSI + "4h", CSI + "4l", CSI + "?7l", CSI + "?7h", CSI + "g", CSI + "3g", CSI + "2I", CSI + "Z"]),
    lambda r: r.choice([ESC + "(0", ESC + "(B", "\x0e", "\x0f", ESC + ")0"]),
    lambda r: r.choice(["日本", "é", "e\u0301", "\U0001F600", "語"]),
    lambda r: r.choice([CSI + "?1049h", CSI + "?1049l", CSI + "?47h", CSI + "?47l", CSI + "?1047h", CSI + "?1047l"]),
    lambda r: resize(r.choice([40, 80, 120, 20]), r.choice([10, 24, 40, 5])),
]


def random_stream(seed, ops):
    r = random.Random(seed)
    out = []
    for _ in range(ops):
        out.append(r.choice(OPS)(r))
    return "".join(out)


def main():
    for group in ("synthetic", "random"):
        d = os.path.join(HERE, "corpus", group)
        shutil.rmtree(d, ignore_errors=True)
        os.makedirs(d)
    for name, text in S.items():
        with open(os.path.join(HERE, "corpus", "synthetic", name + ".stream"), "wb") as f:
            # utf8_* streams spell raw (often invalid) bytes as \xNN: write them byte for byte.
            f.write(text.encode("latin-1") if name.startswith("utf8") else text.encode("utf-8"))
    for i in range(20):
        size = "" if i % 2 == 0 else resize(120, 40)
        with open(os.path.join(HERE, "corpus", "random", f"seed{i:02d}.stream"), "wb") as f:
            f.write((size + random_stream(1000 + i, 60 + 10 * i)).encode("utf-8"))
    print(f"{len(S)} synthetic, 20 random streams")


if __name__ == "__main__":
    main()
