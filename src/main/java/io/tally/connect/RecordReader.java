package io.tally.connect;

import io.tally.io.DeadLetterReason;
import io.tally.io.InvalidRecordException;
import io.tally.io.RecordParser;
import io.tally.attribution.Attribution;
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
import io.tally.kpi.Kpi;
import org.apache.flink.api.common.typeinfo.TypeInformation;

import java.io.Serializable;

/**
 * Reads the raw records of one stream where its source reads them: parses and validates each into an
 * {@link Ingested} (MALFORMED_JSON, MISSING_FIELD, INVALID_VALUE) and sets aside a record stamped more than
 * {@code maxFutureSkew} ahead of its arrival time as FUTURE (CONTRACT section 1), so that it moves no watermark.
 * Never throws: nothing a producer sends can fail a source.
 */
public final class RecordReader<T> implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Arrival time when none is known (a Kafka record without timestamp): no record is FUTURE. */
    public static final long UNKNOWN_ARRIVAL = Long.MIN_VALUE;

    private final Stream stream;
    private final Class<T> type;
    private final long maxFutureSkewMs;
    private transient RecordParser parser;

    /**
     * @param maxFutureSkewMs how far ahead of its arrival a record may be stamped; {@link Long#MAX_VALUE}: no limit
     *                        (Tally's own outputs read back, stamped with their event time by Tally itself)
     */
    public RecordReader(Stream stream, Class<T> type, long maxFutureSkewMs) {
        if (!RecordParser.recordType(stream).equals(type)) {
            throw new IllegalArgumentException("stream " + stream.wireName() + " holds "
                    + RecordParser.recordType(stream).getSimpleName() + ", not " + type.getSimpleName());
        }
        if (maxFutureSkewMs < 0) throw new IllegalArgumentException("negative future skew: " + maxFutureSkewMs);
        this.stream = stream;
        this.type = type;
        this.maxFutureSkewMs = maxFutureSkewMs;
    }

    public Stream stream() {
        return stream;
    }

    public Class<T> type() {
        return type;
    }

    public TypeInformation<Ingested<T>> producedType() {
        return Ingested.typeOf(type);
    }

    /**
     * @param arrival when the record arrived (the Kafka record's timestamp; in replay, the replay's "now"), or
     *                {@link #UNKNOWN_ARRIVAL}
     */
    public Ingested<T> read(byte[] value, String topic, Integer partition, Long offset, long arrival) {
        if (parser == null) parser = new RecordParser();
        Object record;
        try {
            record = parser.parse(stream, value);
        } catch (InvalidRecordException e) {
            return Ingested.rejected(e.reason(), e.detail(), value, topic, partition, offset);
        } catch (RuntimeException e) {
            // A parser bug must not turn one record into a restart loop: the record is set aside, visibly.
            return Ingested.rejected(DeadLetterReason.INVALID_VALUE, "could not be read: " + e, value, topic,
                    partition, offset);
        }
        long ts = eventTs(record);
        if (arrival != UNKNOWN_ARRIVAL && ts > arrival && ts - arrival > maxFutureSkewMs) {
            return Ingested.rejected(DeadLetterReason.FUTURE, "ts " + ts + " is " + (ts - arrival)
                    + " ms ahead of its arrival time " + arrival + " (maxFutureSkew " + maxFutureSkewMs + " ms)",
                    value, topic, partition, offset);
        }
        return Ingested.accepted(type.cast(record), ts, value, topic, partition, offset);
    }

    /**
     * Event time of a KPI record read back from its topic: a final record stands at the end of its window (it was
     * written when the watermark passed there). An update of an open window says nothing of how far event time has
     * come (it was written by processing time, ahead of finals still to come in its partition): it gets the least
     * timestamp, so that it moves no watermark.
     */
    public static long kpiTs(Kpi k) {
        return k.isFinal ? k.windowEnd - 1 : Long.MIN_VALUE;
    }

    /** Event time of a parsed record (the event classes share no interface: they are plain Flink POJOs). */
    public static long eventTs(Object record) {
        if (record instanceof View) return ((View) record).ts;
        if (record instanceof Engagement) return ((Engagement) record).ts;
        if (record instanceof Click) return ((Click) record).ts;
        if (record instanceof Order) return ((Order) record).ts;
        if (record instanceof OrderUpdate) return ((OrderUpdate) record).ts;
        if (record instanceof CommissionRule) return ((CommissionRule) record).ts;
        if (record instanceof Product) return ((Product) record).ts;
        if (record instanceof Creator) return ((Creator) record).ts;
        if (record instanceof Spend) return ((Spend) record).ts;
        if (record instanceof AlertRule) return ((AlertRule) record).ts;
        if (record instanceof Attribution) return ((Attribution) record).ts;
        if (record instanceof Kpi) return kpiTs((Kpi) record);
        throw new IllegalArgumentException("not an input record: " + record.getClass().getName());
    }
}
