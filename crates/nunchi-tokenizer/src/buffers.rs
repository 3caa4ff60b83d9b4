//! The reusable buffers of a worker, and how much of their capacity it keeps from one post
//! to the next: a long post grows them, and without a bound every thread that ever met one
//! would hold that memory for good.

/// Capacity, in bytes, that one reusable buffer keeps between posts. A post of a few KiB
/// (a long review) needs a small part of it in every buffer, so ordinary posts never
/// reallocate; a longer post grows the buffers it needs, and they shrink back to this at
/// the next post.
pub const KEPT_BYTES: usize = 1 << 20;

/// A buffer, or a set of them, reused from post to post (the scorer's buffers are too).
pub trait Reusable {
    /// Bytes of capacity held.
    fn retained_bytes(&self) -> usize;
    /// Empties it, for the next post, and gives back what a buffer holds beyond
    /// [`KEPT_BYTES`].
    fn trim(&mut self);
}

impl<T> Reusable for Vec<T> {
    fn retained_bytes(&self) -> usize {
        self.capacity() * std::mem::size_of::<T>()
    }

    fn trim(&mut self) {
        self.clear();
        if self.retained_bytes() > KEPT_BYTES {
            self.shrink_to(KEPT_BYTES / std::mem::size_of::<T>().max(1));
        }
    }
}

impl Reusable for String {
    fn retained_bytes(&self) -> usize {
        self.capacity()
    }

    fn trim(&mut self) {
        self.clear();
        if self.capacity() > KEPT_BYTES {
            self.shrink_to(KEPT_BYTES);
        }
    }
}

/// Implements [`Reusable`] for a struct over those of its fields that are reusable buffers
/// (the others, such as memos bounded by the dictionary, are left alone).
macro_rules! reusable_fields {
    ($type:ty { $($field:ident),+ $(,)? }) => {
        impl $crate::buffers::Reusable for $type {
            fn retained_bytes(&self) -> usize {
                0 $(+ $crate::buffers::Reusable::retained_bytes(&self.$field))+
            }

            fn trim(&mut self) {
                $($crate::buffers::Reusable::trim(&mut self.$field);)+
            }
        }
    };
}
pub(crate) use reusable_fields;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trim_gives_back_what_lies_beyond_the_bound() {
        let mut big: Vec<u64> = Vec::with_capacity(KEPT_BYTES);
        big.push(1);
        assert_eq!(big.retained_bytes(), KEPT_BYTES * 8);
        big.trim();
        assert!(big.is_empty() && big.retained_bytes() <= KEPT_BYTES);
        // Within the bound: emptied, its capacity kept.
        let mut small = vec![1u8; 100];
        small.trim();
        assert!(small.is_empty() && small.capacity() >= 100);
        let mut text = "가".repeat(KEPT_BYTES);
        text.trim();
        assert!(text.capacity() <= KEPT_BYTES);
    }
}
