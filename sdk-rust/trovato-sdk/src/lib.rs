//! Write Trovato plugins in Rust.
//!
//! ```ignore
//! use trovato_sdk::prelude::*;
//!
//! #[plugin_tap]
//! fn tap_perm() -> Vec<PermissionDefinition> {
//!     vec![PermissionDefinition::new("create notes content", "Write notes.")]
//! }
//! ```
//!
//! - [`plugin_tap`] turns a function into a tap or route-callback export (ABI §3).
//! - [`types`] and [`render`]: the contract's JSON shapes (ABI §5) as serde types and builders.
//! - [`items`], [`db`], [`variables`], [`context`], [`user`], [`cache`], [`plugins`],
//!   [`logging`]: the host functions (ABI §4), returning `Result<_, HostError>`.
//! - [`ffi`]: the raw imports, in one file.
//!
//! The guide is `docs/writing-plugins-rust.md`.

pub mod ffi;
mod host;
mod memory;
pub mod render;
#[doc(hidden)]
pub mod tap;
pub mod types;

pub use host::{cache, context, db, items, logging, plugins, queue, user, variables};
pub use host::{HostCode, HostError, HostResult};
pub use memory::{alloc, dealloc};
pub use serde_json::{json, Value};
/// The serde crates the SDK is built on, for plugins that need more of them.
pub use {serde, serde_json};
pub use trovato_sdk_macros::plugin_tap;

/// Everything a plugin usually needs, in one `use`.
pub mod prelude {
    pub use crate::render::{container, form, formatted, item, link, list, list_of, markup, mini_pager, pager, table, text_field, RenderElement};
    pub use crate::types::*;
    pub use crate::{cache, context, db, items, logging, plugins, queue, user, variables};
    pub use crate::{json, plugin_tap, HostCode, HostError, HostResult, Value};
}

/// What `#[plugin_tap]` expands to refers to; not part of the API.
#[doc(hidden)]
pub mod __private {
    pub use crate::tap::{decode_input, run_tap, EncodeSerialize, EncodeSpecial, Returned};
}
