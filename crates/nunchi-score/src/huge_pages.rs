//! Transparent huge pages for the weight table.
//!
//! Scoring reads a few hundred weights per post at random from a table of tens of MB; with
//! 4 KiB pages nearly every read also misses the TLB, and under a hypervisor a page walk
//! is costly. Linux backs a range advised with `MADV_HUGEPAGE` by 2 MiB pages when it can
//! (the default `madvise` mode of transparent huge pages): on a KVM guest, classify then
//! took a quarter less time (BENCHMARKS.md). Elsewhere, or if the kernel declines, nothing
//! changes.

/// Asks the kernel to back the 2 MiB-aligned part of `buffer` with huge pages. Call it
/// before the buffer's pages are first written: the advice applies to later page faults.
pub(crate) fn advise<T>(buffer: &mut [T]) {
    #[cfg(target_os = "linux")]
    {
        const HUGE_PAGE: usize = 2 << 20;
        let start = buffer.as_mut_ptr() as usize;
        let end = start + std::mem::size_of_val(buffer);
        let first = start.next_multiple_of(HUGE_PAGE);
        let last = end & !(HUGE_PAGE - 1);
        if last > first {
            // SAFETY: the range lies inside `buffer`, which is exclusively borrowed and
            // stays allocated for the call; MADV_HUGEPAGE changes how its pages are
            // backed, never their contents, and a refusal (an error code) is harmless.
            unsafe {
                libc::madvise(
                    first as *mut libc::c_void,
                    last - first,
                    libc::MADV_HUGEPAGE,
                );
            }
        }
    }
    #[cfg(not(target_os = "linux"))]
    let _ = buffer;
}
