package io.tally.generate;

import io.tally.event.AlertRule;
import io.tally.event.Click;
import io.tally.event.CommissionRule;
import io.tally.event.Creator;
import io.tally.event.Engagement;
import io.tally.event.Order;
import io.tally.event.OrderUpdate;
import io.tally.event.Product;
import io.tally.event.Spend;
import io.tally.event.Stream;
import io.tally.event.View;
import io.tally.io.Json;

/**
 * One line of an input stream as the generator emits it: a typed record of {@code io.tally.event}, or, for the
 * invalid-input scenario, a raw line that is deliberately not a valid record.
 */
public final class GeneratedRecord {
    private final Stream stream;
    private final Object record;
    private final String rawLine;
    private final long ts;

    private GeneratedRecord(Stream stream, Object record, String rawLine, long ts) {
        this.stream = stream;
        this.record = record;
        this.rawLine = rawLine;
        this.ts = ts;
    }

    static GeneratedRecord of(Stream stream, Object record, long ts) {
        return new GeneratedRecord(stream, record, null, ts);
    }

    static GeneratedRecord raw(Stream stream, String line, long ts) {
        return new GeneratedRecord(stream, null, line, ts);
    }

    public Stream stream() {
        return stream;
    }

    /** The typed record; null for a raw (invalid) line. Shared with the simulation and re-sends: do not change it. */
    public Object record() {
        return record;
    }

    /** True for a deliberately invalid line: {@link #record()} is null and {@link #json()} is the raw text. */
    public boolean isRaw() {
        return record == null;
    }

    /** Event time in epoch ms (for a raw line, the time it was emitted at). */
    public long ts() {
        return ts;
    }

    /** The line as written to a replay file or a Kafka value. */
    public String json() {
        return rawLine != null ? rawLine : Json.write(record);
    }

    /**
     * The Kafka key: the record's natural id, so that one key's records keep their order in one partition. Views,
     * engagements, clicks and orders: userId (attribution joins a user's touches and orders); order updates: orderId;
     * spend: creatorId; products, creators: their id; commission and alert rules: ruleId. Null for a raw line.
     */
    public String key() {
        if (record instanceof View v) return v.userId;
        if (record instanceof Engagement e) return e.userId;
        if (record instanceof Click c) return c.userId;
        if (record instanceof Order o) return o.userId;
        if (record instanceof OrderUpdate u) return u.orderId;
        if (record instanceof Spend s) return s.creatorId;
        if (record instanceof Product p) return p.productId;
        if (record instanceof Creator c) return c.creatorId;
        if (record instanceof CommissionRule r) return r.ruleId;
        if (record instanceof AlertRule r) return r.ruleId;
        return null;
    }

    @Override
    public String toString() {
        return stream.wireName() + " " + json();
    }
}
