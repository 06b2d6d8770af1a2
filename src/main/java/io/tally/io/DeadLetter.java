package io.tally.io;

import java.util.Objects;

/** A record that could not be used, with the reason and where it came from (CONTRACT section 6). */
public class DeadLetter {
    /** Longest payload kept, in characters. */
    public static final int MAX_PAYLOAD_CHARS = 10_000;

    /** Wire name of the stream the record came from, e.g. "clicks". */
    public String stream;
    public DeadLetterReason reason;
    /** Human-readable detail, naming the offending field where there is one. */
    public String detail;
    /** The raw record, cut at {@link #MAX_PAYLOAD_CHARS} characters. */
    public String payload;
    /** Kafka coordinates; null when the record did not come from Kafka. */
    public String topic;
    public Integer partition;
    public Long offset;

    public DeadLetter() {}

    public DeadLetter(String stream, DeadLetterReason reason, String detail, String payload,
                      String topic, Integer partition, Long offset) {
        this.stream = stream;
        this.reason = reason;
        this.detail = detail;
        this.payload = cut(payload);
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
    }

    public static String cut(String payload) {
        if (payload == null || payload.length() <= MAX_PAYLOAD_CHARS) return payload;
        return payload.substring(0, MAX_PAYLOAD_CHARS);
    }

    /** Records are equal when they say the same on the wire. */
    @Override
    public boolean equals(Object o) {
        return Json.same(this, o);
    }

    @Override
    public int hashCode() {
        return Objects.hash(stream, reason, payload);
    }

    @Override
    public String toString() {
        return Json.show(this);
    }
}
