//! `trovato:kernel/variables`: persistent settings in this plugin's own namespace. Values are
//! stored as JSON text, as the AssemblyScript SDK stores them.

use super::call::{arg, call_for_status, call_for_text, json_arg, stored_value, HostResult};
use crate::ffi;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// Variable `name`, or `default` when it was never set.
pub fn get<T: DeserializeOwned>(name: &str, default: &(impl Serialize + ?Sized)) -> HostResult<T> {
    let default = json_arg("variables.get", default)?;
    let ((np, nl), (dp, dl)) = (arg(name), arg(&default));
    let text = call_for_text("variables.get", |o, m| unsafe { ffi::variables_get(np, nl, dp, dl, o, m) })?;
    stored_value("variables.get", text)
}

/// Stores variable `name` (committed when the request ends).
pub fn set(name: &str, value: &(impl Serialize + ?Sized)) -> HostResult<()> {
    let value = json_arg("variables.set", value)?;
    let ((np, nl), (vp, vl)) = (arg(name), arg(&value));
    call_for_status("variables.set", unsafe { ffi::variables_set(np, nl, vp, vl) }).map(|_| ())
}
