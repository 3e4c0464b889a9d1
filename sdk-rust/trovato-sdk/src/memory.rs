//! The `alloc` and `dealloc` exports of ABI §2: the kernel copies each tap's input into memory
//! it gets from `alloc`. They use Rust's global allocator, so the tap runtime frees the input
//! with the same layout once it is decoded.

use std::alloc::{alloc as allocate, dealloc as deallocate, Layout};

fn layout(size: i32) -> Option<Layout> {
    // A zero-sized allocation is not allowed by Rust; a one-byte block stands in for it.
    Layout::from_size_align((size.max(1)) as usize, 1).ok()
}

/// `(size: i32) -> i32`: a pointer to `size` writable bytes, or 0 when there is no memory left.
#[no_mangle]
pub extern "C" fn alloc(size: i32) -> i32 {
    if size < 0 {
        return 0;
    }
    match layout(size) {
        Some(layout) => unsafe { allocate(layout) as i32 },
        None => 0,
    }
}

/// `(ptr: i32, size: i32)`: frees a block from `alloc` (size as given to `alloc`).
#[no_mangle]
pub extern "C" fn dealloc(ptr: i32, size: i32) {
    if ptr == 0 || size < 0 {
        return;
    }
    if let Some(layout) = layout(size) {
        unsafe { deallocate(ptr as *mut u8, layout) }
    }
}
