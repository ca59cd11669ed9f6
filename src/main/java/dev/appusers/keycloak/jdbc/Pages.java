package dev.appusers.keycloak.jdbc;

import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A lazy stream over results fetched a page at a time, so that a caller asking for "all" users never makes the
 * provider load a whole table at once: each page is one bounded query, run only when the stream gets that far.
 */
public final class Pages {

    static final int PAGE_SIZE = 500;

    @FunctionalInterface
    public interface PageQuery<T> {
        List<T> fetch(int offset, int limit);
    }

    private Pages() {
    }

    /** {@code first}/{@code max} as Keycloak passes them: null or negative means from the start / without limit. */
    public static <T> Stream<T> stream(Integer first, Integer max, PageQuery<T> query) {
        int start = first == null || first < 0 ? 0 : first;
        long limit = max == null || max < 0 ? Long.MAX_VALUE : max;
        if (limit == 0) {
            return Stream.empty();
        }
        if (limit <= PAGE_SIZE) {
            return query.fetch(start, (int) limit).stream();
        }
        Iterator<T> iterator = new Iterator<>() {
            private List<T> page = List.of();
            private int index;
            private long fetched;
            private boolean exhausted;

            @Override
            public boolean hasNext() {
                if (index < page.size()) {
                    return true;
                }
                if (exhausted || fetched >= limit) {
                    return false;
                }
                int size = (int) Math.min(PAGE_SIZE, limit - fetched);
                page = query.fetch((int) Math.min(Integer.MAX_VALUE, start + fetched), size);
                index = 0;
                fetched += page.size();
                exhausted = page.size() < size;
                return !page.isEmpty();
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return page.get(index++);
            }
        };
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(iterator, Spliterator.ORDERED), false);
    }
}
