//! The weight table: one row of weights per feature index, quantised to `i16` steps of one
//! scale. What a model keeps in memory and what `weights.bin` stores (its encoding is in
//! [`crate::format`]).

/// Weights as multiples of one step, in `i16`: half the size of `f32`, and a model in
/// memory equals the model read back.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Weights {
    /// `dimension × outputs` steps, index-major.
    pub steps: Vec<i16>,
    /// The step size.
    pub step: f32,
    /// Weights per feature index.
    pub outputs: usize,
}

/// Number of raw scores per post, so of weights per feature index: 1 (the logit of the
/// second label) for two labels, else one per label.
pub(crate) fn outputs_for(labels: usize) -> usize {
    if labels == 2 {
        1
    } else {
        labels
    }
}

impl Weights {
    /// Drops rows whose weights are all below `prune` in magnitude and rounds the others to
    /// multiples of a step (the largest magnitude over 32767).
    pub fn quantize(weights: &[f32], outputs: usize, prune: f32) -> Self {
        let max = weights.iter().fold(0f32, |m, w| m.max(w.abs()));
        let step = if max > 0.0 {
            max / i16::MAX as f32
        } else {
            1.0
        };
        let mut steps = vec![0i16; weights.len()];
        for (row, out) in weights
            .chunks_exact(outputs)
            .zip(steps.chunks_exact_mut(outputs))
        {
            if row.iter().any(|w| w.abs() >= prune) {
                for (w, q) in row.iter().zip(out) {
                    *q = (w / step)
                        .round()
                        .clamp(-(i16::MAX as f32), i16::MAX as f32) as i16;
                }
            }
        }
        Weights {
            steps,
            step,
            outputs,
        }
    }

    /// The weights of feature `index`, as steps.
    pub fn row(&self, index: u32) -> &[i16] {
        let at = index as usize * self.outputs;
        &self.steps[at..at + self.outputs]
    }

    /// Hints the CPU to load the weights of feature `index` into cache.
    #[inline]
    pub fn prefetch(&self, index: u32) {
        #[cfg(target_arch = "x86_64")]
        if let Some(q) = self.steps.get(index as usize * self.outputs) {
            // SAFETY: a prefetch is only a hint and never faults; the address is in bounds.
            unsafe {
                std::arch::x86_64::_mm_prefetch::<{ std::arch::x86_64::_MM_HINT_T0 }>(
                    std::ptr::from_ref(q).cast(),
                )
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        let _ = index;
    }

    /// All weights as `f32`.
    pub fn to_f32(&self) -> Vec<f32> {
        self.steps.iter().map(|&q| q as f32 * self.step).collect()
    }

    /// Number of feature indices with a non-zero weight.
    pub fn stored_rows(&self) -> usize {
        self.steps
            .chunks_exact(self.outputs)
            .filter(|row| row.iter().any(|&q| q != 0))
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pruning_drops_small_rows() {
        let q = Weights::quantize(&[0.001, 0.5, -0.002, 0.0], 1, 0.01);
        assert_eq!(q.stored_rows(), 1);
    }
}
