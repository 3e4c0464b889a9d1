//! Safe bindings for every host function (ABI §4), one module per `trovato:kernel/<interface>`.
//! Each returns [`HostResult`]: the value, or a [`HostError`] with the kernel's code and
//! message. JSON arguments are anything `Serialize`; JSON results anything `Deserialize`
//! (`serde_json::Value` when the shape is open).

mod call;

pub mod cache;
pub mod context;
pub mod db;
pub mod items;
pub mod logging;
pub mod plugins;
pub mod queue;
pub mod user;
pub mod variables;

pub use call::{HostCode, HostError, HostResult};
