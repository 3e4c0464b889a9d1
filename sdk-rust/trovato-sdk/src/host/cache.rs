//! `trovato:kernel/cache-api`: a cache shared by all plugins, in named bins, invalidated by tags
//! (saving or deleting an item invalidates `item:<id>` and `item_list`).

use super::call::{arg, call_for_status, call_for_text, json_arg, stored_value, HostResult};
use crate::ffi;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// Entry `key` of `bin` (`NotFound` on a miss: never set, expired or invalidated).
pub fn get<T: DeserializeOwned>(bin: &str, key: &str) -> HostResult<T> {
    let ((bp, bl), (kp, kl)) = (arg(bin), arg(key));
    let text = call_for_text("cache-api.get", |o, m| unsafe { ffi::cache_get(bp, bl, kp, kl, o, m) })?;
    stored_value("cache-api.get", text)
}

/// Stores an entry, dropped when any of `tags` is invalidated.
pub fn set(bin: &str, key: &str, value: &(impl Serialize + ?Sized), tags: &[&str]) -> HostResult<()> {
    let (value, tags) = (json_arg("cache-api.set", value)?, json_arg("cache-api.set", tags)?);
    let ((bp, bl), (kp, kl), (vp, vl), (tp, tl)) = (arg(bin), arg(key), arg(&value), arg(&tags));
    call_for_status("cache-api.set", unsafe { ffi::cache_set(bp, bl, kp, kl, vp, vl, tp, tl) }).map(|_| ())
}

/// [`set`], and the entry also expires after `max_age_seconds`.
pub fn set_with_max_age(bin: &str, key: &str, value: &(impl Serialize + ?Sized), tags: &[&str], max_age_seconds: u32) -> HostResult<()> {
    let function = "cache-api.set-with-max-age";
    let (value, tags) = (json_arg(function, value)?, json_arg(function, tags)?);
    let ((bp, bl), (kp, kl), (vp, vl), (tp, tl)) = (arg(bin), arg(key), arg(&value), arg(&tags));
    let max_age = max_age_seconds.min(i32::MAX as u32) as i32;
    call_for_status(function, unsafe { ffi::cache_set_with_max_age(bp, bl, kp, kl, vp, vl, tp, tl, max_age) }).map(|_| ())
}

/// [`set_with_max_age`], and the entry also varies by `contexts` (`"user"`, `"user.roles"`,
/// `"user.permissions"`, `"route"`, ...; docs/abi.md §5 "Cache contexts"): [`get`] answers only
/// requests with the same values of them. Every entry varies by the user's permissions anyway.
pub fn set_with_contexts(bin: &str, key: &str, value: &(impl Serialize + ?Sized), tags: &[&str], contexts: &[&str], max_age_seconds: u32) -> HostResult<()> {
    let function = "cache-api.set-with-contexts";
    let (value, tags, contexts) = (json_arg(function, value)?, json_arg(function, tags)?, json_arg(function, contexts)?);
    let ((bp, bl), (kp, kl), (vp, vl), (tp, tl), (cp, cl)) = (arg(bin), arg(key), arg(&value), arg(&tags), arg(&contexts));
    let max_age = max_age_seconds.min(i32::MAX as u32) as i32;
    call_for_status(function, unsafe { ffi::cache_set_with_contexts(bp, bl, kp, kl, vp, vl, tp, tl, cp, cl, max_age) }).map(|_| ())
}

/// Drops every entry tagged `tag`, in every bin.
pub fn invalidate_tag(tag: &str) -> HostResult<()> {
    let (p, l) = arg(tag);
    call_for_status("cache-api.invalidate-tag", unsafe { ffi::cache_invalidate_tag(p, l) }).map(|_| ())
}
