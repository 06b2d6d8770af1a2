package io.tally.alert;

import io.tally.event.AlertRule;
import io.tally.kpi.Kpi;

/**
 * What {@link EvaluateAlerts} is keyed by: a KPI dimension, a key of it and a window size. The keyed stream carries
 * it as the string {@link EvaluateAlerts#keyOf}; this is that string read back, once per call.
 */
record AlertKey(String dimension, String key, long windowSize) {

    /** The key of a KPI record: its dimension, its key and its window's size. */
    static AlertKey of(Kpi record) {
        return new AlertKey(record.dimension, record.key, record.windowEnd - record.windowStart);
    }

    /**
     * Reads {@code dimension|key|windowSize} back. A dimension has no '|', a key may have some: it is everything
     * between the first '|' and the last.
     */
    static AlertKey parse(String keyed) {
        int first = keyed.indexOf('|');
        int last = keyed.lastIndexOf('|');
        return new AlertKey(keyed.substring(0, first), keyed.substring(first + 1, last),
                Long.parseLong(keyed.substring(last + 1)));
    }

    /** Whether an enabled rule (version) watches this key's dimension and window size. */
    boolean watchedBy(AlertRule rule) {
        return rule.enabled && dimension.equals(rule.dimension) && rule.windowMs == windowSize;
    }
}
