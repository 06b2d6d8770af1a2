package io.tally.alert;

import io.tally.event.Record;
import io.tally.io.Json;

import java.util.Objects;

/** A change of an alert's state (CONTRACT section 5). */
public class Alert implements Record {
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
    public long eventTime() {
        return ts;
    }

    /** The alertId: a compacted topic keeps the latest state of each alert. */
    @Override
    public String kafkaKey() {
        return alertId;
    }

    /** Records are equal when they say the same on the wire. */
    @Override
    public boolean equals(Object o) {
        return Json.same(this, o);
    }

    @Override
    public int hashCode() {
        return Objects.hash(alertId, state, ts);
    }

    @Override
    public String toString() {
        return Json.show(this);
    }
}
