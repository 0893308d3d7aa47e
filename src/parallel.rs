//! Sharing independent work out over the machine's cores, with the results in the
//! order of the work (so nothing a build writes depends on how it was shared).

use std::num::NonZeroUsize;

/// Threads at most: the work shared out (parsing files, rendering pages) stops
/// scaling past a few cores.
const MAX_WORKERS: usize = 8;

/// A worker stopped without finishing its share (a bug: the work itself never panics).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Crashed;

/// `f` of every item, in order, shared out in contiguous runs over the cores.
pub fn map_in_order<T: Sync, R: Send>(
    items: &[T],
    f: impl Fn(&T) -> R + Sync,
) -> Result<Vec<R>, Crashed> {
    let workers = std::thread::available_parallelism()
        .map_or(1, NonZeroUsize::get)
        .clamp(1, MAX_WORKERS);
    let chunk = items.len().div_ceil(workers).max(1);
    let f = &f;
    let parts: Vec<Option<Vec<R>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = items
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(f).collect::<Vec<R>>()))
            .collect();
        handles.into_iter().map(|h| h.join().ok()).collect()
    });
    let mut all = Vec::with_capacity(items.len());
    for part in parts {
        all.extend(part.ok_or(Crashed)?);
    }
    Ok(all)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_come_back_in_the_order_of_the_items() {
        let items: Vec<u32> = (0..1000).collect();
        let doubled = map_in_order(&items, |x| x * 2);
        assert_eq!(doubled, Ok(items.iter().map(|x| x * 2).collect()));
        assert_eq!(map_in_order(&[] as &[u32], |x| *x), Ok(Vec::new()));
    }
}
