package io.tally.event;

import java.io.Serializable;
import java.util.Objects;

/**
 * A version of an alert rule (stream {@code alert-rules}, CONTRACT section 5). The threshold is one of three
 * forms, flattened into fields so the record stays a Flink POJO: a number ({@link #thresholdValue}), another
 * metric of the same KPI record ({@link #thresholdMetric}), or a baseline ({@link #baselineWindows} x
 * {@link #baselineFactor}).
 */
public class AlertRule implements Serializable {
    /**
     * Serializable because the alerts stage's function carries the configured rules (jobs/alerts.yaml) and is
     * serialized when the job is built. Flink still reads it as a POJO.
     */
    private static final long serialVersionUID = 1L;

    public String ruleId;
    public long ts;
    /** KPI dimension: ALL, MERCHANT, CREATOR, CONTENT, PRODUCT, TIER or FORMAT. */
    public String dimension;
    /** Window size in ms (one of the KPI sizes). */
    public Long windowMs;
    public String metric;
    /** One of {@code >}, {@code >=}, {@code <}, {@code <=}. */
    public String op;
    public Double thresholdValue;
    public String thresholdMetric;
    public Integer baselineWindows;
    public Double baselineFactor;
    public String minSampleMetric;
    public Double minSampleValue;
    public int forWindows = 1;
    public boolean early;
    public boolean enabled = true;

    public AlertRule() {}

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof AlertRule)) return false;
        AlertRule r = (AlertRule) o;
        return ts == r.ts && forWindows == r.forWindows && early == r.early && enabled == r.enabled
                && Objects.equals(ruleId, r.ruleId) && Objects.equals(dimension, r.dimension)
                && Objects.equals(windowMs, r.windowMs) && Objects.equals(metric, r.metric)
                && Objects.equals(op, r.op) && Objects.equals(thresholdValue, r.thresholdValue)
                && Objects.equals(thresholdMetric, r.thresholdMetric)
                && Objects.equals(baselineWindows, r.baselineWindows)
                && Objects.equals(baselineFactor, r.baselineFactor)
                && Objects.equals(minSampleMetric, r.minSampleMetric)
                && Objects.equals(minSampleValue, r.minSampleValue);
    }

    @Override
    public int hashCode() {
        return Objects.hash(ruleId, ts);
    }

    @Override
    public String toString() {
        return "AlertRule{" + ruleId + " ts=" + ts + " " + dimension + "/" + windowMs + "ms " + metric + " " + op
                + " value=" + thresholdValue + " metric=" + thresholdMetric + " baseline=" + baselineWindows + "x"
                + baselineFactor + " for=" + forWindows + (early ? " early" : "") + (enabled ? "" : " disabled") + "}";
    }
}
