//! What `#[plugin_tap]` expands to calls into here (ABI §3): decode the input at `(ptr, len)`,
//! run the function, encode its output and pack `(out_ptr << 32) | out_len`. An `Err` becomes
//! the contract's `{"error": message}` output; a panic goes out through `env.abort` with its
//! message, file, line and column. The kernel reports both naming the plugin and the tap.
//!
//! Nothing here is meant to be called by hand: it is public for the macro's expansion only.

use crate::ffi;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::cell::Cell;
use std::fmt::Display;
use std::panic::PanicInfo;
use std::sync::atomic::{AtomicBool, Ordering};

/// A tap's encoded outcome: JSON bytes, no result, or an error message.
pub type Output = Result<Option<Vec<u8>>, String>;

/// Runs one tap call; `body` decodes the input bytes and returns the encoded outcome.
pub fn run_tap(tap: &str, ptr: i32, len: i32, body: impl FnOnce(&[u8]) -> Output) -> i64 {
    install_panic_hook();
    let input: &[u8] = if len > 0 && ptr != 0 { unsafe { std::slice::from_raw_parts(ptr as *const u8, len as usize) } } else { b"null" };
    let outcome = body(input);
    if len > 0 && ptr != 0 {
        crate::memory::dealloc(ptr, len);
    }
    match outcome {
        Ok(Some(bytes)) => keep_output(bytes),
        Ok(None) => 0,
        Err(message) => keep_output(error_output(tap, &message)),
    }
}

/// Decodes a tap's input; a mismatch is an error naming the tap and what serde found.
pub fn decode_input<T: DeserializeOwned>(tap: &str, bytes: &[u8]) -> Result<T, String> {
    serde_json::from_slice(bytes).map_err(|e| format!("the input of {tap} does not have the expected shape: {e}"))
}

fn error_output(tap: &str, message: &str) -> Vec<u8> {
    // A message is a string, so this cannot fail; the fallback still says where it came from.
    serde_json::to_vec(&serde_json::json!({ "error": message })).unwrap_or_else(|_| format!("{{\"error\":\"{tap} failed\"}}").into_bytes())
}

// The last output stays allocated until the next call's output replaces it: the kernel copies
// it out before it calls into this instance again (a nested call finishes before its caller).
static mut LAST_OUTPUT: Vec<u8> = Vec::new();

fn keep_output(bytes: Vec<u8>) -> i64 {
    if bytes.is_empty() {
        return 0;
    }
    let (ptr, len) = (bytes.as_ptr() as u32 as i64, bytes.len() as u32 as i64);
    unsafe { LAST_OUTPUT = bytes };
    (ptr << 32) | len
}

/// Holds a tap's return value for the expansion's method lookup, which picks the right
/// encoding by type: `Result` (an `Err` is the error output), `Option` (`None` is no result),
/// `()` (no result), or anything `Serialize`.
pub struct Returned<T>(pub Cell<Option<T>>);

impl<T> Returned<T> {
    pub fn new(value: T) -> Returned<T> {
        Returned(Cell::new(Some(value)))
    }

    fn take(&self) -> T {
        // The expansion calls `encode` exactly once.
        match self.0.take() {
            Some(value) => value,
            None => unreachable!("a tap's output is encoded once"),
        }
    }
}

fn encode<T: Serialize>(value: &T) -> Output {
    serde_json::to_vec(value).map(Some).map_err(|e| format!("the output could not be written as JSON: {e}"))
}

/// The encodings of `Result`, `Option` and `()`: picked before [`EncodeSerialize`] because
/// they are implemented on a reference (autoref specialization).
pub trait EncodeSpecial {
    fn encode(&self) -> Output;
}

impl<T: Serialize, E: Display> EncodeSpecial for &Returned<Result<T, E>> {
    fn encode(&self) -> Output {
        match self.take() {
            Ok(value) => encode(&value),
            Err(error) => Err(error.to_string()),
        }
    }
}

impl<T: Serialize> EncodeSpecial for &Returned<Option<T>> {
    fn encode(&self) -> Output {
        match self.take() {
            Some(value) => encode(&value),
            None => Ok(None),
        }
    }
}

impl EncodeSpecial for &Returned<()> {
    fn encode(&self) -> Output {
        self.take();
        Ok(None)
    }
}

/// Any other return type: encoded with serde.
pub trait EncodeSerialize {
    fn encode(&self) -> Output;
}

impl<T: Serialize> EncodeSerialize for Returned<T> {
    fn encode(&self) -> Output {
        encode(&self.take())
    }
}

static HOOK_INSTALLED: AtomicBool = AtomicBool::new(false);

fn install_panic_hook() {
    if !HOOK_INSTALLED.swap(true, Ordering::Relaxed) {
        std::panic::set_hook(Box::new(report_panic));
    }
}

/// Hands a panic to the kernel through `env.abort`, which never returns: the kernel stops the
/// call and reports `<plugin> <tap> aborted: <message> at <file>:<line>:<column>`.
fn report_panic(info: &PanicInfo<'_>) {
    let payload = info.payload();
    let message = if let Some(text) = payload.downcast_ref::<&str>() {
        (*text).to_string()
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text.clone()
    } else {
        info.to_string()
    };
    let (file, line, column) = match info.location() {
        Some(at) => (at.file(), at.line(), at.column()),
        None => ("", 0, 0),
    };
    let message = assemblyscript_string(&message);
    let file = assemblyscript_string(file);
    unsafe { ffi::env_abort(message.as_ptr() as i32 + 4, file.as_ptr() as i32 + 4, line as i32, column as i32) };
}

/// `env.abort` reads AssemblyScript strings: UTF-16LE, with the byte length in the 4 bytes
/// before the pointer it is given.
fn assemblyscript_string(text: &str) -> Vec<u8> {
    let units: Vec<u16> = text.encode_utf16().collect();
    let mut bytes = Vec::with_capacity(4 + units.len() * 2);
    bytes.extend_from_slice(&((units.len() * 2) as u32).to_le_bytes());
    for unit in units {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    bytes
}
