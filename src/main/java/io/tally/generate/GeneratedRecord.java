package io.tally.generate;

import io.tally.event.Record;
import io.tally.event.Stream;
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

    /** The Kafka key ({@link Record#kafkaKey()}); null for a raw line. */
    public String key() {
        return record instanceof Record r ? r.kafkaKey() : null;
    }

    @Override
    public String toString() {
        return stream.wireName() + " " + json();
    }
}
