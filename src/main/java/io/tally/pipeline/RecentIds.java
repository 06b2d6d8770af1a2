package io.tally.pipeline;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The ids a task has let through, as bloom filters by event-time slice: answers "certainly not seen with a ts in
 * [from, to]" without a state lookup, so that deduplication reads its state only for the few ids the filters cannot
 * rule out. Never a false "not seen"; a false "maybe" only costs the lookup. Each slice holds as many filters as its
 * ids need (a scalable bloom filter), so the false-positive rate stays near 1% whatever the rate of ids.
 */
final class RecentIds {
    /** Ids per filter before the slice starts another: about 9.6 bits and 1% false positives per id. */
    static final int IDS_PER_FILTER = 1 << 16;
    private static final int BITS = IDS_PER_FILTER * 10;
    private static final int PROBES = 7;

    private final long sliceMs;
    /** Filters by slice start; the last filter of a slice is the one filling up. */
    private final TreeMap<Long, List<Filter>> slices = new TreeMap<>();

    RecentIds(long sliceMs) {
        if (sliceMs <= 0) throw new IllegalArgumentException("sliceMs must be positive");
        this.sliceMs = sliceMs;
    }

    /** An id hashed once, for both the lookup and the add of one event. */
    record Hashed(long h1, long h2) {}

    static Hashed hash(String id) {
        return new Hashed(hash1(id), hash2(id));
    }

    void add(Hashed id, long ts) {
        List<Filter> filters = slices.computeIfAbsent(sliceOf(ts), s -> new ArrayList<>(1));
        Filter last = filters.isEmpty() ? null : filters.get(filters.size() - 1);
        if (last == null || last.ids >= IDS_PER_FILTER) {
            last = new Filter();
            filters.add(last);
        }
        last.add(id);
    }

    /** False when no id equal to {@code id} was added with a ts in [from, to]. */
    boolean mightContain(Hashed id, long from, long to) {
        for (List<Filter> filters : slices.subMap(sliceOf(from), true, sliceOf(to), true).values()) {
            for (Filter f : filters) {
                if (f.mightContain(id)) return true;
            }
        }
        return false;
    }

    /** Forgets the slices that end at or before {@code ts}: no lookup will ask for them again. */
    void forgetUntil(long ts) {
        Iterator<Map.Entry<Long, List<Filter>>> it = slices.entrySet().iterator();
        while (it.hasNext() && it.next().getKey() + sliceMs <= ts) it.remove();
    }

    int filters() {
        int n = 0;
        for (List<Filter> f : slices.values()) n += f.size();
        return n;
    }

    private long sliceOf(long ts) {
        return ts - Math.floorMod(ts, sliceMs);
    }

    private static long hash1(String id) {
        return mix(id.hashCode() * 0x9E3779B97F4A7C15L);
    }

    private static long hash2(String id) {
        long h = 1125899906842597L;
        for (int i = 0; i < id.length(); i++) h = 31 * h + id.charAt(i);
        return mix(h) | 1; // odd: every probe lands on another bit
    }

    /** The finaliser of MurmurHash3: spreads every input bit over the output. */
    private static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }

    private static final class Filter {
        final long[] bits = new long[(BITS + 63) / 64];
        int ids;

        void add(Hashed id) {
            for (int i = 0; i < PROBES; i++) {
                int bit = bit(id, i);
                bits[bit >>> 6] |= 1L << bit;
            }
            ids++;
        }

        boolean mightContain(Hashed id) {
            for (int i = 0; i < PROBES; i++) {
                int bit = bit(id, i);
                if ((bits[bit >>> 6] & (1L << bit)) == 0) return false;
            }
            return true;
        }

        /** The i-th probe: double hashing. */
        private static int bit(Hashed id, int i) {
            return (int) Math.floorMod(id.h1() + i * id.h2(), (long) BITS);
        }
    }
}
