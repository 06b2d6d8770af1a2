package io.tally.event;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToLongFunction;

/**
 * Versioned streams read "as of" event time (CONTRACT section 2): the version in force at T is the one with the
 * greatest ts <= T. Versions are kept in lists sorted by ts; lists are replaced, never mutated, so a reader never
 * sees a half-updated list.
 */
public final class AsOf {
    private AsOf() {}

    /** The version in force at {@code at}, or null. */
    public static <T> T find(List<T> versions, ToLongFunction<T> ts, long at) {
        if (versions == null) return null;
        for (int i = versions.size() - 1; i >= 0; i--) {
            T v = versions.get(i);
            if (ts.applyAsLong(v) <= at) return v;
        }
        return null;
    }

    /**
     * A new list with {@code version} inserted in ts order; a version with the same ts is replaced (the later record
     * of the stream wins), and versions no lookup can reach any more are dropped: every version older than the one in
     * force at {@code watermark}, since every pending lookup is at a time after the watermark.
     */
    public static <T> List<T> insert(List<T> versions, T version, ToLongFunction<T> ts, long watermark) {
        List<T> result = new ArrayList<>(versions == null ? 1 : versions.size() + 1);
        long vts = ts.applyAsLong(version);
        boolean inserted = false;
        if (versions != null) {
            for (T v : versions) {
                long t = ts.applyAsLong(v);
                if (!inserted && vts <= t) {
                    result.add(version);
                    inserted = true;
                    if (vts == t) continue;
                }
                result.add(v);
            }
        }
        if (!inserted) result.add(version);
        return prune(result, ts, watermark);
    }

    /**
     * The versions a lookup after {@code watermark} can still reach: the one in force at the watermark and later ones
     * (the same list when nothing is dropped).
     */
    public static <T> List<T> prune(List<T> versions, ToLongFunction<T> ts, long watermark) {
        int inForce = -1;
        for (int i = 0; i < versions.size() && ts.applyAsLong(versions.get(i)) <= watermark; i++) inForce = i;
        return inForce > 0 ? new ArrayList<>(versions.subList(inForce, versions.size())) : versions;
    }
}
