package io.tally.connect;

import io.tally.core.DeadLetters;
import io.tally.core.TallyMetrics;
import io.tally.event.Stream;
import io.tally.io.DeadLetter;
import io.tally.io.DeadLetterReason;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.ProcessOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.util.Collector;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.BitSet;

/**
 * Lets the records a source read into the job, judging lateness per partition (per replay file): a record more than
 * the bound behind the greatest ts its own partition has let through, or at or behind the watermark, is LATE; a
 * record its source rejected leaves with the source's reason. Everything unusable becomes a {@link DeadLetter} on
 * {@link DeadLetters#TAG}; nothing a producer sends fails the job.
 *
 * <p>Runs chained to its source, so it sees each partition's records in the order {@link PartitionWatermarks} saw
 * them, and its greatest ts per partition is never behind the generator's: every record let through is ahead of the
 * watermark. A partition read faster than another never makes the other's records late. The greatest ts of each
 * partition is checkpointed and handed to every task on restore (a partition may be read by another task after a
 * rescale); watermarks restart from nothing, so without it a record that was late before a failure could slip in after.
 */
public class Admit<T> extends ProcessFunction<Ingested<T>, T> implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;

    /** Payload bytes decoded for a dead letter: enough for {@link DeadLetter#MAX_PAYLOAD_CHARS} characters. */
    private static final int MAX_PAYLOAD_BYTES = 4 * DeadLetter.MAX_PAYLOAD_CHARS + 4;
    private static final long NONE = Long.MIN_VALUE;
    /** Index of a replay file's records (no partition) in {@link #maxTs}. */
    private static final int FILE = 0;

    private final Stream stream;
    private final long latenessBoundMs;
    private final long watermarkBoundMs;

    /** Greatest ts let through, by partition + 1 (index 0: a replay file). */
    private transient long[] maxTs;
    private transient ListState<Tuple2<Integer, Long>> maxTsState;
    /** Slots of the partitions this task has let records through from since it started (not merely restored). */
    private transient BitSet readHere;
    private transient Counter recordsIn;

    /**
     * @param latenessBoundMs  how far behind its partition's greatest ts a record may be; {@link Long#MAX_VALUE}:
     *                         never LATE (Tally's own outputs read back, which the operators downstream tolerate)
     * @param watermarkBoundMs the bound of the source's watermark, for the watermark-lag gauge
     */
    public Admit(Stream stream, long latenessBoundMs, long watermarkBoundMs) {
        if (latenessBoundMs < 0) throw new IllegalArgumentException("negative lateness bound: " + latenessBoundMs);
        this.stream = stream;
        this.latenessBoundMs = latenessBoundMs;
        this.watermarkBoundMs = watermarkBoundMs;
    }

    /**
     * Admits the records of {@code in}, at its parallelism so that it chains to the source and sees each partition
     * in the order it was read; dead letters on {@link DeadLetters#TAG} of the result.
     */
    public static <T> SingleOutputStreamOperator<T> apply(DataStream<Ingested<T>> in, Stream stream, Class<T> type,
                                                          long latenessBoundMs, long watermarkBoundMs) {
        SingleOutputStreamOperator<T> admitted = in.transform("Admit " + stream.wireName(), TypeInformation.of(type),
                        new Operator<>(new Admit<T>(stream, latenessBoundMs, watermarkBoundMs)))
                .uid("admit-" + stream.wireName());
        admitted.setParallelism(in.getParallelism());
        return admitted;
    }

    /**
     * Runs the function and carries the end of event time past an idle source. When a source whose partitions all
     * went idle is drained ({@code flink stop --drain}) or reaches the end of a bounded input, Flink drops the final
     * watermark it emits, because the source's output is marked idle: windows still open and orders still waiting
     * would never be completed. At the end of its input this operator marks its output active again and sends that
     * final watermark itself, as the end of a replay does.
     */
    static final class Operator<T> extends ProcessOperator<Ingested<T>, T> implements BoundedOneInput {
        private static final long serialVersionUID = 1L;
        private transient boolean idle;

        Operator(Admit<T> admit) {
            super(admit);
        }

        @Override
        public void processWatermarkStatus(WatermarkStatus status) throws Exception {
            idle = status.isIdle();
            super.processWatermarkStatus(status);
        }

        @Override
        public void endInput() throws Exception {
            if (idle) {
                idle = false;
                output.emitWatermarkStatus(WatermarkStatus.ACTIVE);
                processWatermark(Watermark.MAX_WATERMARK);
            }
        }
    }

    @Override
    public void open(OpenContext openContext) {
        // Per stream (label stream): records let through, and how far the stream's event time trails the wall
        // clock. Dead letters are counted once, by stream and reason, where they leave the job (CountDeadLetters).
        MetricGroup metrics = TallyMetrics.stream(getRuntimeContext().getMetricGroup(), stream);
        recordsIn = metrics.counter(TallyMetrics.RECORDS_IN);
        // The slowest partition sets the watermark: its lag is how far this task's results trail the wall clock.
        metrics.gauge(TallyMetrics.WATERMARK_LAG_MS, (Gauge<Long>) () -> {
            long slowest = slowest();
            return slowest == NONE ? -1L
                    : Math.max(0L, System.currentTimeMillis() - (slowest - watermarkBoundMs - 1));
        });
    }

    @Override
    public void processElement(Ingested<T> in, Context ctx, Collector<T> out) {
        if (!in.accepted()) {
            deadLetter(in, in.reason, in.detail, ctx);
            return;
        }
        int slot = slot(in.partition);
        long greatest = maxTs[slot];
        if (latenessBoundMs != Long.MAX_VALUE) {
            if (greatest != NONE && greatest - in.ts > latenessBoundMs) {
                deadLetter(in, DeadLetterReason.LATE, "ts " + in.ts + " is " + (greatest - in.ts)
                        + " ms behind the greatest ts " + greatest + " of its partition (bound " + latenessBoundMs
                        + " ms)", ctx);
                return;
            }
            long watermark = ctx.timerService().currentWatermark();
            if (in.ts <= watermark) {
                // Only after a partition went idle and came back with old records: they cannot be counted any more.
                deadLetter(in, DeadLetterReason.LATE, "ts " + in.ts + " is at or behind the watermark " + watermark,
                        ctx);
                return;
            }
        }
        if (in.ts > greatest) maxTs[slot] = in.ts;
        readHere.set(slot);
        recordsIn.inc();
        out.collect(in.record);
    }

    private int slot(Integer partition) {
        int slot = partition == null ? FILE : partition + 1;
        if (slot >= maxTs.length) {
            int old = maxTs.length;
            maxTs = Arrays.copyOf(maxTs, Math.max(slot + 1, 2 * old));
            Arrays.fill(maxTs, old, maxTs.length, NONE);
        }
        return slot;
    }

    /** The least greatest ts of the partitions this task has read since it started; NONE before any. */
    private long slowest() {
        long[] all = maxTs;
        long least = Long.MAX_VALUE;
        if (all != null) {
            for (int slot = readHere.nextSetBit(0); slot >= 0 && slot < all.length; slot = readHere.nextSetBit(slot + 1)) {
                least = Math.min(least, all[slot]);
            }
        }
        return least == Long.MAX_VALUE ? NONE : least;
    }

    private void deadLetter(Ingested<T> in, DeadLetterReason reason, String detail, Context ctx) {
        ctx.output(DeadLetters.TAG, new DeadLetter(stream.wireName(), reason, detail, payload(in.value),
                in.topic, in.partition, in.offset));
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

    // ---- state: the greatest ts let through, per partition ----

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        // Union redistribution: after a rescale a partition may be read by any task, so every task gets every
        // partition's greatest ts back (the greatest of all, if several tasks had read the same partition).
        maxTsState = context.getOperatorStateStore().getUnionListState(
                new ListStateDescriptor<>("max-ts-by-partition", Types.TUPLE(Types.INT, Types.LONG)));
        maxTs = new long[2];
        Arrays.fill(maxTs, NONE);
        readHere = new BitSet();
        for (Tuple2<Integer, Long> p : maxTsState.get()) {
            int slot = slot(p.f0 < 0 ? null : p.f0);
            maxTs[slot] = Math.max(maxTs[slot], p.f1);
        }
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        maxTsState.clear();
        for (int slot = 0; slot < maxTs.length; slot++) {
            if (maxTs[slot] != NONE) maxTsState.add(Tuple2.of(slot == FILE ? -1 : slot - 1, maxTs[slot]));
        }
    }

    /** The greatest ts let through from {@code partition} (null: a replay file), Long.MIN_VALUE before any; for tests. */
    long maxTs(Integer partition) {
        return maxTs[slot(partition)];
    }
}
