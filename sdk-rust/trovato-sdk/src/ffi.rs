//! Every import of the Trovato kernel (ABI §4), as the kernel's import table
//! (`src/kernel/contract/imports.ts`) declares it: module `trovato:kernel/<interface>`, kebab-case
//! names. A string is a `(ptr, len)` pair of UTF-8; a data-returning function takes
//! `(out_ptr, out_max)` last and returns the byte count or a negative code.
//!
//! This file is the whole of the Rust SDK's link to the kernel, one `extern` block per
//! interface, one function per line: the contract test reads it. Plugins should call the safe
//! wrappers in [`crate::host`]; these are public for the rare plugin that needs the raw call.
#![allow(clippy::too_many_arguments)]

#[link(wasm_import_module = "trovato:kernel/item-api")]
extern "C" {
    #[link_name = "get-item"] pub fn item_get_item(id_ptr: i32, id_len: i32, out_ptr: i32, out_max: i32) -> i32;
    #[link_name = "save-item"] pub fn item_save_item(item_ptr: i32, item_len: i32, out_ptr: i32, out_max: i32) -> i32;
    #[link_name = "delete-item"] pub fn item_delete_item(id_ptr: i32, id_len: i32) -> i32;
    #[link_name = "query-items"] pub fn item_query_items(query_ptr: i32, query_len: i32, out_ptr: i32, out_max: i32) -> i32;
}

#[link(wasm_import_module = "trovato:kernel/db")]
extern "C" {
    #[link_name = "select"] pub fn db_select(query_ptr: i32, query_len: i32, out_ptr: i32, out_max: i32) -> i32;
    #[link_name = "insert"] pub fn db_insert(table_ptr: i32, table_len: i32, row_ptr: i32, row_len: i32, out_ptr: i32, out_max: i32) -> i32;
    #[link_name = "update"] pub fn db_update(table_ptr: i32, table_len: i32, values_ptr: i32, values_len: i32, where_ptr: i32, where_len: i32) -> i32;
    #[link_name = "delete"] pub fn db_delete(table_ptr: i32, table_len: i32, where_ptr: i32, where_len: i32) -> i32;
    #[link_name = "query-raw"] pub fn db_query_raw(sql_ptr: i32, sql_len: i32, params_ptr: i32, params_len: i32, out_ptr: i32, out_max: i32) -> i32;
    #[link_name = "execute-raw"] pub fn db_execute_raw(sql_ptr: i32, sql_len: i32, params_ptr: i32, params_len: i32) -> i32;
}

#[link(wasm_import_module = "trovato:kernel/variables")]
extern "C" {
    #[link_name = "get"] pub fn variables_get(name_ptr: i32, name_len: i32, default_ptr: i32, default_len: i32, out_ptr: i32, out_max: i32) -> i32;
    #[link_name = "set"] pub fn variables_set(name_ptr: i32, name_len: i32, value_ptr: i32, value_len: i32) -> i32;
}

#[link(wasm_import_module = "trovato:kernel/request-context")]
extern "C" {
    #[link_name = "get"] pub fn request_context_get(key_ptr: i32, key_len: i32, out_ptr: i32, out_max: i32) -> i32;
    #[link_name = "set"] pub fn request_context_set(key_ptr: i32, key_len: i32, value_ptr: i32, value_len: i32) -> i32;
}

#[link(wasm_import_module = "trovato:kernel/user-api")]
extern "C" {
    #[link_name = "current-user-id"] pub fn user_current_user_id(out_ptr: i32, out_max: i32) -> i32;
    #[link_name = "current-user-has-permission"] pub fn user_current_user_has_permission(permission_ptr: i32, permission_len: i32) -> i32;
}

#[link(wasm_import_module = "trovato:kernel/cache-api")]
extern "C" {
    #[link_name = "get"] pub fn cache_get(bin_ptr: i32, bin_len: i32, key_ptr: i32, key_len: i32, out_ptr: i32, out_max: i32) -> i32;
    #[link_name = "set"] pub fn cache_set(bin_ptr: i32, bin_len: i32, key_ptr: i32, key_len: i32, value_ptr: i32, value_len: i32, tags_ptr: i32, tags_len: i32) -> i32;
    #[link_name = "set-with-max-age"] pub fn cache_set_with_max_age(bin_ptr: i32, bin_len: i32, key_ptr: i32, key_len: i32, value_ptr: i32, value_len: i32, tags_ptr: i32, tags_len: i32, max_age_seconds: i32) -> i32;
    #[link_name = "set-with-contexts"] pub fn cache_set_with_contexts(bin_ptr: i32, bin_len: i32, key_ptr: i32, key_len: i32, value_ptr: i32, value_len: i32, tags_ptr: i32, tags_len: i32, contexts_ptr: i32, contexts_len: i32, max_age_seconds: i32) -> i32;
    #[link_name = "invalidate-tag"] pub fn cache_invalidate_tag(tag_ptr: i32, tag_len: i32) -> i32;
}

#[link(wasm_import_module = "trovato:kernel/queue")]
extern "C" {
    #[link_name = "create-item"] pub fn queue_create_item(queue_ptr: i32, queue_len: i32, payload_ptr: i32, payload_len: i32) -> i32;
}

#[link(wasm_import_module = "trovato:kernel/plugin-api")]
extern "C" {
    #[link_name = "invoke"] pub fn plugin_invoke(plugin_ptr: i32, plugin_len: i32, function_ptr: i32, function_len: i32, payload_ptr: i32, payload_len: i32, out_ptr: i32, out_max: i32) -> i32;
    #[link_name = "plugin-exists"] pub fn plugin_plugin_exists(plugin_ptr: i32, plugin_len: i32) -> i32;
    #[link_name = "dispatch"] pub fn plugin_dispatch(tap_ptr: i32, tap_len: i32, payload_ptr: i32, payload_len: i32, out_ptr: i32, out_max: i32) -> i32;
}

#[link(wasm_import_module = "trovato:kernel/logging")]
extern "C" {
    #[link_name = "log"] pub fn logging_log(level_ptr: i32, level_len: i32, plugin_ptr: i32, plugin_len: i32, message_ptr: i32, message_len: i32) -> i32;
}

#[link(wasm_import_module = "trovato:kernel/errors")]
extern "C" {
    #[link_name = "last-error"] pub fn errors_last_error(out_ptr: i32, out_max: i32) -> i32;
}

// AssemblyScript's abort, which the kernel provides to every plugin and reports with message,
// file, line and column: a panic goes out through it (see `crate::tap`).
#[link(wasm_import_module = "env")]
extern "C" {
    #[link_name = "abort"] pub fn env_abort(message_ptr: i32, file_ptr: i32, line: i32, column: i32);
}
