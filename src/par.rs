//! A parallel map over a slice that keeps the order of its results, and
//! freeing on another thread. Template
//! output, validation and YAML output treat each object on its own, and the
//! machines hubgw runs on (CI runners, Argo CD sidecars) have two cores or
//! more. Results never depend on the number of threads: output is the same
//! bytes, and the first error in input order is the one returned.

use std::sync::OnceLock;

/// Fewer items than this run on the calling thread: starting a thread (and
/// its allocator heap) costs more than a small render gains from it; the
/// east-west example (15 objects) took 5.0 ms on two threads, 4.6 ms on one.
const MIN_ITEMS_PER_THREAD: usize = 16;

/// Threads to use: `HUBGW_THREADS` if set (1 turns threading off), else the
/// available parallelism, at most 8.
pub fn threads() -> usize {
    static THREADS: OnceLock<usize> = OnceLock::new();
    *THREADS.get_or_init(|| {
        std::env::var("HUBGW_THREADS")
            .ok()
            .and_then(|v| v.parse::<usize>().ok())
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
            .clamp(1, 8)
    })
}

/// Drops `value` on a thread of its own when it holds at least `items`
/// objects worth the trouble: freeing 11,000 objects takes about 18 ms,
/// which the calling thread spends writing the output instead. A process
/// that ends first does not wait for it.
pub fn drop_in_background<T: Send + 'static>(value: T, items: usize) {
    if items < 2 * MIN_ITEMS_PER_THREAD || threads() == 1 {
        return;
    }
    // If no thread can be started, the closure and `value` are dropped here.
    let _ = std::thread::Builder::new()
        .name("hubgw-free".into())
        .spawn(move || drop(value));
}

/// `items.iter().map(f).collect()`, on up to [`threads`] threads, for items
/// of about equal cost. Items are dealt round-robin, so each thread gets a
/// share of every kind (apply order groups objects by kind, and kinds differ
/// in cost).
pub fn map<T: Sync, R: Send>(items: &[T], f: impl Fn(&T) -> R + Sync) -> Vec<R> {
    map_weighted(items, |_| 1, MIN_ITEMS_PER_THREAD, f)
}

/// [`map`] for items of unequal cost: `weight` estimates each one's, a
/// thread is started for every `min_weight` of the total, and the heaviest
/// items are dealt first, each to the least loaded thread. Template outputs
/// are such items: one template can hold a third of a large render.
pub fn map_weighted<T: Sync, R: Send>(
    items: &[T],
    weight: impl Fn(&T) -> usize,
    min_weight: usize,
    f: impl Fn(&T) -> R + Sync,
) -> Vec<R> {
    let weights: Vec<usize> = items.iter().map(weight).collect();
    let total: usize = weights.iter().sum();
    let worth = (total / min_weight.max(1)).min(items.len());
    // Too little for two threads: the thread count (a dozen system calls
    // reading cgroup limits) is not even asked for.
    if worth < 2 {
        return items.iter().map(f).collect();
    }
    let n = threads().min(worth);
    if n == 1 {
        return items.iter().map(f).collect();
    }
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(weights[i]));
    let mut shares: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut loads = vec![0usize; n];
    for i in order {
        let lightest = (0..n).min_by_key(|&t| loads[t]).unwrap_or(0);
        loads[lightest] += weights[i];
        shares[lightest].push(i);
    }
    let f = &f;
    let run = move |share: &[usize]| -> Vec<(usize, R)> {
        share.iter().map(|&i| (i, f(&items[i]))).collect()
    };
    let done: Vec<Vec<(usize, R)>> = std::thread::scope(|s| {
        let handles: Vec<_> = shares[1..]
            .iter()
            .map(|share| s.spawn(move || run(share)))
            .collect();
        let mut done = vec![run(&shares[0])];
        for h in handles {
            done.push(h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)));
        }
        done
    });
    let mut slots: Vec<Option<R>> = (0..items.len()).map(|_| None).collect();
    for (i, r) in done.into_iter().flatten() {
        slots[i] = Some(r);
    }
    slots
        .into_iter()
        .map(|r| r.expect("every item is dealt to one thread"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Freed, not leaked, whether on its own thread or right away.
    #[test]
    fn dropped_in_background_is_freed() {
        for items in [1, 10_000] {
            let value = std::sync::Arc::new(vec![0u8; 1024]);
            drop_in_background(std::sync::Arc::clone(&value), items);
            let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
            while std::sync::Arc::strong_count(&value) > 1 && std::time::Instant::now() < deadline {
                std::thread::yield_now();
            }
            assert_eq!(std::sync::Arc::strong_count(&value), 1, "{items} items");
        }
    }

    #[test]
    fn keeps_order_for_every_length() {
        for len in 0..40 {
            let items: Vec<usize> = (0..len).collect();
            assert_eq!(
                map(&items, |x| x * 2),
                items.iter().map(|x| x * 2).collect::<Vec<_>>()
            );
        }
    }

    #[test]
    fn keeps_order_for_unequal_weights() {
        let items: Vec<usize> = (0..25).map(|i| (i * 37) % 11).collect();
        assert_eq!(
            map_weighted(&items, |w| *w, 1, |x| x + 1),
            items.iter().map(|x| x + 1).collect::<Vec<_>>()
        );
    }
}
