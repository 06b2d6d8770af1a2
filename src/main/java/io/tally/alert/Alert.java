package io.tally.alert;

import java.util.Objects;

/** A change of an alert's state (CONTRACT section 5). */
public class Alert {
    /** ruleId|dimension|key|windowStart of the first slot of the streak. */
    public String alertId;
    public String ruleId;
    public String dimension;
    public String key;
    public String metric;
    public String op;
    public Double value;
    public Double threshold;
    public AlertState state;
    public long windowStart;
    public long windowEnd;
    /** The end of the slot that caused the change. */
    public long ts;

    public Alert() {}

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Alert)) return false;
        Alert a = (Alert) o;
        return windowStart == a.windowStart && windowEnd == a.windowEnd && ts == a.ts
                && Objects.equals(alertId, a.alertId) && Objects.equals(ruleId, a.ruleId)
                && Objects.equals(dimension, a.dimension) && Objects.equals(key, a.key)
                && Objects.equals(metric, a.metric) && Objects.equals(op, a.op) && Objects.equals(value, a.value)
                && Objects.equals(threshold, a.threshold) && state == a.state;
    }

    @Override
    public int hashCode() {
        return Objects.hash(alertId, state, ts);
    }

    @Override
    public String toString() {
        return "Alert{" + alertId + " " + state + " " + metric + "=" + value + " " + op + " " + threshold + " ts=" + ts
                + "}";
    }
}
