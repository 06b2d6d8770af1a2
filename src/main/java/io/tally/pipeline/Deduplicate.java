package io.tally.pipeline;

import io.tally.core.DeadLetters;
import io.tally.event.Event;
import io.tally.event.Stream;
import io.tally.io.DeadLetterReason;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Drops an event whose id was already seen in the same stream within the dedup horizon (CONTRACT section 3.9): the
 * first occurrence passes, later ones go to dead letters as DUPLICATE, whatever else they say.
 *
 * <p>Keyed by {@link #bucketOf the bucket of the id} (one of {@value #BUCKETS}), each bucket holding its ids and the
 * ts that passed. An id is remembered until the watermark passes ts + horizon; one timer per bucket and sweep
 * interval (half the horizon, at least a second) drops what has expired by then, instead of one timer per event: an
 * id costs a write and its share of a sweep. It costs a lookup only when the task's bloom filters of the ids it let
 * through ({@link RecentIds}) cannot rule it out, or when its ts is within the horizon of the greatest ts let through
 * before the last restore (ids the filters, which live on the heap, never saw; kept in union operator state).
 */
public class Deduplicate<T extends Event> extends KeyedProcessFunction<Integer, T, T> implements CheckpointedFunction {
    private static final long serialVersionUID = 1L;

    /** How many buckets ids are spread over: fixed, since it is the key of the state. */
    public static final int BUCKETS = 4096;

    private final Stream stream;
    private final long horizonMs;
    private final long sweepMs;

    /** ts of the occurrence that passed, by id. */
    private transient MapState<String, Long> seenAt;
    /** Sweep timers this task registered since it started, as sweep time * BUCKETS + bucket: skips re-registering. */
    private transient Set<Long> sweeps;
    /** The ids this task let through since it started. */
    private transient RecentIds recent;
    /** The greatest ts this task let through, and the greatest any task had let through at the last restore. */
    private transient long maxTs;
    private transient long restoredMaxTs;
    private transient ListState<Long> maxTsState;
    private transient long forgotten;

    public Deduplicate(Stream stream, long horizonMs) {
        this.stream = stream;
        this.horizonMs = horizonMs;
        this.sweepMs = Math.max(1_000, horizonMs / 2);
    }

    /** The key of an id: String.hashCode is fixed by the language, so buckets survive restarts and upgrades. */
    public static int bucketOf(String id) {
        return Math.floorMod(id.hashCode(), BUCKETS);
    }

    @Override
    public void open(OpenContext openContext) {
        seenAt = getRuntimeContext().getMapState(new MapStateDescriptor<>("seen-at", Types.STRING, Types.LONG));
        sweeps = new HashSet<>();
        recent = new RecentIds(sweepMs);
        forgotten = Long.MIN_VALUE;
    }

    @Override
    public void initializeState(FunctionInitializationContext context) throws Exception {
        maxTsState = context.getOperatorStateStore().getUnionListState(new ListStateDescriptor<>("max-ts", Types.LONG));
        restoredMaxTs = Long.MIN_VALUE;
        for (Long ts : maxTsState.get()) restoredMaxTs = Math.max(restoredMaxTs, ts);
        maxTs = restoredMaxTs;
    }

    @Override
    public void snapshotState(FunctionSnapshotContext context) throws Exception {
        maxTsState.update(List.of(maxTs));
    }

    @Override
    public void processElement(T event, Context ctx, Collector<T> out) throws Exception {
        long ts = event.eventTime();
        String eventId = event.id();
        RecentIds.Hashed hashed = RecentIds.hash(eventId);
        Long seen = mightHaveSeen(hashed, ts, ctx.timerService().currentWatermark()) ? seenAt.get(eventId) : null;
        if (seen != null && Math.abs(ts - seen) <= horizonMs) {
            ctx.output(DeadLetters.TAG, DeadLetters.of(stream, DeadLetterReason.DUPLICATE,
                    "id " + eventId + " already seen at ts " + seen, event));
            return;
        }
        seenAt.put(eventId, ts);
        recent.add(hashed, ts);
        maxTs = Math.max(maxTs, ts);
        long sweepAt = sweepAt(ts + horizonMs);
        if (sweeps.add(sweepAt * BUCKETS + ctx.getCurrentKey())) {
            ctx.timerService().registerEventTimeTimer(sweepAt);
        }
        out.collect(event);
    }

    /** Whether an occurrence of the id with a ts within the horizon of {@code ts} may have passed. */
    private boolean mightHaveSeen(RecentIds.Hashed hashed, long ts, long watermark) {
        if (restoredMaxTs != Long.MIN_VALUE && ts - horizonMs <= restoredMaxTs) return true;
        // Events come after the watermark: nothing will ask for a ts at or before watermark - horizon again.
        if (watermark != Long.MIN_VALUE && (forgotten == Long.MIN_VALUE || watermark - forgotten >= sweepMs)) {
            recent.forgetUntil(watermark - horizonMs);
            forgotten = watermark;
        }
        return recent.mightContain(hashed, ts - horizonMs, ts + horizonMs);
    }

    /** The first sweep at or after {@code expiry}. */
    private long sweepAt(long expiry) {
        long rest = Math.floorMod(expiry, sweepMs);
        return rest == 0 ? expiry : expiry - rest + sweepMs;
    }

    @Override
    public void onTimer(long time, OnTimerContext ctx, Collector<T> out) throws Exception {
        sweeps.remove(time * BUCKETS + ctx.getCurrentKey());
        List<String> expired = new ArrayList<>();
        for (Map.Entry<String, Long> e : seenAt.entries()) {
            if (e.getValue() + horizonMs <= time) expired.add(e.getKey());
        }
        // Removed by key after the scan: the heap backend drops a bucket whose last id goes.
        for (String eventId : expired) seenAt.remove(eventId);
    }
}
