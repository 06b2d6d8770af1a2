package io.tally.connect;

import io.tally.attribution.Attribution;
import io.tally.event.AlertRule;
import io.tally.event.Click;
import io.tally.event.CommissionRule;
import io.tally.event.Creator;
import io.tally.event.Engagement;
import io.tally.event.Order;
import io.tally.event.OrderUpdate;
import io.tally.event.Product;
import io.tally.event.Record;
import io.tally.event.Review;
import io.tally.event.Spend;
import io.tally.event.Stream;
import io.tally.event.View;
import io.tally.io.DeadLetterReason;
import io.tally.io.InvalidRecordException;
import io.tally.io.Json;
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

    /**
     * @param maxFutureSkewMs how far ahead of its arrival a record may be stamped; {@link Long#MAX_VALUE}: no limit
     *                        (Tally's own outputs read back, stamped with their event time by Tally itself)
     */
    public RecordReader(Stream stream, Class<T> type, long maxFutureSkewMs) {
        if (!recordType(stream).equals(type)) {
            throw new IllegalArgumentException("stream " + stream.wireName() + " holds "
                    + recordType(stream).getSimpleName() + ", not " + type.getSimpleName());
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
        T record;
        try {
            record = Json.read(type, value);
        } catch (InvalidRecordException e) {
            return Ingested.rejected(e.reason(), e.detail(), value, topic, partition, offset);
        } catch (RuntimeException e) {
            // A parser bug must not turn one record into a restart loop: the record is set aside, visibly.
            return Ingested.rejected(DeadLetterReason.INVALID_VALUE, "could not be read: " + e, value, topic,
                    partition, offset);
        }
        long ts = ((Record) record).eventTime();
        if (arrival != UNKNOWN_ARRIVAL && ts > arrival && ts - arrival > maxFutureSkewMs) {
            return Ingested.rejected(DeadLetterReason.FUTURE, "ts " + ts + " is " + (ts - arrival)
                    + " ms ahead of its arrival time " + arrival + " (maxFutureSkew " + maxFutureSkewMs + " ms)",
                    value, topic, partition, offset);
        }
        return Ingested.accepted(record, ts, value, topic, partition, offset);
    }

    /** The record class of a stream Tally reads: an input stream, or one of its own outputs read back. */
    public static Class<? extends Record> recordType(Stream stream) {
        return switch (stream) {
            case VIEWS -> View.class;
            case ENGAGEMENTS -> Engagement.class;
            case CLICKS -> Click.class;
            case ORDERS -> Order.class;
            case ORDER_UPDATES -> OrderUpdate.class;
            case COMMISSION_RULES -> CommissionRule.class;
            case PRODUCTS -> Product.class;
            case CREATORS -> Creator.class;
            case SPEND -> Spend.class;
            case REVIEWS -> Review.class;
            case ALERT_RULES -> AlertRule.class;
            case ATTRIBUTIONS -> Attribution.class;
            case KPIS -> Kpi.class;
            default -> throw new IllegalArgumentException("Tally does not read stream " + stream.wireName());
        };
    }
}
