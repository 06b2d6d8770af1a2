package io.tally.kpi;

import io.tally.event.Creator;
import io.tally.event.Product;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.TwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.tally.kpi.KpiFixtures.MINUTE;
import static io.tally.kpi.KpiFixtures.click;
import static io.tally.kpi.KpiFixtures.creditOf;
import static io.tally.kpi.KpiFixtures.review;
import static io.tally.kpi.KpiFixtures.credited;
import static io.tally.kpi.KpiFixtures.organic;
import static io.tally.kpi.KpiFixtures.spend;
import static io.tally.kpi.KpiFixtures.view;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The per-task pre-aggregation: events wait for the watermark (so the creator version in force at their ts has
 * arrived) and are folded into partials; a partial goes out before the watermark that closes its window, after the
 * flush interval of processing time, whichever comes first; partials not yet sent are part of the checkpoint.
 */
class KpiPreAggregatorTest {
    private static final long FLUSH_MS = 1_000;

    private final List<TwoInputStreamOperatorTestHarness<KpiInput, ReferenceVersion, Kpi>> harnesses = new ArrayList<>();

    @AfterEach
    void closeHarnesses() throws Exception {
        for (var h : harnesses) h.close();
    }

    private TwoInputStreamOperatorTestHarness<KpiInput, ReferenceVersion, Kpi> unopened() throws Exception {
        var h = new TwoInputStreamOperatorTestHarness<>(new KpiPreAggregator(new long[] {MINUTE}, FLUSH_MS));
        harnesses.add(h);
        return h;
    }

    private TwoInputStreamOperatorTestHarness<KpiInput, ReferenceVersion, Kpi> opened() throws Exception {
        var h = unopened();
        h.open();
        return h;
    }

    private static void event(TwoInputStreamOperatorTestHarness<KpiInput, ReferenceVersion, Kpi> h, KpiInput e) throws Exception {
        h.processElement1(e, e.ts());
    }

    private static void creator(TwoInputStreamOperatorTestHarness<KpiInput, ReferenceVersion, Kpi> h, String id, long ts,
                                long followers) throws Exception {
        h.processElement2(ReferenceVersion.of(new Creator(id, ts, followers, null, null)), ts);
    }

    private static void creator(TwoInputStreamOperatorTestHarness<KpiInput, ReferenceVersion, Kpi> h, String id, long ts,
                                long followers, String niche) throws Exception {
        h.processElement2(ReferenceVersion.of(new Creator(id, ts, followers, null, niche)), ts);
    }

    private static void product(TwoInputStreamOperatorTestHarness<KpiInput, ReferenceVersion, Kpi> h, String id, long ts,
                                String category) throws Exception {
        h.processElement2(ReferenceVersion.of(new Product(id, ts, "m1", category, 1_000L, null, 5L)), ts);
    }

    /**
     * Records written since the last call, after one flush interval of processing time, by dimension|key (one window
     * size in these tests).
     */
    private static Map<String, Kpi> written(TwoInputStreamOperatorTestHarness<KpiInput, ReferenceVersion, Kpi> h)
            throws Exception {
        h.setProcessingTime(h.getProcessingTime() + FLUSH_MS);
        return writtenSoFar(h);
    }

    /** Records written since the last call, without any time passing. */
    private static Map<String, Kpi> writtenSoFar(TwoInputStreamOperatorTestHarness<KpiInput, ReferenceVersion, Kpi> h) {
        Map<String, Kpi> byKey = new TreeMap<>();
        for (Kpi k : h.extractOutputValues()) {
            assertThat(byKey.put(k.dimension + "|" + k.key, k)).as("one partial per key and batch").isNull();
        }
        h.getOutput().clear();
        return byKey;
    }

    @Test
    void eventsAreHeldUntilTheWatermarkPassesTheirTs() throws Exception {
        var h = opened();
        event(h, KpiInput.of(view("e1", 1_000, "c1", "v1", "REVIEW")));
        event(h, KpiInput.of(view("e2", 2_000, "c1", "v1", "REVIEW")));
        assertThat(h.getOutput()).isEmpty();

        h.processBothWatermarks(new Watermark(999));
        assertThat(h.getOutput()).containsExactly(new Watermark(999));
        h.getOutput().clear();

        h.processBothWatermarks(new Watermark(1_000));
        assertThat(written(h).get("ALL|*").views).isEqualTo(1);
        h.processBothWatermarks(new Watermark(5_000));
        assertThat(written(h).get("ALL|*").views).isEqualTo(1);
        h.processBothWatermarks(new Watermark(6_000));
        assertThat(written(h)).isEmpty();
    }

    @Test
    void partialsAreEmittedBeforeTheWatermarkThatClosesTheirWindow() throws Exception {
        var h = opened();
        event(h, KpiInput.of(view("e1", 1_000, "c1", "v1", "REVIEW", "p1")));
        h.processBothWatermarks(new Watermark(1_500));
        assertThat(h.extractOutputValues()).as("the window [0, 1 min) is still open").isEmpty();
        h.getOutput().clear();

        h.processBothWatermarks(new Watermark(MINUTE - 1));
        List<Object> out = new ArrayList<>(h.getOutput());
        assertThat(out).hasSize(8); // ALL, CREATOR, CONTENT, TIER, FORMAT, NICHE, PRODUCT, then the watermark
        assertThat(out.subList(0, 7)).allSatisfy(o -> assertThat(o).isInstanceOf(StreamRecord.class));
        assertThat(out.get(7)).isEqualTo(new Watermark(MINUTE - 1));
    }

    @Test
    void partialsOfOpenWindowsGoOutAfterTheFlushInterval() throws Exception {
        var h = opened();
        event(h, KpiInput.of(view("e1", 1_000, "c1", "v1", "REVIEW")));
        h.processBothWatermarks(new Watermark(1_000));
        h.setProcessingTime(FLUSH_MS - 1);
        assertThat(writtenSoFar(h)).isEmpty();
        h.setProcessingTime(FLUSH_MS);
        assertThat(writtenSoFar(h).get("ALL|*").views).isEqualTo(1);
    }

    /** A barrier does not wait for the keyed stage to take the partials in: they are part of the checkpoint. */
    @Test
    void partialsOfOpenWindowsAreCheckpointedNotSentAheadOfTheBarrier() throws Exception {
        var before = opened();
        event(before, KpiInput.of(view("e1", 2_000, "c1", "v1", "REVIEW")));
        event(before, KpiInput.of(credited("o1", "l1", 2_000, "m1", "p1", 1, 500, true, "c1", "v1", "REVIEW", "MID",
                1.0, 500, 50, null)));
        event(before, KpiInput.of(credited("o1", "l2", 2_000, "m1", "p2", 1, 300, true, "c1", "v1", "REVIEW", "MID",
                1.0, 300, 30, null)));
        before.processBothWatermarks(new Watermark(2_000));
        before.prepareSnapshotPreBarrier(7L);
        OperatorSubtaskState snapshot = before.snapshot(7L, 7L);
        assertThat(writtenSoFar(before)).as("nothing sent ahead of the barrier").isEmpty();

        var after = unopened();
        after.initializeState(snapshot);
        after.open();
        Map<String, Kpi> out = written(after);
        assertThat(out.get("ALL|*").views).isEqualTo(1);
        assertThat(out.get("ALL|*").orders).as("an order's lines counted once, across the restore").isEqualTo(1);
        assertThat(out.get("ALL|*").gmvCents).isEqualTo(800);
        assertThat(written(after)).as("sent once").isEmpty();
    }

    /** After rescaling, one task may restore the partials of one window from two: they add up. */
    @Test
    void partialsOfOneWindowFromTwoTasksAddUpAfterRestore() throws Exception {
        var a = opened();
        event(a, KpiInput.of(view("e1", 2_000, "c1", "v1", "REVIEW")));
        a.processBothWatermarks(new Watermark(2_000));
        var b = opened();
        event(b, KpiInput.of(view("e2", 3_000, "c2", "v2", "REVIEW")));
        b.processBothWatermarks(new Watermark(3_000));
        OperatorSubtaskState merged = AbstractStreamOperatorTestHarness.repackageState(
                a.snapshot(1L, 1L), b.snapshot(1L, 1L));

        var after = unopened();
        after.initializeState(merged);
        after.open();
        assertThat(written(after).get("ALL|*").views).isEqualTo(2);
    }

    @Test
    void eventsReleasedByManyWatermarksWithinAFlushIntervalMakeOnePartialPerKey() throws Exception {
        var h = opened();
        for (int i = 0; i < 10; i++) {
            event(h, KpiInput.of(view("e" + i, 1_000 + i * 1_000, "c1", "v1", "REVIEW")));
            h.processBothWatermarks(new Watermark(1_000 + i * 1_000));
        }
        Map<String, Kpi> out = written(h); // one partial per key: written() fails on a second one
        assertThat(out.get("ALL|*").views).isEqualTo(10);
        assertThat(out.get("CONTENT|v1").views).isEqualTo(10);
    }

    @Test
    void theWatermarkOfBothInputsReleasesEventsSoLateCreatorVersionsAreAwaited() throws Exception {
        var h = opened();
        event(h, KpiInput.of(view("e1", 5_000, "c1", "v1", "REVIEW")));
        h.processWatermark1(new Watermark(10_000));
        assertThat(h.extractOutputValues()).as("the creators' watermark is still behind").isEmpty();

        creator(h, "c1", 4_000, 200_000); // arrives after the event, before the watermark
        h.processWatermark2(new Watermark(10_000));
        assertThat(written(h)).containsKey("TIER|MID");
    }

    @Test
    void theTierIsTheCreatorVersionInForceAtTheEventsTs() throws Exception {
        var h = opened();
        event(h, KpiInput.of(view("e1", 5_000, "c1", "v1", "REVIEW")));
        event(h, KpiInput.of(view("e2", 6_000, "c1", "v1", "REVIEW")));
        event(h, KpiInput.of(view("e3", 5_500, "c2", "v2", "REVIEW")));
        event(h, KpiInput.of(spend("s1", 7_000, "m1", "c1", 100)));
        // Versions arrive after the events: c1 MID from 4000, MEGA from exactly 6000, NANO from 9000; c2 none.
        creator(h, "c1", 6_000, 2_000_000);
        creator(h, "c1", 9_000, 5);
        creator(h, "c1", 4_000, 200_000);

        h.processBothWatermarks(new Watermark(10_000));
        Map<String, Kpi> out = written(h);
        assertThat(out.get("TIER|MID").views).isEqualTo(1);
        assertThat(out.get("TIER|MEGA").views).isEqualTo(1);
        assertThat(out.get("TIER|MEGA").spendCents).isEqualTo(100);
        assertThat(out.get("TIER|UNKNOWN").views).isEqualTo(1);
        assertThat(out).doesNotContainKey("TIER|NANO");
    }

    /** CONTRACT section 8: CATEGORY is the product's category as of the event's ts, UNKNOWN without one. */
    @Test
    void theCategoryIsTheProductVersionInForceAtTheEventsTs() throws Exception {
        var h = opened();
        event(h, KpiInput.of(click("k1", 5_000, "c1", "v1", "REVIEW", "p1", "m1")));
        event(h, KpiInput.of(click("k2", 6_000, "c1", "v1", "REVIEW", "p1", "m1")));
        event(h, KpiInput.of(click("k3", 9_500, "c1", "v1", "REVIEW", "p1", "m1")));
        event(h, KpiInput.of(click("k4", 5_000, "c1", "v1", "REVIEW", "p2", "m1")));
        event(h, KpiInput.of(click("k5", 3_000, "c1", "v1", "REVIEW", "p1", "m1")));
        // Versions arrive after the events: p1 BEAUTY from 4000, HOME from exactly 6000, none from 9000; p2 none.
        product(h, "p1", 6_000, "HOME");
        product(h, "p1", 9_000, null);
        product(h, "p1", 4_000, "BEAUTY");

        h.processBothWatermarks(new Watermark(10_000));
        Map<String, Kpi> out = written(h);
        assertThat(out.get("CATEGORY|BEAUTY").clicks).isEqualTo(1); // k1
        assertThat(out.get("CATEGORY|HOME").clicks).isEqualTo(1); // k2
        assertThat(out.get("CATEGORY|UNKNOWN").clicks).as("k3 (a version without category), k4, k5 (before any)")
                .isEqualTo(3);
        assertThat(out.get("MATCH|UNKNOWN|BEAUTY").clicks).isEqualTo(1);
        assertThat(out.get("MATCH|UNKNOWN|HOME").clicks).isEqualTo(1);
        assertThat(out.get("MATCH|UNKNOWN|UNKNOWN").clicks).isEqualTo(3);
        assertThat(out.keySet()).filteredOn(k -> k.startsWith("CATEGORY|")).hasSize(3);
    }

    @Test
    void theNicheIsTheCreatorVersionInForceAtTheEventsTsAndACreditedReviewReadsItAtTheReviewsTs() throws Exception {
        var h = opened();
        event(h, KpiInput.of(view("e1", 5_000, "c1", "v1", "REVIEW")));
        event(h, KpiInput.of(click("k1", 7_000, "c1", "v1", "REVIEW", "p1", "m1")));
        event(h, KpiInput.of(review("r1", 8_000, "p1", "m1", 4, "o1"), creditOf("c1", "v1", "MID", "REVIEW")));
        creator(h, "c1", 6_000, 2_000_000, "FITNESS");
        creator(h, "c1", 4_000, 200_000, "BEAUTY");
        product(h, "p1", 0, "SPORT");

        h.processBothWatermarks(new Watermark(10_000));
        Map<String, Kpi> out = written(h);
        assertThat(out.get("NICHE|BEAUTY").views).isEqualTo(1);
        assertThat(out.get("NICHE|FITNESS").clicks).isEqualTo(1);
        assertThat(out.get("NICHE|FITNESS").reviews).isEqualTo(1);
        assertThat(out.get("MATCH|FITNESS|SPORT").clicks).isEqualTo(1);
        assertThat(out.get("MATCH|FITNESS|SPORT").ratingSum).isEqualTo(4);
        assertThat(out.get("CATEGORY|SPORT").reviews).isEqualTo(1);
        assertThat(out).doesNotContainKeys("NICHE|UNKNOWN", "CATEGORY|UNKNOWN");
    }

    @Test
    void aVersionStillInForceAtTheWatermarkIsKeptForLaterEvents() throws Exception {
        var h = opened();
        creator(h, "c1", 1_000, 50_000); // MICRO
        h.processBothWatermarks(new Watermark(2_000));
        event(h, KpiInput.of(view("e1", 2_500, "c1", "v1", "REVIEW")));
        creator(h, "c1", 3_000, 600_000); // MACRO from 3000; inserting it must not drop the version of 1000
        h.processBothWatermarks(new Watermark(3_000));
        assertThat(written(h)).containsKey("TIER|MICRO").doesNotContainKey("TIER|MACRO");
    }

    @Test
    void theEventsOfOneWatermarkArePreAggregatedIntoOnePartialPerKey() throws Exception {
        var h = opened();
        for (int i = 0; i < 5; i++) event(h, KpiInput.of(view("e" + i, 1_000 + i, "c1", "v" + (i % 2), "REVIEW")));
        // An order with two lines, interleaved with other events, is counted once in its batch.
        event(h, KpiInput.of(credited("o1", "l1", 1_200, "m1", "p1", 1, 500, true, "c1", "v0", "REVIEW", "MID",
                1.0, 500, 50, null)));
        event(h, KpiInput.of(view("e9", 1_200, "c1", "v0", "REVIEW")));
        event(h, KpiInput.of(organic("o1", "l2", 1_200, "m1", "p2", 2, 300, true)));

        h.processBothWatermarks(new Watermark(2_000));
        Map<String, Kpi> out = written(h);
        assertThat(out.get("ALL|*").views).isEqualTo(6);
        assertThat(out.get("CONTENT|v0").views).isEqualTo(4);
        assertThat(out.get("CONTENT|v1").views).isEqualTo(2);
        assertThat(out.get("ALL|*").orders).isEqualTo(1);
        assertThat(out.get("ALL|*").newCustomerOrders).isEqualTo(1);
        assertThat(out.get("ALL|*").gmvCents).isEqualTo(800);
        assertThat(out.get("MERCHANT|m1").orders).isEqualTo(1);
    }

    @Test
    void bufferedEventsAndCreatorVersionsSurviveSnapshotAndRestore() throws Exception {
        var before = opened();
        creator(before, "c1", 0, 150_000); // MID
        before.processBothWatermarks(new Watermark(100));
        event(before, KpiInput.of(view("e1", 5_000, "c1", "v1", "REVIEW")));
        event(before, KpiInput.of(view("e2", 7_000, "c1", "v1", "REVIEW")));
        OperatorSubtaskState snapshot = before.snapshot(1L, 1L);

        var after = unopened();
        after.initializeState(snapshot);
        after.open();
        event(after, KpiInput.of(view("e3", 5_500, "c1", "v1", "REVIEW")));
        after.processBothWatermarks(new Watermark(6_000));
        Map<String, Kpi> out = written(after);
        assertThat(out.get("ALL|*").views).isEqualTo(2); // e1 from the snapshot and e3
        assertThat(out.get("TIER|MID").views).isEqualTo(2);
        after.processBothWatermarks(new Watermark(7_000));
        assertThat(written(after).get("TIER|MID").views).isEqualTo(1); // e2
    }

    /** Behind the watermark (a source that broke the bound): counted with the next flush rather than lost. */
    @Test
    void anEventBehindTheWatermarkIsCountedWithTheNextBatch() throws Exception {
        var h = opened();
        creator(h, "c1", 0, 5); // NANO
        h.processBothWatermarks(new Watermark(10_000));
        h.getOutput().clear();

        event(h, KpiInput.of(view("e1", 5_000, "c1", "v1", "REVIEW")));
        assertThat(writtenSoFar(h)).isEmpty();
        h.processBothWatermarks(new Watermark(11_000));
        Map<String, Kpi> out = written(h);
        assertThat(out.get("ALL|*").views).isEqualTo(1);
        assertThat(out.get("ALL|*").windowStart).isZero();
        assertThat(out).containsKey("TIER|NANO");
    }
}
