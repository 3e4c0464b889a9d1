//! Memory for a plugin: the `alloc` and `dealloc` exports of ABI §2, and the global allocator.
//!
//! The allocator is a bump allocator over the module's own memory, starting at `__heap_base`:
//! it takes the room the module already has before it asks for more pages. Rust's default
//! allocator on wasm (dlmalloc) grows the memory for its first block even when pages are free,
//! and the kernel's instance pool cannot reset an instance whose memory grew, so every call
//! would pay for a new instance (measured: ~400 times slower). A plugin instance lives for one
//! call (the pool puts its memory back afterwards), so freeing is only worth doing for the most
//! recent block, which is what growing a `Vec` or `String` reallocates.

use std::alloc::Layout;

#[cfg(target_arch = "wasm32")]
mod bump {
    use std::alloc::{GlobalAlloc, Layout};
    use std::arch::wasm32::{memory_grow, memory_size};

    const PAGE: usize = 65536;

    extern "C" {
        // Set by the linker: the first byte after the stack and static data.
        static __heap_base: u8;
    }

    /// The next free byte (0 until the first allocation).
    static mut NEXT: usize = 0;

    pub struct Bump;

    /// Makes sure memory reaches `end`, growing it when needed; false when it cannot.
    unsafe fn reserve(end: usize) -> bool {
        let size = memory_size(0) * PAGE;
        if end <= size {
            return true;
        }
        let pages = (end - size + PAGE - 1) / PAGE;
        memory_grow(0, pages) != usize::MAX
    }

    unsafe impl GlobalAlloc for Bump {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            if NEXT == 0 {
                NEXT = &__heap_base as *const u8 as usize;
            }
            let start = (NEXT + layout.align() - 1) & !(layout.align() - 1);
            let end = match start.checked_add(layout.size()) {
                Some(end) => end,
                None => return std::ptr::null_mut(),
            };
            if !reserve(end) {
                return std::ptr::null_mut();
            }
            NEXT = end;
            start as *mut u8
        }

        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            // Only the most recent block can be given back.
            if ptr as usize + layout.size() == NEXT {
                NEXT = ptr as usize;
            }
        }

        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            // The most recent block grows (or shrinks) where it is.
            if ptr as usize + layout.size() == NEXT {
                let end = match (ptr as usize).checked_add(new_size) {
                    Some(end) => end,
                    None => return std::ptr::null_mut(),
                };
                if !reserve(end) {
                    return std::ptr::null_mut();
                }
                NEXT = end;
                return ptr;
            }
            let moved = self.alloc(Layout::from_size_align_unchecked(new_size, layout.align()));
            if !moved.is_null() {
                std::ptr::copy_nonoverlapping(ptr, moved, layout.size().min(new_size));
            }
            moved
        }
    }
}

#[cfg(target_arch = "wasm32")]
#[global_allocator]
static ALLOCATOR: bump::Bump = bump::Bump;

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
        Some(layout) => unsafe { std::alloc::alloc(layout) as i32 },
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
        unsafe { std::alloc::dealloc(ptr as *mut u8, layout) }
    }
}
