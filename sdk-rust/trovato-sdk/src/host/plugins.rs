//! `trovato:kernel/plugin-api`: calling other plugins inside the same request.

use super::call::{arg, call_for_json, call_for_status, json_arg, HostResult};
use crate::ffi;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// Calls export `function` of `plugin` with `payload`, as the same user in the same request,
/// and decodes its result (`()`/`Option` accept "no result"). A failure of the other plugin is
/// a `StorageFailure` whose message is the kernel's report of it.
pub fn invoke<T: DeserializeOwned>(plugin: &str, function: &str, payload: &(impl Serialize + ?Sized)) -> HostResult<T> {
    let payload = json_arg("plugin-api.invoke", payload)?;
    let ((pp, pl), (fp, fl), (ap, al)) = (arg(plugin), arg(function), arg(&payload));
    call_for_json("plugin-api.invoke", |o, m| unsafe { ffi::plugin_invoke(pp, pl, fp, fl, ap, al, o, m) })
}

/// Whether `plugin` is loaded and enabled.
pub fn exists(plugin: &str) -> HostResult<bool> {
    let (p, l) = arg(plugin);
    call_for_status("plugin-api.plugin-exists", unsafe { ffi::plugin_plugin_exists(p, l) }).map(|n| n == 1)
}

/// One handler's answer to [`dispatch`].
#[derive(Debug, Clone, Deserialize)]
pub struct DispatchAnswer {
    pub plugin: String,
    #[serde(default)]
    pub output: serde_json::Value,
    /// The kernel's report when the handler failed.
    #[serde(default)]
    pub error: Option<String>,
}

/// Runs every handler of `tap`, which must be this plugin's own (`tap_<plugin>_*`), with
/// `payload`, inside the same request: how a plugin lets others react to its events.
pub fn dispatch(tap: &str, payload: &(impl Serialize + ?Sized)) -> HostResult<Vec<DispatchAnswer>> {
    let payload = json_arg("plugin-api.dispatch", payload)?;
    let ((tp, tl), (ap, al)) = (arg(tap), arg(&payload));
    call_for_json("plugin-api.dispatch", |o, m| unsafe { ffi::plugin_dispatch(tp, tl, ap, al, o, m) })
}
