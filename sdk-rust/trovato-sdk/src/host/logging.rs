//! `trovato:kernel/logging`: lines in the site log, recorded under this plugin's name.

use super::call::{arg, call_for_status, HostResult};
use crate::ffi;

/// Log levels, lowest first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Debug,
    Info,
    Notice,
    Warning,
    Error,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Debug => "debug",
            Level::Info => "info",
            Level::Notice => "notice",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }
}

/// Writes `message` at `level`.
pub fn log(level: Level, message: &str) -> HostResult<()> {
    log_level(level.as_str(), message)
}

/// [`log`] with the level as the kernel's name (`"info"`...); an unknown name is `BadArguments`.
pub fn log_level(level: &str, message: &str) -> HostResult<()> {
    // The kernel records the real caller, so the plugin argument stays empty.
    let ((lp, ll), (mp, ml)) = (arg(level), arg(message));
    call_for_status("logging.log", unsafe { ffi::logging_log(lp, ll, 0, 0, mp, ml) }).map(|_| ())
}

pub fn info(message: &str) -> HostResult<()> {
    log(Level::Info, message)
}

pub fn warning(message: &str) -> HostResult<()> {
    log(Level::Warning, message)
}

pub fn error(message: &str) -> HostResult<()> {
    log(Level::Error, message)
}
