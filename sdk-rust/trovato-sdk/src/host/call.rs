//! The buffer convention of ABI §4, once, for every binding: call with a buffer on the stack,
//! retry with the size the kernel asks for, and turn a negative code into a [`HostError`] whose
//! message comes from `errors.last-error` (which plugins never call themselves).

use crate::ffi;
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::fmt;

/// ABI §4 error codes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HostCode {
    BadArguments,
    NotFound,
    PermissionDenied,
    StorageFailure,
    NotSupported,
    LimitExceeded,
    /// A code this SDK does not know (a newer kernel).
    Other(i32),
}

impl HostCode {
    pub fn from_code(code: i32) -> HostCode {
        match code {
            -1 => HostCode::BadArguments,
            -2 => HostCode::NotFound,
            -3 => HostCode::PermissionDenied,
            -4 => HostCode::StorageFailure,
            -5 => HostCode::NotSupported,
            -6 => HostCode::LimitExceeded,
            other => HostCode::Other(other),
        }
    }

    /// The number the kernel returned (always negative).
    pub fn code(self) -> i32 {
        match self {
            HostCode::BadArguments => -1,
            HostCode::NotFound => -2,
            HostCode::PermissionDenied => -3,
            HostCode::StorageFailure => -4,
            HostCode::NotSupported => -5,
            HostCode::LimitExceeded => -6,
            HostCode::Other(n) => n,
        }
    }
}

/// Why a host call failed: the code, the kernel's explanation, and which function it was.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostError {
    pub code: HostCode,
    pub message: String,
    /// The host function, e.g. `item-api.get-item`.
    pub function: &'static str,
}

impl HostError {
    /// Whether the failure is "not found" (a missing item, context key or cache entry).
    pub fn is_not_found(&self) -> bool {
        self.code == HostCode::NotFound
    }
}

/// `item-api.get-item: No item has the id "x".`: the kernel's message, which already names the
/// function; one from the SDK itself gets the function put in front.
impl fmt::Display for HostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.message.starts_with(self.function) {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.function, self.message)
        }
    }
}

impl std::error::Error for HostError {}

/// What every binding returns.
pub type HostResult<T> = Result<T, HostError>;

// Most results (an item, a short list) fit: the common call needs no heap allocation.
const STACK_BUFFER: usize = 1024;

/// The `(ptr, len)` of a string argument, as the imports take it.
#[inline]
pub(crate) fn arg(s: &str) -> (i32, i32) {
    (s.as_ptr() as i32, s.len() as i32)
}

/// JSON text of an argument. Serializing plain data cannot fail; a custom `Serialize` that
/// refuses is reported as bad arguments, the same as the kernel would.
pub(crate) fn json_arg<T: Serialize + ?Sized>(function: &'static str, value: &T) -> HostResult<String> {
    serde_json::to_string(value).map_err(|e| HostError {
        code: HostCode::BadArguments,
        message: format!("the argument could not be written as JSON: {e}"),
        function,
    })
}

/// Runs a data-returning import with an output buffer, retrying with the size the kernel asks
/// for. The kernel keeps a result that did not fit and gives it to the identical retry without
/// running the call again, so retrying a write (save-item, insert, invoke) never writes twice.
pub(crate) fn call_for_bytes(function: &'static str, call: impl Fn(i32, i32) -> i32) -> HostResult<Vec<u8>> {
    let mut stack = [0u8; STACK_BUFFER];
    let mut n = call(stack.as_mut_ptr() as i32, STACK_BUFFER as i32);
    if n >= 0 && n as usize <= STACK_BUFFER {
        return Ok(stack[..n as usize].to_vec());
    }
    // A result can only grow between attempts if the kernel ran the call again; a few rounds do.
    for _ in 0..4 {
        if n < 0 {
            return Err(error_for(function, n));
        }
        let mut heap = vec![0u8; n as usize];
        let size = n;
        n = call(heap.as_mut_ptr() as i32, size);
        if n >= 0 && n <= size {
            heap.truncate(n as usize);
            return Ok(heap);
        }
    }
    Err(if n < 0 {
        error_for(function, n)
    } else {
        HostError { code: HostCode::LimitExceeded, message: format!("the result kept growing ({n} bytes)"), function }
    })
}

/// A data-returning import whose result is UTF-8 text.
pub(crate) fn call_for_text(function: &'static str, call: impl Fn(i32, i32) -> i32) -> HostResult<String> {
    let bytes = call_for_bytes(function, call)?;
    String::from_utf8(bytes).map_err(|_| HostError {
        code: HostCode::BadArguments,
        message: "the kernel answered with bytes that are not UTF-8".into(),
        function,
    })
}

/// A data-returning import whose result is JSON, decoded into `T`.
pub(crate) fn call_for_json<T: DeserializeOwned>(function: &'static str, call: impl Fn(i32, i32) -> i32) -> HostResult<T> {
    let bytes = call_for_bytes(function, call)?;
    // An empty answer is "no result" (ABI §3), as JSON null.
    let text: &[u8] = if bytes.is_empty() { b"null" } else { &bytes };
    serde_json::from_slice(text).map_err(|e| HostError {
        code: HostCode::BadArguments,
        message: format!("the answer does not have the expected shape: {e}"),
        function,
    })
}

/// A stored value (variables, request context, cache): JSON as the SDKs write it, or, written
/// by other code, the raw text as a JSON string.
pub(crate) fn stored_value<T: DeserializeOwned>(function: &'static str, text: String) -> HostResult<T> {
    // Decoded from text (never through serde_json::Value, which would add a second decoder).
    let decoded = match serde_json::from_str::<T>(&text) {
        Ok(value) => return Ok(value),
        Err(e) if serde_json::from_str::<serde::de::IgnoredAny>(&text).is_ok() => Err(e),
        Err(_) => serde_json::from_str::<T>(&serde_json::to_string(&text).unwrap_or_default()),
    };
    decoded.map_err(|e| HostError {
        code: HostCode::BadArguments,
        message: format!("the stored value does not have the expected shape: {e}"),
        function,
    })
}

/// A status-returning import: the non-negative result, or the error.
pub(crate) fn call_for_status(function: &'static str, status: i32) -> HostResult<i32> {
    if status >= 0 {
        Ok(status)
    } else {
        Err(error_for(function, status))
    }
}

/// The error for a negative code, with the message of `errors.last-error`.
fn error_for(function: &'static str, code: i32) -> HostError {
    let message = match call_for_bytes_no_error(|ptr, max| unsafe { ffi::errors_last_error(ptr, max) }) {
        Some(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
        None => format!("(the kernel gave no message for code {code})"),
    };
    HostError { code: HostCode::from_code(code), message, function }
}

/// `call_for_bytes` for `last-error` itself, which must not recurse into `error_for`.
fn call_for_bytes_no_error(call: impl Fn(i32, i32) -> i32) -> Option<Vec<u8>> {
    let mut stack = [0u8; STACK_BUFFER];
    let n = call(stack.as_mut_ptr() as i32, STACK_BUFFER as i32);
    if n < 0 {
        return None;
    }
    if n as usize <= STACK_BUFFER {
        return Some(stack[..n as usize].to_vec());
    }
    let mut heap = vec![0u8; n as usize];
    let got = call(heap.as_mut_ptr() as i32, n);
    if got < 0 || got > n {
        return None;
    }
    heap.truncate(got as usize);
    Some(heap)
}
