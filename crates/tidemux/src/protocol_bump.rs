//! `tidemux-protocol-bump`: the `tidemux` program built with the feature `test-protocol-bump`,
//! so that it speaks the next protocol major version (`tidemux_proto::codec::PROTOCOL_BUMP`)
//! as a future incompatible build would. Only the end-to-end test of the mismatch fallback
//! builds it (`docs/continuity.md`): every normal server answers it with a version mismatch.

#![cfg_attr(all(not(test), target_os = "linux", target_env = "gnu"), no_main)]

include!("program.rs");
