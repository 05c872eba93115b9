//! The error type of command handlers: a class callers branch on plus one line for humans.

use tidemux_proto::{ErrorKind, ErrorReply, Response};

/// A failed command.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct CmdError {
    /// Class.
    pub kind: ErrorKind,
    /// What was wrong and what is valid.
    pub message: String,
}

impl CmdError {
    /// A target that matched nothing.
    pub fn not_found(message: impl Into<String>) -> Self {
        Self {
            kind: ErrorKind::NotFound,
            message: message.into(),
        }
    }
    /// A target that matched several objects.
    pub fn ambiguous(message: impl Into<String>) -> Self {
        Self {
            kind: ErrorKind::Ambiguous,
            message: message.into(),
        }
    }
    /// A bad parameter.
    pub fn invalid(message: impl Into<String>) -> Self {
        Self {
            kind: ErrorKind::Invalid,
            message: message.into(),
        }
    }
    /// An operation that failed.
    pub fn failed(message: impl Into<String>) -> Self {
        Self {
            kind: ErrorKind::Failed,
            message: message.into(),
        }
    }
}

impl From<CmdError> for Response {
    fn from(e: CmdError) -> Self {
        Response::Error(ErrorReply {
            kind: e.kind,
            message: e.message,
        })
    }
}

/// Result of a command handler.
pub type CmdResult<T = Response> = Result<T, CmdError>;
