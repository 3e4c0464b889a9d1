//! `trovato:kernel/item-api`: items, shared by all plugins and guarded by the user's permissions.

use super::call::{arg, call_for_json, call_for_status, json_arg, HostResult};
use crate::ffi;
use crate::types::{Item, ItemList, ItemQuery};
use serde::de::DeserializeOwned;
use serde::Serialize;

/// The item with `id` (`NotFound` when there is none, `PermissionDenied` when the user may not see it).
pub fn get(id: &str) -> HostResult<Item> {
    let (p, l) = arg(id);
    call_for_json("item-api.get-item", |o, m| unsafe { ffi::item_get_item(p, l, o, m) })
}

/// Saves `item` (a new one when its `id` is empty) and returns it as stored: id, author,
/// `created` and `changed` filled in.
pub fn save(item: &Item) -> HostResult<Item> {
    save_json(item)
}

/// [`save`] for an item written as any serializable shape; the answer is decoded as `T`.
pub fn save_json<T: DeserializeOwned>(item: &(impl Serialize + ?Sized)) -> HostResult<T> {
    let text = json_arg("item-api.save-item", item)?;
    let (p, l) = arg(&text);
    call_for_json("item-api.save-item", |o, m| unsafe { ffi::item_save_item(p, l, o, m) })
}

/// Deletes the item with `id`.
pub fn delete(id: &str) -> HostResult<()> {
    let (p, l) = arg(id);
    call_for_status("item-api.delete-item", unsafe { ffi::item_delete_item(p, l) }).map(|_| ())
}

/// The items matching `query`, and how many matched before `limit`/`offset`.
///
/// ```ignore
/// let posts = items::query(&ItemQuery::of_type("notes").published().sort_desc("created"))?;
/// ```
pub fn query(query: &ItemQuery) -> HostResult<ItemList> {
    query_json(query)
}

/// [`query`] with the query written as any serializable shape (e.g. `serde_json::json!`).
pub fn query_json<T: DeserializeOwned>(query: &(impl Serialize + ?Sized)) -> HostResult<T> {
    let text = json_arg("item-api.query-items", query)?;
    let (p, l) = arg(&text);
    call_for_json("item-api.query-items", |o, m| unsafe { ffi::item_query_items(p, l, o, m) })
}
