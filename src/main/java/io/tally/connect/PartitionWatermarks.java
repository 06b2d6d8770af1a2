package io.tally.connect;

import org.apache.flink.api.common.eventtime.TimestampAssigner;
import org.apache.flink.api.common.eventtime.TimestampAssignerSupplier;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkGenerator;
import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.util.clock.RelativeClock;

import java.time.Duration;

/**
 * Event time of an input stream, generated inside its source for each partition (each replay file) on its own:
 * handed to {@code env.fromSource}, Flink runs one generator per split and forwards the least of their watermarks, so a
 * task reading several partitions at different speeds never lets a fast partition's event time overtake the records
 * still waiting in a slow one's backlog.
 *
 * <p>A partition's watermark is {@code maxTs - bound - 1}, {@code maxTs} being the greatest ts of its accepted records
 * (rejected and FUTURE records move nothing); {@link Admit} judges lateness against the same per-partition greatest
 * ts, so every record it lets through is ahead of the watermark.
 *
 * <p>A partition stops holding back the watermark (goes idle) only when it has been silent for the idleness timeout,
 * measured on Flink's input-activity clock (which stands still under back-pressure and alignment pauses), and its
 * {@link Backlog} says nothing is waiting in it: a partition with a backlog is never idle, however long it waits.
 */
public final class PartitionWatermarks<T> implements WatermarkStrategy<Ingested<T>> {
    private static final long serialVersionUID = 1L;

    /** Tells whether a partition has records its source has not emitted yet. */
    public interface Backlog extends java.io.Serializable {
        /** Opened once per source task, shared by the generators of its partitions. */
        Probe open(WatermarkGeneratorSupplier.Context context);
    }

    /** One task's view of its partitions' backlogs. */
    public interface Probe {
        /** Called with a partition's number once a generator has seen a record of it. */
        void claim(int partition);

        /**
         * Whether nothing waits in {@code partition} beyond {@code lastOffset}, the offset of the last record its
         * generator saw: neither in the log nor fetched and not yet emitted. For a generator that has seen no record
         * yet (partition null), whether nothing waits in any partition of this source that no generator has claimed.
         */
        boolean caughtUp(Integer partition, long lastOffset);
    }

    private final long boundMs;
    private final Duration idleness;
    private final Backlog backlog;
    private transient Probe probe;

    /**
     * @param idleness how long a caught-up partition must be silent before it stops holding back the watermark;
     *                 null or zero: never (replay files, and Tally's own topics read back, whose silence may only
     *                 mean that the upstream job is behind)
     * @param backlog  required with an idleness
     */
    public PartitionWatermarks(long boundMs, Duration idleness, Backlog backlog) {
        if (boundMs < 0) throw new IllegalArgumentException("negative watermark bound: " + boundMs);
        boolean idles = idleness != null && !idleness.isZero();
        if (idles && backlog == null) throw new IllegalArgumentException("an idleness needs a backlog probe");
        this.boundMs = boundMs;
        this.idleness = idles ? idleness : null;
        this.backlog = idles ? backlog : null;
    }

    /** Never idle: each partition holds the watermark until its next record. */
    public static <T> PartitionWatermarks<T> neverIdle(long boundMs) {
        return new PartitionWatermarks<>(boundMs, null, null);
    }

    @Override
    public TimestampAssigner<Ingested<T>> createTimestampAssigner(TimestampAssignerSupplier.Context context) {
        return (in, recordTs) -> in.accepted() ? in.ts : recordTs;
    }

    @Override
    public WatermarkGenerator<Ingested<T>> createWatermarkGenerator(WatermarkGeneratorSupplier.Context context) {
        if (idleness == null) return new Generator<>(boundMs, null, null, 0);
        if (probe == null) probe = backlog.open(context); // one per task: this strategy is deserialized per task
        return new Generator<>(boundMs, probe, context.getInputActivityClock(), idleness.toNanos());
    }

    /** One partition's watermark. */
    static final class Generator<T> implements WatermarkGenerator<Ingested<T>> {
        private final long boundMs;
        private final Probe probe;
        private final RelativeClock clock;
        private final long idleNanos;
        private long maxTs = Long.MIN_VALUE;
        private Integer partition;
        private long lastOffset = -1;
        private boolean active;
        private long silentSince = -1;
        private boolean idle;

        Generator(long boundMs, Probe probe, RelativeClock clock, long idleNanos) {
            this.boundMs = boundMs;
            this.probe = probe;
            this.clock = clock;
            this.idleNanos = idleNanos;
        }

        @Override
        public void onEvent(Ingested<T> in, long eventTimestamp, WatermarkOutput output) {
            active = true;
            if (probe != null && partition == null && in.partition != null) {
                partition = in.partition;
                probe.claim(partition);
            }
            if (in.offset != null) lastOffset = in.offset;
            if (in.accepted() && in.ts > maxTs) maxTs = in.ts;
        }

        @Override
        public void onPeriodicEmit(WatermarkOutput output) {
            if (probe != null && silentLongEnough() && probe.caughtUp(partition, lastOffset)) {
                if (!idle) output.markIdle();
                idle = true;
                return;
            }
            idle = false;
            if (maxTs != Long.MIN_VALUE) output.emitWatermark(new Watermark(maxTs - boundMs - 1));
        }

        private boolean silentLongEnough() {
            long now = clock.relativeTimeNanos();
            if (active) {
                active = false;
                silentSince = now;
                return false;
            }
            if (silentSince < 0) silentSince = now;
            return now - silentSince >= idleNanos;
        }
    }
}
