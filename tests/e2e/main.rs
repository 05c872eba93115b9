//! End-to-end tests: the real `tidemux` binary, a real server on a temp-dir socket, real
//! programs in real PTYs.

mod support;

mod agent;
mod attach;
mod basics;
mod faults;
mod hardening_pane;
mod programs;
