package io.tally.pipeline;

import io.tally.event.Stream;
import io.tally.io.DeadLetterReason;
import io.tally.io.DeadLetters;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.io.Serializable;
import java.util.function.ToLongFunction;

/**
 * Drops an event whose id was already seen in the same stream within the dedup horizon (CONTRACT section 3.9), keyed
 * by the event's id: the first occurrence passes, later ones go to dead letters as DUPLICATE. The id is remembered
 * until the watermark passes first ts + horizon.
 */
public class Deduplicate<T> extends KeyedProcessFunction<String, T, T> {
    private static final long serialVersionUID = 1L;

    /** A serializable ts accessor. */
    public interface Timestamp<T> extends ToLongFunction<T>, Serializable {}

    private final Stream stream;
    private final long horizonMs;
    private final Timestamp<T> timestamp;

    /** ts of the occurrence that passed. */
    private transient ValueState<Long> seenAt;

    public Deduplicate(Stream stream, long horizonMs, Timestamp<T> timestamp) {
        this.stream = stream;
        this.horizonMs = horizonMs;
        this.timestamp = timestamp;
    }

    @Override
    public void open(OpenContext openContext) {
        seenAt = getRuntimeContext().getState(new ValueStateDescriptor<>("seen-at", Types.LONG));
    }

    @Override
    public void processElement(T event, Context ctx, Collector<T> out) throws Exception {
        long ts = timestamp.applyAsLong(event);
        Long seen = seenAt.value();
        if (seen != null && Math.abs(ts - seen) <= horizonMs) {
            ctx.output(DeadLetters.TAG, DeadLetters.of(stream, DeadLetterReason.DUPLICATE,
                    "id " + ctx.getCurrentKey() + " already seen at ts " + seen, event));
            return;
        }
        seenAt.update(ts);
        ctx.timerService().registerEventTimeTimer(ts + horizonMs);
        out.collect(event);
    }

    @Override
    public void onTimer(long time, OnTimerContext ctx, Collector<T> out) throws Exception {
        Long seen = seenAt.value();
        if (seen != null && seen + horizonMs <= time) seenAt.clear();
    }
}
