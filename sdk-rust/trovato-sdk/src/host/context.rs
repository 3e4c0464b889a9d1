//! `trovato:kernel/request-context`: values shared by every plugin during one request.

use super::call::{arg, call_for_status, call_for_text, json_arg, stored_value, HostResult};
use crate::ffi;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// Context value `key` (`NotFound` when no plugin set it in this request).
pub fn get<T: DeserializeOwned>(key: &str) -> HostResult<T> {
    let (kp, kl) = arg(key);
    let text = call_for_text("request-context.get", |o, m| unsafe { ffi::request_context_get(kp, kl, o, m) })?;
    stored_value("request-context.get", text)
}

/// Sets context value `key` for the rest of this request.
pub fn set(key: &str, value: &(impl Serialize + ?Sized)) -> HostResult<()> {
    let value = json_arg("request-context.set", value)?;
    let ((kp, kl), (vp, vl)) = (arg(key), arg(&value));
    call_for_status("request-context.set", unsafe { ffi::request_context_set(kp, kl, vp, vl) }).map(|_| ())
}
