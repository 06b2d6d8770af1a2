package io.tally.alert;

import io.tally.event.AlertRule;
import io.tally.event.Metric;
import io.tally.event.Op;
import io.tally.kpi.Kpi;

import java.util.Map;

/** When a window slot breaches a rule (CONTRACT sections 5 and 8). Pure functions. */
public final class Thresholds {
    private Thresholds() {}

    /**
     * The threshold of a rule for a record: a number, another metric of the same record, or F x the mean of the
     * metric over the key's N previous slots that have a final record with a non-null value (null — not breaching —
     * with fewer than ceil(N/2) such slots).
     *
     * @param previousFinals final records of the key's previous slots, by windowStart
     */
    public static Double threshold(AlertRule rule, Kpi record, Map<Long, Kpi> previousFinals) {
        return threshold(rule, record, (Previous) previousFinals::get);
    }

    /** The final record of a previous slot, by its windowStart; null when the slot had none. */
    @FunctionalInterface
    public interface Previous {
        Kpi at(long windowStart) throws Exception;
    }

    /** As {@link #threshold(AlertRule, Kpi, Map)}, reading previous slots on demand (only baselines read any). */
    public static Double threshold(AlertRule rule, Kpi record, Previous previousFinals) {
        if (rule.thresholdValue != null) return rule.thresholdValue;
        if (rule.thresholdMetric != null) return record.value(Metric.of(rule.thresholdMetric));
        long size = record.windowEnd - record.windowStart;
        Metric metric = rule.metric();
        double sum = 0;
        int slots = 0;
        for (int i = 1; i <= rule.baselineWindows; i++) {
            Kpi previous;
            try {
                previous = previousFinals.at(record.windowStart - i * size);
            } catch (Exception e) {
                throw new IllegalStateException("reading the baseline history failed", e);
            }
            Double v = previous == null ? null : previous.value(metric);
            if (v != null) {
                sum += v;
                slots++;
            }
        }
        if (slots < (rule.baselineWindows + 1) / 2) return null;
        return rule.baselineFactor * (sum / slots);
    }

    /** Whether the minimum sample is met (metric >= value); always, without a minimum sample. */
    public static boolean sampleMet(AlertRule rule, Kpi record) {
        if (rule.minSampleMetric == null) return true;
        Double v = record.value(Metric.of(rule.minSampleMetric));
        return v != null && v >= rule.minSampleValue;
    }

    /**
     * Whether the rule's further condition {@code alsoRequire} holds on the same record (CONTRACT section 8):
     * {@code record.value(metric) op value}, false where that value is null; always, without one.
     */
    public static boolean alsoRequired(AlertRule rule, Kpi record) {
        if (rule.alsoRequireMetric == null) return true;
        return holds(record.value(Metric.of(rule.alsoRequireMetric)), Op.of(rule.alsoRequireOp), rule.alsoRequireValue);
    }

    /**
     * Whether the slot of {@code record} breaches: the minimum sample is met, the further condition holds, and
     * {@code value op threshold} holds with non-null values.
     */
    public static boolean breaches(AlertRule rule, Kpi record, Double value, Double threshold) {
        return sampleMet(rule, record) && alsoRequired(rule, record) && holds(value, rule.operator(), threshold);
    }

    /** value op threshold, false where either is null. */
    public static boolean holds(Double value, Op op, Double threshold) {
        return value != null && threshold != null && op.holds(value, threshold);
    }
}
