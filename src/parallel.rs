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
    map_owned_in_order(items.iter().collect(), f)
}

/// [`map_in_order`] for work that consumes its items, so each worker also frees the
/// ones it took (a rendered page's context is larger than its text).
pub fn map_owned_in_order<T: Send, R: Send>(
    items: Vec<T>,
    f: impl Fn(T) -> R + Sync,
) -> Result<Vec<R>, Crashed> {
    let total = items.len();
    let chunk = total.div_ceil(workers()).max(1);
    let mut shares = Vec::new();
    let mut items = items.into_iter();
    while items.len() > 0 {
        shares.push(items.by_ref().take(chunk).collect::<Vec<T>>());
    }
    let f = &f;
    let parts: Vec<Option<Vec<R>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = shares
            .into_iter()
            .map(|share| scope.spawn(move || share.into_iter().map(f).collect::<Vec<R>>()))
            .collect();
        handles.into_iter().map(|h| h.join().ok()).collect()
    });
    let mut all = Vec::with_capacity(total);
    for part in parts {
        all.extend(part.ok_or(Crashed)?);
    }
    Ok(all)
}

/// How many threads the work is shared between.
fn workers() -> usize {
    std::thread::available_parallelism()
        .map_or(1, NonZeroUsize::get)
        .clamp(1, MAX_WORKERS)
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
        let words: Vec<String> = items.iter().map(u32::to_string).collect();
        let lengths = map_owned_in_order(words.clone(), |w| w.len());
        assert_eq!(lengths, Ok(words.iter().map(String::len).collect()));
        assert_eq!(map_owned_in_order(Vec::<u32>::new(), |x| x), Ok(Vec::new()));
    }
}
