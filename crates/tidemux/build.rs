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

fn main() {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
