package io.tally.io;

import io.tally.attribution.Attribution;
import io.tally.event.AlertRule;
import io.tally.kpi.Kpi;
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
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;

/**
 * Parses the raw records of one input stream: typed records on the main output, everything unusable as a
 * {@link DeadLetter} on {@link #DEAD_LETTERS} (MALFORMED_JSON, MISSING_FIELD, INVALID_VALUE, LATE). Nothing a
 * producer sends can fail the job.
 *
 * <p>Lateness is decided here, per parallel instance, from the greatest ts this instance has let through: a record
 * with {@code ts < maxTs - bound} is LATE. A bounded-out-of-orderness watermark of the same bound, applied right
 * after this function, is {@code maxTs - bound - 1}, so every record let through is at or ahead of the watermark
 * and none is silently dropped by a window downstream; and the verdict depends only on the order of this
 * instance's input, not on timing.
 */
public class ParseFunction<T> extends ProcessFunction<RawRecord, T> implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;

    /** Dead letters of every stream share this tag, so one sink writes them all. */
    public static final OutputTag<DeadLetter> DEAD_LETTERS = DeadLetters.TAG;

    /** Payload bytes decoded for a dead letter: enough for {@link DeadLetter#MAX_PAYLOAD_CHARS} characters. */
    private static final int MAX_PAYLOAD_BYTES = 4 * DeadLetter.MAX_PAYLOAD_CHARS + 4;
    private static final long NONE = Long.MIN_VALUE;

    private final Stream stream;
    private final Class<T> type;
    private final long latenessBoundMs;
    private final long watermarkBoundMs;

    private transient RecordParser parser;
    private transient long maxTs;
    private transient ListState<Long> maxTsState;
    private transient Counter recordsIn;

    public ParseFunction(Stream stream, Class<T> type, long latenessBoundMs) {
        this(stream, type, latenessBoundMs, latenessBoundMs == Long.MAX_VALUE ? 0 : latenessBoundMs);
    }

    /**
     * @param watermarkBoundMs the bound of the watermark applied after this function, for the watermark-lag gauge
     *                         (the lateness bound of input streams; read-back streams tolerate any lateness)
     */
    public ParseFunction(Stream stream, Class<T> type, long latenessBoundMs, long watermarkBoundMs) {
        if (!RecordParser.recordType(stream).equals(type)) {
            throw new IllegalArgumentException("stream " + stream.wireName() + " holds "
                    + RecordParser.recordType(stream).getSimpleName() + ", not " + type.getSimpleName());
        }
        if (latenessBoundMs < 0) throw new IllegalArgumentException("negative lateness bound: " + latenessBoundMs);
        this.stream = stream;
        this.type = type;
        this.latenessBoundMs = latenessBoundMs;
        this.watermarkBoundMs = watermarkBoundMs;
    }

    /** Parses {@code raw} as records of {@code stream}; dead letters on {@link #DEAD_LETTERS} of the result. */
    public static <T> SingleOutputStreamOperator<T> apply(DataStream<RawRecord> raw, Stream stream, Class<T> type,
                                                          long latenessBoundMs) {
        return apply(raw, stream, type, latenessBoundMs, latenessBoundMs == Long.MAX_VALUE ? 0 : latenessBoundMs);
    }

    /** As {@link #apply(DataStream, Stream, Class, long)}, with the watermark bound applied after it. */
    public static <T> SingleOutputStreamOperator<T> apply(DataStream<RawRecord> raw, Stream stream, Class<T> type,
                                                          long latenessBoundMs, long watermarkBoundMs) {
        return raw.process(new ParseFunction<>(stream, type, latenessBoundMs, watermarkBoundMs))
                .returns(type)
                .uid("parse-" + stream.wireName())
                .name("Parse " + stream.wireName());
    }

    @Override
    public void open(OpenContext openContext) {
        parser = new RecordParser();
        // Per stream (label stream): records let through, and how far the stream's event time trails the wall
        // clock. Dead letters are counted once, by stream and reason, where they leave the job (CountDeadLetters).
        MetricGroup metrics = TallyMetrics.stream(getRuntimeContext().getMetricGroup(), stream);
        recordsIn = metrics.counter(TallyMetrics.RECORDS_IN);
        metrics.gauge(TallyMetrics.WATERMARK_LAG_MS, (Gauge<Long>) () ->
                maxTs == NONE ? -1L : Math.max(0L, System.currentTimeMillis() - (maxTs - watermarkBoundMs - 1)));
    }

    @Override
    public void processElement(RawRecord raw, Context ctx, Collector<T> out) {
        Object record;
        try {
            record = parser.parse(stream, raw.value);
        } catch (InvalidRecordException e) {
            deadLetter(raw, e.reason(), e.detail(), ctx);
            return;
        } catch (RuntimeException e) {
            // A parser bug must not turn one record into a restart loop: the record is set aside, visibly.
            deadLetter(raw, DeadLetterReason.INVALID_VALUE, "could not be read: " + e, ctx);
            return;
        }
        long ts = eventTs(record);
        if (maxTs != NONE && maxTs - ts > latenessBoundMs) {
            deadLetter(raw, DeadLetterReason.LATE, "ts " + ts + " is " + (maxTs - ts)
                    + " ms behind the stream's greatest ts " + maxTs + " (bound " + latenessBoundMs + " ms)", ctx);
            return;
        }
        maxTs = Math.max(maxTs, ts);
        recordsIn.inc();
        out.collect(type.cast(record));
    }

    private void deadLetter(RawRecord raw, DeadLetterReason reason, String detail, Context ctx) {
        ctx.output(DEAD_LETTERS, new DeadLetter(stream.wireName(), reason, detail, payload(raw.value),
                raw.topic, raw.partition, raw.offset));
    }

    /**
     * The raw bytes as text for a dead letter: malformed UTF-8 replaced, at most
     * {@link DeadLetter#MAX_PAYLOAD_CHARS} characters, never ending in half a surrogate pair. Only the bytes that
     * can matter are decoded, so a 10 MB record costs no more than a 40 KB one.
     */
    static String payload(byte[] value) {
        if (value == null) return null;
        int n = Math.min(value.length, MAX_PAYLOAD_BYTES);
        String text = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(value, 0, n)).toString();
        if (text.length() <= DeadLetter.MAX_PAYLOAD_CHARS) return text;
        int end = DeadLetter.MAX_PAYLOAD_CHARS;
        if (Character.isHighSurrogate(text.charAt(end - 1))) end--;
        return text.substring(0, end);
    }

    /**
     * Event time of a KPI record read back from its topic: a final record stands at the end of its window (it was
     * written when the watermark passed there); an update of an open window is given its window's start, so it never
     * moves event time ahead.
     */
    public static long kpiTs(Kpi k) {
        return k.isFinal ? k.windowEnd - 1 : k.windowStart;
    }

    /** Event time of a parsed record (the event classes share no interface: they are plain Flink POJOs). */
    static long eventTs(Object record) {
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

    // ---- state: the greatest ts let through by this instance ----

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        // Split (not union) redistribution: each instance gets its own maximum back. A union would hand every
        // instance the maximum of all, turning a slower partition's replayed records LATE after a restore.
        maxTsState = context.getOperatorStateStore()
                .getListState(new ListStateDescriptor<>("max-ts", Types.LONG));
        maxTs = NONE;
        for (Long ts : maxTsState.get()) {
            if (ts != null) maxTs = Math.max(maxTs, ts);
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        maxTsState.clear();
        if (maxTs != NONE) maxTsState.add(maxTs);
    }

    /** The greatest ts let through so far, Long.MIN_VALUE before the first; for tests. */
    long maxTs() {
        return maxTs;
    }
}
