package dev.rollgate.controlplane.release.persistence;

import java.util.List;

/** One page of a longer list: {@code total} items in all, and whether a page after this one has any. */
public record Page<T>(List<T> items, int page, int size, long total, boolean hasMore) {

    public Page {
        items = List.copyOf(items);
    }

    public Page(List<T> items, int page, int size, long total) {
        this(items, page, size, total, (long) (page + 1) * size < total);
    }

    public <R> Page<R> map(java.util.function.Function<? super T, ? extends R> f) {
        return new Page<>(items.stream().<R>map(f).toList(), page, size, total, hasMore);
    }
}
