//! End-to-end tests: the real `tidemux` binary, a real server on a temp-dir socket, real
//! programs in real PTYs.

mod support;

mod agent;
mod api;
mod attach;
mod basics;
mod buffers;
mod cmdset_misc;
mod cmdset_more;
mod continuity;
mod copy;
mod environ;
mod faults;
mod formats;
mod fuzz_protocol;
mod hardening_client;
mod hardening_pane;
mod hooks_more;
mod install;
mod keys;
mod layouts;
mod options;
mod opts_act;
mod orch_docs;
mod orch_exit;
mod orch_input;
mod orch_schedule;
mod orch_states;
mod orch_tasks;
mod orch_wait;
mod panecmds;
mod programs;
mod readme;
mod status_format;
mod titles;
mod tmux_lang;
mod tmux_modes;
mod upgrade;
mod view;
mod view_config;
mod waitlock;
mod winsize;
