//! `trovato:kernel/user-api`: who the request runs as.

use super::call::{arg, call_for_status, call_for_text, HostResult};
use crate::ffi;

/// The id of the current user (`00000000-0000-0000-0000-000000000000` for anonymous).
pub fn current_id() -> HostResult<String> {
    let text = call_for_text("user-api.current-user-id", |o, m| unsafe { ffi::user_current_user_id(o, m) })?;
    // Accept the id bare or as a JSON string, whichever the kernel sends.
    Ok(match serde_json::from_str::<String>(&text) {
        Ok(id) if text.starts_with('"') => id,
        _ => text,
    })
}

/// Whether the current user has `permission`.
pub fn has_permission(permission: &str) -> HostResult<bool> {
    let (p, l) = arg(permission);
    call_for_status("user-api.current-user-has-permission", unsafe { ffi::user_current_user_has_permission(p, l) }).map(|n| n == 1)
}
