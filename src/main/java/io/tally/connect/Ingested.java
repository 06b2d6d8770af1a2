package io.tally.connect;

import io.tally.io.DeadLetterReason;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One input record as its source read it: parsed and checked ({@link #record} and its event time {@link #ts}), or
 * rejected with the reason ({@link #reason}, {@link #detail}). The raw bytes and where they came from travel along, so
 * that a record judged LATE further on still becomes a complete dead letter.
 *
 * <p>Parsing happens in the source because the watermark is generated there, per partition (per replay file), from
 * the event time of the records that count: a watermark generated after the source would merge the partitions a task
 * reads and overtake the slower ones.
 */
public class Ingested<T> {
    /** The parsed record; null when rejected. */
    public T record;
    /** Event time of {@link #record}; {@link Long#MIN_VALUE} when rejected. */
    public long ts = Long.MIN_VALUE;
    /** Why the record is unusable (MALFORMED_JSON, MISSING_FIELD, INVALID_VALUE, FUTURE); null when parsed. */
    public DeadLetterReason reason;
    public String detail;
    /** The raw bytes as read. */
    public byte[] value;
    /** Kafka coordinates; null for a line of a replay file. */
    public String topic;
    public Integer partition;
    public Long offset;

    public Ingested() {}

    public boolean accepted() {
        return reason == null;
    }

    private Ingested(byte[] value, String topic, Integer partition, Long offset) {
        this.value = value;
        this.topic = topic;
        this.partition = partition;
        this.offset = offset;
    }

    static <T> Ingested<T> accepted(T record, long ts, byte[] value, String topic, Integer partition, Long offset) {
        Ingested<T> in = new Ingested<>(value, topic, partition, offset);
        in.record = record;
        in.ts = ts;
        return in;
    }

    static <T> Ingested<T> rejected(DeadLetterReason reason, String detail, byte[] value, String topic,
                                    Integer partition, Long offset) {
        Ingested<T> in = new Ingested<>(value, topic, partition, offset);
        in.reason = reason;
        in.detail = detail;
        return in;
    }

    /** Flink's POJO type of an envelope holding records of {@code type} (declared field by field: T is erased). */
    @SuppressWarnings({"unchecked", "rawtypes"})
    public static <T> TypeInformation<Ingested<T>> typeOf(Class<T> type) {
        Map<String, TypeInformation<?>> fields = new LinkedHashMap<>();
        fields.put("record", TypeInformation.of(type));
        fields.put("ts", Types.LONG);
        fields.put("reason", Types.ENUM(DeadLetterReason.class));
        fields.put("detail", Types.STRING);
        fields.put("value", Types.PRIMITIVE_ARRAY(Types.BYTE));
        fields.put("topic", Types.STRING);
        fields.put("partition", Types.INT);
        fields.put("offset", Types.LONG);
        return (TypeInformation) Types.POJO(Ingested.class, fields);
    }
}
