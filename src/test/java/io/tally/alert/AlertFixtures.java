package io.tally.alert;

import io.tally.event.AlertRule;
import io.tally.kpi.Kpi;

import java.util.function.Consumer;

/**
 * Alert rules and KPI records for the alert tests. Unless a test says otherwise, rules watch the CREATOR c1 over
 * one-minute windows, and records are the final records of that key.
 */
final class AlertFixtures {
    static final long MINUTE = 60_000;
    static final String DIMENSION = "CREATOR";
    static final String KEY = "c1";

    private AlertFixtures() {}

    /** {@code metric op threshold}, a number. */
    static AlertRule rule(String ruleId, long ts, String metric, String op, double threshold) {
        AlertRule r = base(ruleId, ts, metric, op);
        r.thresholdValue = threshold;
        return r;
    }

    /** {@code metric op otherMetric} of the same record. */
    static AlertRule versus(String ruleId, long ts, String metric, String op, String otherMetric) {
        AlertRule r = base(ruleId, ts, metric, op);
        r.thresholdMetric = otherMetric;
        return r;
    }

    /** {@code metric op factor x mean(metric over the previous windows slots)}. */
    static AlertRule baseline(String ruleId, long ts, String metric, String op, int windows, double factor) {
        AlertRule r = base(ruleId, ts, metric, op);
        r.baselineWindows = windows;
        r.baselineFactor = factor;
        return r;
    }

    /** The version of {@code ruleId} that removes it from {@code ts} on. */
    static AlertRule disabled(String ruleId, long ts) {
        AlertRule r = new AlertRule();
        r.ruleId = ruleId;
        r.ts = ts;
        r.enabled = false;
        return r;
    }

    /** {@code rule}, changed by {@code change}: e.g. {@code with(rule, r -> r.forWindows = 3)}. */
    static AlertRule with(AlertRule rule, Consumer<AlertRule> change) {
        change.accept(rule);
        return rule;
    }

    static AlertRule minSample(AlertRule rule, String metric, double value) {
        return with(rule, r -> {
            r.minSampleMetric = metric;
            r.minSampleValue = value;
        });
    }

    /** {@code rule} with the further condition {@code alsoRequire} {metric, op, value} (CONTRACT section 8). */
    static AlertRule alsoRequire(AlertRule rule, String metric, String op, double value) {
        return with(rule, r -> {
            r.alsoRequireMetric = metric;
            r.alsoRequireOp = op;
            r.alsoRequireValue = value;
        });
    }

    private static AlertRule base(String ruleId, long ts, String metric, String op) {
        AlertRule r = new AlertRule();
        r.ruleId = ruleId;
        r.ts = ts;
        r.dimension = DIMENSION;
        r.windowMs = MINUTE;
        r.metric = metric;
        r.op = op;
        return r;
    }

    /** The final record of c1's one-minute slot number {@code slot} (windowStart = slot minutes), all metrics 0. */
    static Kpi slot(int slot) {
        return record(DIMENSION, KEY, slot * MINUTE, MINUTE, true);
    }

    /** The final record of slot {@code slot}, changed by {@code change}. */
    static Kpi slot(int slot, Consumer<Kpi> change) {
        Kpi k = slot(slot);
        change.accept(k);
        return k;
    }

    /** The final record of slot {@code slot} with {@code clicks} clicks (the metric most tests watch). */
    static Kpi clicks(int slot, long clicks) {
        return slot(slot, k -> k.clicks = clicks);
    }

    /** An update of slot {@code slot} while it is open ({@code final} false) with {@code clicks} clicks. */
    static Kpi openClicks(int slot, long clicks) {
        Kpi k = clicks(slot, clicks);
        k.isFinal = false;
        return k;
    }

    static Kpi record(String dimension, String key, long windowStart, long size, boolean isFinal) {
        Kpi k = new Kpi();
        k.dimension = dimension;
        k.key = key;
        k.windowStart = windowStart;
        k.windowEnd = windowStart + size;
        k.isFinal = isFinal;
        return k;
    }

    /** An alert as the contract writes it; {@code slot} is the slot that caused the change. */
    static Alert alert(String ruleId, long streakStartSlot, String metric, String op, Double value, Double threshold,
                       AlertState state, int slot) {
        Alert a = new Alert();
        a.alertId = ruleId + "|" + DIMENSION + "|" + KEY + "|" + streakStartSlot * MINUTE;
        a.ruleId = ruleId;
        a.dimension = DIMENSION;
        a.key = KEY;
        a.metric = metric;
        a.op = op;
        a.value = value;
        a.threshold = threshold;
        a.state = state;
        a.windowStart = slot * MINUTE;
        a.windowEnd = (slot + 1) * MINUTE;
        a.ts = (slot + 1) * MINUTE;
        return a;
    }

    /** The end of slot {@code slot} minus 1 ms: the watermark at which the slot is evaluated. */
    static long endOf(int slot) {
        return (slot + 1) * MINUTE - 1;
    }
}
