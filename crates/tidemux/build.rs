//! Links the `tidemux` binary as a position-dependent executable (`-no-pie`).
//!
//! Why: a PIE of this size carries about 19,000 relative relocations that the dynamic loader
//! applies at every start, writing (and so faulting in, one 4 KiB page at a time) the whole
//! `.data.rel.ro` section, about 360 KiB, before `main`; every one-shot CLI command paid for it
//! (issue 9, "CLI start-up"). A non-PIE executable has those addresses fixed at link time, so
//! they need no relocation. The code itself is compiled position-independent as usual, which
//! links fine into a non-PIE executable. Only Linux with a GNU-compatible linker driver (`cc`)
//! is concerned; elsewhere nothing changes. Measured (`perf stat -e page-faults -r 40
//! tidemux -V`): 350 page faults as a PIE, 262 without.
//!
//! Also orders the functions a server runs first in the text section
//! (`--symbol-ordering-file=link/symbol-order.txt`, made by `benches/symbol_order.py`).
//! Why (issue 9, row F): most of an idle server's resident memory is the binary's code pages
//! it has executed, and the kernel maps code 64 KiB at a time around each page fault; the
//! ~1.7 MB of functions a server runs were spread over about 120 such windows of a 9 MB text
//! section, so 6-7 MiB of code stayed resident. Listed together they take about 27 windows.
//! The option is lld's, the default linker of Rust (1.90 and later) for
//! x86_64-unknown-linux-gnu; only that target gets it, and `TIDEMUX_NO_SYMBOL_ORDER=1` turns it
//! off (for a build that links with another linker). Names the binary does not define (a stale
//! list) are skipped silently.

fn main() {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
        static_libgcc();
    }
    let target = std::env::var("TARGET").unwrap_or_default();
    let off = std::env::var_os("TIDEMUX_NO_SYMBOL_ORDER").is_some_and(|v| !v.is_empty());
    let dir = std::path::PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap_or_default());
    let order = dir.join("link").join("symbol-order.txt");
    if target == "x86_64-unknown-linux-gnu" && !off && order.is_file() {
        println!(
            "cargo:rustc-link-arg-bins=-Wl,--symbol-ordering-file={}",
            order.display()
        );
        println!("cargo:rustc-link-arg-bins=-Wl,--no-warn-symbol-ordering");
    }
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=link/symbol-order.txt");
    println!("cargo:rerun-if-env-changed=TIDEMUX_NO_SYMBOL_ORDER");
}

/// Links the unwinder statically (libgcc_eh, as `-static-libgcc` does), so that the
/// executable needs no `libgcc_s.so.1` at run time. (The other library it no longer needs,
/// `libm.so.6`, goes away because the binary defines `pow`, the one function it used from it:
/// see `crates/tidemux/src/pow.rs`.)
///
/// Why (issue 9, CLI start-up): every shared library the dynamic loader maps costs a one-shot
/// command about 0.1 ms (open, mmap of four segments, symbol lookups, page faults); libgcc_s
/// was there only for Rust's unwinder (panics, backtraces). Measured on this VM with a C
/// program with and without `libm` and `libgcc_s`: 0.68 against 0.89 ms per run (interleaved,
/// 1,000 runs each).
///
/// How: rustc asks the linker for `-lgcc_s`; a directory searched first holds a `libgcc_s.so`
/// that is a linker script naming the static archive instead. Only when the C compiler driver
/// knows the archive (`cc -print-file-name=libgcc_eh.a` gives an existing file); otherwise
/// nothing changes and the binary uses the shared library as before.
/// `TIDEMUX_DYNAMIC_LIBGCC=1` turns it off.
fn static_libgcc() {
    println!("cargo:rerun-if-env-changed=TIDEMUX_DYNAMIC_LIBGCC");
    println!("cargo:rerun-if-env-changed=CC");
    if std::env::var_os("TIDEMUX_DYNAMIC_LIBGCC").is_some_and(|v| !v.is_empty()) {
        return;
    }
    let cc = std::env::var("CC").unwrap_or_else(|_| "cc".into());
    let Some(eh) = std::process::Command::new(&cc)
        .arg("-print-file-name=libgcc_eh.a")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| std::path::PathBuf::from(s.trim()))
        .filter(|p| p.is_absolute() && p.is_file())
    else {
        return;
    };
    let Some(out) = std::env::var_os("OUT_DIR").map(std::path::PathBuf::from) else {
        return;
    };
    let dir = out.join("static-libgcc");
    let script = format!("INPUT({})\n", eh.canonicalize().unwrap_or(eh).display());
    if std::fs::create_dir_all(&dir).is_ok()
        && std::fs::write(dir.join("libgcc_s.so"), script).is_ok()
    {
        println!("cargo:rustc-link-arg-bins=-L{}", dir.display());
    }
}
