package io.tally.kpi;

import io.tally.attribution.Attribution;
import io.tally.event.Review;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.watermarkstatus.WatermarkStatus;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.tally.kpi.KpiFixtures.DAY;
import static io.tally.kpi.KpiFixtures.credited;
import static io.tally.kpi.KpiFixtures.organic;
import static io.tally.kpi.KpiFixtures.reversal;
import static io.tally.kpi.KpiFixtures.review;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link CreditReviews}, run by {@link CreditReviewsOperator}, against CONTRACT section 8, keyed by orderId: a review waits until the watermark passes its ts
 * (by then the primary attributions of its order are final), then goes on as a KPI event, credited or not; the
 * order's state and timers are gone once its settlement window has passed and no review waits.
 */
class CreditReviewsTest {
    private static final long T = 100 * DAY;
    private static final long SETTLEMENT = 30 * DAY;

    private KeyedTwoInputStreamOperatorTestHarness<String, Attribution, Review, KpiInput> harness;
    private int seen;

    @AfterEach
    void close() throws Exception {
        if (harness != null) harness.close();
    }

    private KeyedTwoInputStreamOperatorTestHarness<String, Attribution, Review, KpiInput> harness() throws Exception {
        if (harness == null) {
            harness = new KeyedTwoInputStreamOperatorTestHarness<>(new CreditReviewsOperator(SETTLEMENT),
                    a -> a.orderId, r -> r.orderId, Types.STRING);
            harness.open();
        }
        return harness;
    }

    /** Attribution records to the first input, reviews to the second, each at its ts. */
    private void send(Object... records) throws Exception {
        for (Object r : records) {
            if (r instanceof Attribution a) harness().processElement1(a, a.ts);
            else if (r instanceof Review v) harness().processElement2(v, v.ts);
            else throw new IllegalArgumentException("not an input of the review credit: " + r);
        }
    }

    private void watermark(long ts) throws Exception {
        harness().processBothWatermarks(new Watermark(ts));
    }

    /** The reviews emitted since the previous call, as "eventId creatorId" ("-" when not credited). */
    private List<String> emitted() throws Exception {
        List<KpiInput> all = harness().extractOutputValues();
        List<String> fresh = new ArrayList<>();
        for (KpiInput i : all.subList(seen, all.size())) {
            assertThat(i.review).as("only reviews go out").isNotNull();
            fresh.add(i.review.eventId + " " + (i.credit == null ? "-" : i.credit.creatorId));
        }
        seen = all.size();
        return fresh;
    }

    /** Moves the watermark far past {@code ts} and checks that the order left no state and no timer behind. */
    private void assertQuietAfter(long ts) throws Exception {
        watermark(ts + 1_000 * DAY);
        assertThat(harness().numKeyedStateEntries()).as("keyed state entries").isZero();
        assertThat(harness().numEventTimeTimers()).as("event-time timers").isZero();
    }

    /** The idle and active statuses the operator has sent downstream, in order. */
    private List<String> statuses() throws Exception {
        List<String> out = new ArrayList<>();
        for (Object o : harness().getOutput()) {
            if (o instanceof WatermarkStatus w) out.add(w.isIdle() ? "IDLE" : "ACTIVE");
        }
        return out;
    }

    private void idle(boolean idle) throws Exception {
        WatermarkStatus status = idle ? WatermarkStatus.IDLE : WatermarkStatus.ACTIVE;
        harness().processWatermarkStatus1(status);
        harness().processWatermarkStatus2(status);
    }

    private static Attribution line(String order, String lineId, String product, String creator) {
        return credited(order, lineId, T, "m1", product, 1, 1_000, false, creator, "v-" + creator, "REVIEW", "MID",
                1.0, 1_000, 100, null);
    }

    @Test
    void aReviewWaitsForTheWatermarkToPassItsTsThenIsEmittedCreditedToTheLinesCreator() throws Exception {
        send(line("o1", "l1", "p1", "c1"), review("r1", T + DAY, "p1", "m1", 2, "o1"));
        watermark(T + DAY - 1);
        assertThat(emitted()).isEmpty();

        watermark(T + DAY);
        List<KpiInput> out = harness().extractOutputValues();
        assertThat(emitted()).containsExactly("r1 c1");
        KpiInput credited = out.get(0);
        assertThat(credited.ts()).isEqualTo(T + DAY);
        assertThat(credited.review.rating).isEqualTo(2);
        assertThat(credited.credit.contentId).isEqualTo("v-c1");
        assertThat(credited.credit.tier).isEqualTo("MID");
        assertThat(credited.credit.contentFormat).isEqualTo("REVIEW");
        assertQuietAfter(T + SETTLEMENT);
        assertThat(emitted()).as("emitted once").isEmpty();
    }

    /** Attributions of an order at T arrive before the watermark passes T: a review at R >= T may come first. */
    @Test
    void aReviewThatArrivesBeforeItsOrdersAttributionIsCreditedOnceTheWatermarkPassesIt() throws Exception {
        send(review("r1", T, "p1", "m1", 5, "o1"), line("o1", "l1", "p1", "c1"));
        watermark(T);
        assertThat(emitted()).containsExactly("r1 c1");
    }

    @Test
    void aReviewAtTheLastMillisecondOfTheSettlementWindowIsCreditedAndOneAfterItIsNot() throws Exception {
        send(line("o1", "l1", "p1", "c1"), review("r1", T + SETTLEMENT, "p1", "m1", 4, "o1"),
                review("r2", T + SETTLEMENT + 1, "p1", "m1", 4, "o1"));
        watermark(T + SETTLEMENT + 1);
        assertThat(emitted()).containsExactly("r1 c1", "r2 -");
        send(review("r3", T + SETTLEMENT + DAY, "p1", "m1", 4, "o1"));
        watermark(T + SETTLEMENT + DAY);
        assertThat(emitted()).containsExactly("r3 -");
        assertQuietAfter(T + SETTLEMENT + DAY);
    }

    @Test
    void aReviewBeforeItsOrderIsNotCredited() throws Exception {
        send(review("r1", T - 1, "p1", "m1", 4, "o1"), line("o1", "l1", "p1", "c1"));
        watermark(T);
        assertThat(emitted()).containsExactly("r1 -");
    }

    @Test
    void aReviewOfAnOrganicLineOrAnotherProductIsEmittedUncreditedAndLeavesNoState() throws Exception {
        send(organic("o2", "l1", T, "m1", "p1", 1, 1_000, true), review("r1", T + DAY, "p1", "m1", 1, "o2"));
        watermark(T + DAY);
        assertThat(emitted()).containsExactly("r1 -");
        assertThat(harness().numKeyedStateEntries()).as("nothing to remember of an organic order").isZero();
        assertThat(harness().numEventTimeTimers()).isZero();

        send(line("o1", "l1", "p1", "c1"), review("r2", T + 2 * DAY, "p9", "m1", 3, "o1"));
        watermark(T + 2 * DAY);
        assertThat(emitted()).containsExactly("r2 -");
        assertQuietAfter(T + SETTLEMENT);
    }

    @Test
    void aReviewOfAnUnknownOrderIsEmittedUncreditedAndLeavesNoState() throws Exception {
        send(review("r1", T, "p1", "m1", 3, "o9"));
        assertThat(harness().numEventTimeTimers()).as("the review waits").isEqualTo(1);
        watermark(T);
        assertThat(emitted()).containsExactly("r1 -");
        assertThat(harness().numKeyedStateEntries()).isZero();
        assertThat(harness().numEventTimeTimers()).isZero();
    }

    @Test
    void reversalsAreIgnored() throws Exception {
        Attribution l1 = line("o1", "l1", "p1", "c1");
        send(reversal(l1, "x1", T + DAY, 1_000, 100));
        assertThat(harness().numKeyedStateEntries()).isZero();
        assertThat(harness().numEventTimeTimers()).isZero();
        send(review("r1", T + 2 * DAY, "p1", "m1", 3, "o1"));
        watermark(T + 2 * DAY);
        assertThat(emitted()).as("a reversal alone credits nothing").containsExactly("r1 -");

        send(l1, reversal(l1, "x2", T + 3 * DAY, 1_000, 100), review("r2", T + 4 * DAY, "p1", "m1", 3, "o1"));
        watermark(T + 4 * DAY);
        assertThat(emitted()).containsExactly("r2 c1");
        assertQuietAfter(T + SETTLEMENT);
    }

    @Test
    void stateAndTimersAreEmptyOnceTheSettlementWindowHasPassedAndNoReviewWaits() throws Exception {
        send(line("o1", "l1", "p1", "c1"), line("o1", "l2", "p2", "c2"), review("r1", T + DAY, "p1", "m1", 5, "o1"));
        watermark(T + DAY);
        assertThat(emitted()).containsExactly("r1 c1");
        assertThat(harness().numKeyedStateEntries()).as("the lines, for later reviews").isEqualTo(1);
        assertThat(harness().numEventTimeTimers()).as("the end of the settlement window").isEqualTo(1);

        watermark(T + SETTLEMENT);
        assertThat(harness().numKeyedStateEntries()).as("still within the window").isEqualTo(1);
        watermark(T + SETTLEMENT + 1);
        assertThat(harness().numKeyedStateEntries()).isZero();
        assertThat(harness().numEventTimeTimers()).isZero();
    }

    @Test
    void aReviewWaitingBeyondTheSettlementWindowKeepsItsStateUntilItIsEmitted() throws Exception {
        send(line("o1", "l1", "p1", "c1"), review("r1", T + SETTLEMENT + 5 * DAY, "p1", "m1", 2, "o1"));
        watermark(T + SETTLEMENT + 1);
        assertThat(emitted()).isEmpty();
        assertThat(harness().numKeyedStateEntries()).as("the waiting review").isEqualTo(1);
        assertThat(harness().numEventTimeTimers()).as("the review's ts").isEqualTo(1);

        watermark(T + SETTLEMENT + 5 * DAY);
        assertThat(emitted()).containsExactly("r1 -");
        assertThat(harness().numKeyedStateEntries()).isZero();
        assertThat(harness().numEventTimeTimers()).isZero();
    }

    @Test
    void reviewsOfTwoOrdersAreCreditedEachToItsOwnOrder() throws Exception {
        send(line("o1", "l1", "p1", "c1"), line("o2", "l1", "p1", "c2"),
                review("r1", T + DAY, "p1", "m1", 5, "o2"), review("r2", T + DAY, "p1", "m1", 5, "o1"));
        watermark(T + DAY);
        assertThat(emitted()).containsExactlyInAnyOrder("r1 c2", "r2 c1");
        assertQuietAfter(T + SETTLEMENT);
    }

    /**
     * Idle inputs with nothing waiting: the operator goes idle too, so that sparse reviews and attributions do not
     * hold back the KPI windows downstream.
     */
    @Test
    void withNoReviewWaitingIdleInputsMakeTheOperatorIdle() throws Exception {
        send(line("o1", "l1", "p1", "c1"));
        watermark(T);
        idle(true);
        assertThat(statuses()).containsExactly("IDLE");
        idle(false);
        assertThat(statuses()).containsExactly("IDLE", "ACTIVE");
    }

    /**
     * Idle inputs while a review waits: the operator stays active at its watermark, so that the pre-aggregation does
     * not pass the review's ts before it is emitted; it may go idle once the review is out.
     */
    @Test
    void whileAReviewWaitsIdleInputsLeaveTheOperatorActiveUntilTheReviewIsOut() throws Exception {
        send(line("o1", "l1", "p1", "c1"), review("r1", T + DAY, "p1", "m1", 4, "o1"));
        harness().processWatermark1(new Watermark(T + 10));
        harness().processWatermark2(new Watermark(T + 20));
        idle(true);
        // All idle: Flink flushes to the greatest input watermark (T + 20), still short of the review.
        assertThat(statuses()).as("held active").isEmpty();
        assertThat(emitted()).isEmpty();

        idle(false);
        watermark(T + DAY);
        assertThat(emitted()).containsExactly("r1 c1");
        assertThat(statuses()).as("never went idle, so no active status either").isEmpty();
        idle(true);
        assertThat(statuses()).containsExactly("IDLE");
    }

    /** After a restore, at any parallelism, the greatest review ts taken before the snapshot still holds. */
    @Test
    void aRestoredOperatorStillHoldsForAReviewTakenBeforeTheSnapshot() throws Exception {
        send(line("o1", "l1", "p1", "c1"), review("r1", T + DAY, "p1", "m1", 4, "o1"));
        watermark(T);
        org.apache.flink.runtime.checkpoint.OperatorSubtaskState snapshot = harness().snapshot(1, 1);
        harness.close();
        harness = new KeyedTwoInputStreamOperatorTestHarness<>(new CreditReviewsOperator(SETTLEMENT),
                a -> a.orderId, r -> r.orderId, Types.STRING);
        harness.initializeState(snapshot);
        harness.open();
        seen = 0;

        idle(true);
        assertThat(statuses()).as("held active after the restore").isEmpty();
        idle(false);
        watermark(T + DAY);
        assertThat(emitted()).containsExactly("r1 c1");
        assertQuietAfter(T + SETTLEMENT);
    }
}
