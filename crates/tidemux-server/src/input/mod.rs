//! Input going into a pane: key names to bytes.

pub mod keys;
