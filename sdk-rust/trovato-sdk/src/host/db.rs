//! `trovato:kernel/db`: structured tables in this plugin's own namespace. A query is
//! `{table, where?, order?: [{column, direction}], limit?, offset?}`; `where` maps a column to a
//! value or to operators (`{"gte": 2, "lt": 4}`).

use super::call::{arg, call_for_json, call_for_status, json_arg, HostResult};
use crate::ffi;
use serde::de::DeserializeOwned;
use serde::Serialize;

/// The rows matching `query` (decode them as `Vec<YourRow>` or `serde_json::Value`).
pub fn select<T: DeserializeOwned>(query: &(impl Serialize + ?Sized)) -> HostResult<T> {
    let text = json_arg("db.select", query)?;
    let (p, l) = arg(&text);
    call_for_json("db.select", |o, m| unsafe { ffi::db_select(p, l, o, m) })
}

/// Inserts `row` into `table` and returns the row as stored (an `id` is generated when missing).
pub fn insert<T: DeserializeOwned>(table: &str, row: &(impl Serialize + ?Sized)) -> HostResult<T> {
    let row = json_arg("db.insert", row)?;
    let ((tp, tl), (rp, rl)) = (arg(table), arg(&row));
    call_for_json("db.insert", |o, m| unsafe { ffi::db_insert(tp, tl, rp, rl, o, m) })
}

/// Sets `values` on the rows of `table` matching `where_`; returns how many changed.
pub fn update(table: &str, values: &(impl Serialize + ?Sized), where_: &(impl Serialize + ?Sized)) -> HostResult<u32> {
    let (values, where_) = (json_arg("db.update", values)?, json_arg("db.update", where_)?);
    let ((tp, tl), (vp, vl), (wp, wl)) = (arg(table), arg(&values), arg(&where_));
    call_for_status("db.update", unsafe { ffi::db_update(tp, tl, vp, vl, wp, wl) }).map(|n| n as u32)
}

/// Deletes the rows of `table` matching `where_`; returns how many were deleted.
pub fn delete(table: &str, where_: &(impl Serialize + ?Sized)) -> HostResult<u32> {
    let where_ = json_arg("db.delete", where_)?;
    let ((tp, tl), (wp, wl)) = (arg(table), arg(&where_));
    call_for_status("db.delete", unsafe { ffi::db_delete(tp, tl, wp, wl) }).map(|n| n as u32)
}

/// Raw SQL. This kernel keeps tables in IndexedDB and always answers `NotSupported`, with the
/// reason in the error's message; it is here so the contract is complete.
pub fn query_raw<T: DeserializeOwned>(sql: &str, params: &(impl Serialize + ?Sized)) -> HostResult<T> {
    let params = json_arg("db.query-raw", params)?;
    let ((sp, sl), (pp, pl)) = (arg(sql), arg(&params));
    call_for_json("db.query-raw", |o, m| unsafe { ffi::db_query_raw(sp, sl, pp, pl, o, m) })
}

/// Raw SQL, see [`query_raw`].
pub fn execute_raw(sql: &str, params: &(impl Serialize + ?Sized)) -> HostResult<u32> {
    let params = json_arg("db.execute-raw", params)?;
    let ((sp, sl), (pp, pl)) = (arg(sql), arg(&params));
    call_for_status("db.execute-raw", unsafe { ffi::db_execute_raw(sp, sl, pp, pl) }).map(|n| n as u32)
}
