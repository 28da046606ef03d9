//! A counting global allocator for the benchmark binary: live bytes, peak live bytes and number
//! of allocations, so benchmark 1 can say where memory goes (plan vs desired state) and how
//! many allocations each stage makes. Wraps the system allocator; must not change behaviour.
//!
//! Counting is off unless [`enable`] is called first thing in a process (the `--child-offline`
//! memory run does): three shared atomic updates per allocation cost more than the allocation
//! itself when two threads allocate at once, which inflated benchmark 1's timings by ~25 % over
//! what the `kvinit` binary (plain system allocator) spends. Off, the wrapper costs one relaxed
//! load of a flag that is never written, i.e. nothing measurable.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicI64, AtomicU64, Ordering::Relaxed};

/// The allocator the benchmark binary installs.
pub struct Counting;

static ENABLED: AtomicBool = AtomicBool::new(false);
/// Signed: blocks allocated before [`enable`] may be freed after it.
static LIVE: AtomicI64 = AtomicI64::new(0);
static PEAK: AtomicI64 = AtomicI64::new(0);
static COUNT: AtomicU64 = AtomicU64::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() && ENABLED.load(Relaxed) {
            add(layout.size() as i64);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        if ENABLED.load(Relaxed) {
            LIVE.fetch_sub(layout.size() as i64, Relaxed);
        }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() && ENABLED.load(Relaxed) {
            LIVE.fetch_sub(layout.size() as i64, Relaxed);
            add(new_size as i64);
        }
        p
    }
}

fn add(n: i64) {
    COUNT.fetch_add(1, Relaxed);
    let live = LIVE.fetch_add(n, Relaxed) + n;
    PEAK.fetch_max(live, Relaxed);
}

/// Turns counting on for the rest of the process (call before the work to measure).
pub fn enable() {
    ENABLED.store(true, Relaxed);
}

/// A snapshot: (live bytes, peak live bytes since the last [`reset_peak`], allocations so far),
/// counted since [`enable`].
pub fn snapshot() -> (u64, u64, u64) {
    let bytes = |v: i64| v.max(0) as u64;
    (
        bytes(LIVE.load(Relaxed)),
        bytes(PEAK.load(Relaxed)),
        COUNT.load(Relaxed),
    )
}

/// Starts a new peak measurement from the current live bytes.
pub fn reset_peak() {
    PEAK.store(LIVE.load(Relaxed), Relaxed);
}
