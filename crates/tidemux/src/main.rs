// The `tidemux` binary: the scripting CLI, and `tidemux server` (the program is in program.rs,
// which `protocol_bump.rs` includes too).
//
// `no_main` on Linux with glibc: the process starts in program.rs's `extern "C" fn main`, not
// through Rust's runtime start-up (see there, and docs/architecture.md, "A one-shot command's
// start-up"). Elsewhere `fn main` as usual.

#![cfg_attr(all(not(test), target_os = "linux", target_env = "gnu"), no_main)]

include!("program.rs");
