//! End-to-end tests: the real `tidemux` binary, a real server on a temp-dir socket, real
//! programs in real PTYs.

mod support;

mod agent;
mod api;
mod attach;
mod basics;
mod buffers;
mod cmdset_misc;
mod continuity;
mod environ;
mod faults;
mod formats;
mod fuzz_protocol;
mod hardening_client;
mod install;
mod options;
mod programs;
mod readme;
mod waitlock;
