package io.tally.connect;

import io.tally.event.Stream;
import io.tally.event.View;
import org.apache.flink.api.common.eventtime.Watermark;
import org.apache.flink.api.common.eventtime.WatermarkOutput;
import org.apache.flink.util.clock.ManualClock;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One partition's watermark (CONTRACT sections 1 and 7): the greatest accepted ts minus the bound, moved by nothing
 * a source rejected; idle only once silent for the idleness timeout with nothing left to read.
 */
class PartitionWatermarksTest {
    private static final long BOUND = 5_000;
    private static final long IDLE_MS = 1_000;
    private static final RecordReader<View> READER = new RecordReader<>(Stream.VIEWS, View.class, 300_000);
    private static final long ARRIVAL = 1_000_000_000L;

    /** Records what a generator emits. */
    static final class Output implements WatermarkOutput {
        Long watermark;
        boolean idle;

        @Override
        public void emitWatermark(Watermark w) {
            watermark = w.getTimestamp();
            idle = false;
        }

        @Override
        public void markIdle() {
            idle = true;
        }

        @Override
        public void markActive() {
            idle = false;
        }
    }

    /** Backlogs set by the test, by partition; the unseen partition (null) by its own entry. */
    static final class Backlogs implements PartitionWatermarks.Probe {
        final Map<Integer, Boolean> caughtUp = new HashMap<>();
        /** Offset of the last record the consumer fetched, by partition. */
        final Map<Integer, Long> fetched = new HashMap<>();
        boolean unseenCaughtUp;

        @Override
        public void claim(int partition) {}

        @Override
        public boolean caughtUp(Integer partition, long lastOffset) {
            return partition == null ? unseenCaughtUp
                    : caughtUp.getOrDefault(partition, false) && lastOffset >= fetched.getOrDefault(partition, -1L);
        }
    }

    private final ManualClock clock = new ManualClock();
    private final Backlogs backlogs = new Backlogs();
    private final Output out = new Output();
    private final PartitionWatermarks.Generator<View> generator =
            new PartitionWatermarks.Generator<>(BOUND, backlogs, clock, Duration.ofMillis(IDLE_MS).toNanos());

    private static Ingested<View> view(long ts, int partition) {
        return view(ts, partition, 0);
    }

    private static Ingested<View> view(long ts, int partition, long offset) {
        String json = "{\"eventId\":\"v" + ts + "\",\"ts\":" + ts + ",\"userId\":\"u1\",\"creatorId\":\"c1\","
                + "\"contentId\":\"k1\",\"contentType\":\"VIDEO\"}";
        return READER.read(json.getBytes(StandardCharsets.UTF_8), "tally.views", partition, offset, ARRIVAL);
    }

    private static Ingested<View> raw(String json, int partition) {
        return READER.read(json.getBytes(StandardCharsets.UTF_8), "tally.views", partition, 0L, ARRIVAL);
    }

    private void event(Ingested<View> in) {
        generator.onEvent(in, in.ts, out);
    }

    private void tick(long ms) {
        clock.advanceTime(Duration.ofMillis(ms));
        generator.onPeriodicEmit(out);
    }

    @Test
    void theWatermarkIsTheGreatestAcceptedTsMinusTheBoundMinusOne() {
        tick(0);
        assertThat(out.watermark).as("nothing read: held at the start").isNull();
        event(view(20_000, 0));
        event(view(18_000, 0));
        tick(200);
        assertThat(out.watermark).isEqualTo(20_000 - BOUND - 1);
    }

    @Test
    void rejectedAndFutureRecordsMoveNothing() {
        event(view(20_000, 0));
        event(raw("{not json", 0));
        event(view(ARRIVAL + 3_650L * 86_400_000, 0));  // ten years ahead of its arrival: FUTURE
        event(raw("{\"eventId\":\"x\",\"ts\":900000}", 0)); // a ts, but not a view
        tick(200);
        assertThat(out.watermark).isEqualTo(20_000 - BOUND - 1);
    }

    @Test
    void aSilentPartitionWithABacklogIsNeverIdle() {
        event(view(20_000, 3));
        for (int i = 0; i < 50; i++) tick(200);  // ten seconds of silence
        assertThat(out.idle).isFalse();
        assertThat(out.watermark).isEqualTo(20_000 - BOUND - 1);
    }

    @Test
    void aCaughtUpPartitionGoesIdleOnlyAfterTheIdlenessTimeoutAndComesBackWithItsRecords() {
        event(view(20_000, 3));
        backlogs.caughtUp.put(3, true);
        tick(200);
        tick(IDLE_MS - 200);
        assertThat(out.idle).as("silent for less than the timeout").isFalse();
        tick(400);
        assertThat(out.idle).isTrue();
        event(view(30_000, 3));
        tick(200);
        assertThat(out.idle).isFalse();
        assertThat(out.watermark).isEqualTo(30_000 - BOUND - 1);
    }

    @Test
    void aPartitionWhoseFetchedRecordsItsGeneratorHasNotSeenYetNeverGoesIdle() {
        // The consumer is at the end of partition 3 (no lag), but records 6 to 9 still wait in the source's queues.
        event(view(20_000, 3, 5));
        backlogs.caughtUp.put(3, true);
        backlogs.fetched.put(3, 9L);
        for (int i = 0; i < 50; i++) tick(200);
        assertThat(out.idle).isFalse();
        event(view(21_000, 3, 9));
        for (int i = 0; i < 10; i++) tick(200);
        assertThat(out.idle).as("once it saw the last fetched record").isTrue();
    }

    @Test
    void aPartitionThatHasReadNothingGoesIdleOnlyWhenItsTasksUnreadPartitionsAreCaughtUp() {
        for (int i = 0; i < 20; i++) tick(200);
        assertThat(out.idle).isFalse();
        assertThat(out.watermark).isNull();
        backlogs.unseenCaughtUp = true;
        tick(200);
        assertThat(out.idle).isTrue();
    }

    @Test
    void withoutIdlenessAPartitionHoldsTheWatermarkForever() {
        var neverIdle = new PartitionWatermarks.Generator<View>(BOUND, null, null, 0);
        neverIdle.onEvent(view(20_000, 0), 20_000, out);
        for (int i = 0; i < 100; i++) neverIdle.onPeriodicEmit(out);
        assertThat(out.idle).isFalse();
        assertThat(out.watermark).isEqualTo(20_000 - BOUND - 1);
    }
}
