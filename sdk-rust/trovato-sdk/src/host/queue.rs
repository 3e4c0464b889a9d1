//! `trovato:kernel/queue`: work kept for later, handed to `tap_queue_worker` by cron.

use super::call::{arg, call_for_status, json_arg, HostResult};
use crate::ffi;
use serde::Serialize;

/// Adds `payload` to `queue`, which some enabled plugin declares in `tap_queue_info`
/// (`NotFound` otherwise). The item is kept with the request's other writes.
pub fn create_item(queue: &str, payload: &(impl Serialize + ?Sized)) -> HostResult<()> {
    let payload = json_arg("queue.create-item", payload)?;
    let ((qp, ql), (pp, pl)) = (arg(queue), arg(&payload));
    call_for_status("queue.create-item", unsafe { ffi::queue_create_item(qp, ql, pp, pl) }).map(|_| ())
}
