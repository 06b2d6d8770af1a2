package io.tally.pipeline;

import io.tally.event.Click;
import io.tally.event.Order;
import io.tally.event.Stream;
import io.tally.io.DeadLetter;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static io.tally.attribution.AttributionFixtures.HOUR;
import static io.tally.attribution.AttributionFixtures.T;
import static io.tally.attribution.AttributionFixtures.click;
import static io.tally.attribution.AttributionFixtures.deadLetters;
import static io.tally.attribution.AttributionFixtures.line;
import static io.tally.attribution.AttributionFixtures.order;
import static org.assertj.core.api.Assertions.assertThat;

/** {@link Deduplicate} against CONTRACT section 3, rule 9, with the clicks horizon (1h) and the orders one (72h). */
class DeduplicateTest {
    private final List<KeyedOneInputStreamOperatorTestHarness<Integer, ?, ?>> harnesses = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (KeyedOneInputStreamOperatorTestHarness<Integer, ?, ?> h : harnesses) h.close();
    }

    /** Clicks keyed by the bucket of their eventId, as Ingest wires them. */
    private KeyedOneInputStreamOperatorTestHarness<Integer, Click, Click> clicks() throws Exception {
        return clicks(null);
    }

    /** Clicks keyed by the bucket of their eventId, as Ingest wires them, restored from {@code snapshot} if any. */
    private KeyedOneInputStreamOperatorTestHarness<Integer, Click, Click> clicks(OperatorSubtaskState snapshot)
            throws Exception {
        var h = new KeyedOneInputStreamOperatorTestHarness<>(
                new KeyedProcessOperator<>(new Deduplicate<Click>(Stream.CLICKS, HOUR)),
                (Click c) -> Deduplicate.bucketOf(c.eventId), Types.INT);
        harnesses.add(h);
        if (snapshot != null) h.initializeState(snapshot);
        h.open();
        return h;
    }

    private static void send(KeyedOneInputStreamOperatorTestHarness<Integer, Click, Click> h, Click... clicks)
            throws Exception {
        for (Click c : clicks) h.processElement(c, c.ts);
    }

    private static List<String> passed(KeyedOneInputStreamOperatorTestHarness<Integer, Click, Click> h) {
        return h.extractOutputValues().stream().map(c -> c.eventId + "@" + (c.ts - T)).toList();
    }

    @Test
    void theSameIdWithinTheHorizonIsADuplicate() throws Exception {
        var h = clicks();
        send(h, click("k1", T, "c1", "v1"), click("k1", T + HOUR, "c1", "v1"), click("k1", T - HOUR, "c1", "v1"));
        assertThat(passed(h)).containsExactly("k1@0");
        List<DeadLetter> letters = deadLetters(h);
        assertThat(letters).extracting(d -> d.stream + " " + d.reason)
                .containsExactly("clicks DUPLICATE", "clicks DUPLICATE");
        assertThat(letters.get(0).payload).contains("\"eventId\":\"k1\"", "\"ts\":" + (T + HOUR));
    }

    @Test
    void theSameIdAfterTheHorizonPassesAgain() throws Exception {
        var h = clicks();
        send(h, click("k1", T, "c1", "v1"), click("k1", T + HOUR + 1, "c1", "v1"),
                click("k1", T + 2 * HOUR + 1, "c1", "v1"), click("k1", T + 2 * HOUR + 2, "c1", "v1"));
        // The second occurrence starts a new horizon.
        assertThat(passed(h)).containsExactly("k1@0", "k1@" + (HOUR + 1), "k1@" + (2 * HOUR + 2));
        assertThat(deadLetters(h)).extracting(d -> d.reason.name()).containsExactly("DUPLICATE");
    }

    @Test
    void otherIdsAreNotDuplicates() throws Exception {
        var h = clicks();
        send(h, click("k1", T, "c1", "v1"), click("k2", T, "c1", "v1"));
        assertThat(passed(h)).containsExactly("k1@0", "k2@0");
        assertThat(deadLetters(h)).isEmpty();
    }

    @Test
    void anIdIsForgottenOnceTheWatermarkPassesTheHorizon() throws Exception {
        var h = clicks();
        // T is a whole hour: with the 1h horizon, sweeps run every half hour; k1 goes at T + 1h, k2 at T + 1.5h.
        send(h, click("k1", T, "c1", "v1"), click("k2", T + 1, "c1", "v1"));
        h.processWatermark(T + HOUR - 1);
        assertThat(h.numKeyedStateEntries()).isEqualTo(2); // two buckets
        assertThat(h.numEventTimeTimers()).isEqualTo(2);
        h.processWatermark(T + HOUR);
        assertThat(h.numKeyedStateEntries()).isEqualTo(1);
        h.processWatermark(T + HOUR + HOUR / 2);
        assertThat(h.numKeyedStateEntries()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    void aSweepKeepsTheIdsOfItsBucketThatHaveNotExpired() throws Exception {
        var h = clicks();
        String early = "k1";
        String late = sameBucketAs(early);
        send(h, click(early, T, "c1", "v1"), click(late, T + HOUR, "c1", "v1"));
        h.processWatermark(T + HOUR + HOUR / 2); // the sweep of the first expiry
        assertThat(h.numEventTimeTimers()).isEqualTo(1);
        send(h, click(early, T + HOUR + HOUR / 2 + 1, "c1", "v1"), click(late, T + 2 * HOUR, "c1", "v1"));
        assertThat(passed(h)).containsExactly(early + "@0", late + "@" + HOUR, early + "@" + (HOUR + HOUR / 2 + 1));
        assertThat(deadLetters(h)).extracting(d -> d.reason.name()).containsExactly("DUPLICATE");
        h.processWatermark(T + 4 * HOUR);
        assertThat(h.numKeyedStateEntries()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
    }

    /** Another id in the bucket of {@code id}. */
    private static String sameBucketAs(String id) {
        for (int i = 0; ; i++) {
            String other = "k-" + i;
            if (Deduplicate.bucketOf(other) == Deduplicate.bucketOf(id) && !other.equals(id)) return other;
        }
    }

    @Test
    void aRestoredTaskStillRecognisesIdsThatPassedBeforeTheRestore() throws Exception {
        var before = clicks();
        send(before, click("k1", T, "c1", "v1"), click("k2", T + 1, "c1", "v1"));
        OperatorSubtaskState snapshot = before.snapshot(1, T + 2);

        var after = clicks(snapshot);
        // Its bloom filters start empty: within the horizon of what passed before, it reads its state.
        send(after, click("k1", T + HOUR, "c1", "v1"), click("k3", T + 2, "c1", "v1"),
                click("k2", T + HOUR + 2, "c1", "v1"));
        assertThat(passed(after)).containsExactly("k3@2", "k2@" + (HOUR + 2));
        assertThat(deadLetters(after)).extracting(d -> d.reason.name()).containsExactly("DUPLICATE");
    }

    @Test
    void ordersAreDeduplicatedByOrderIdOverTheirOwnHorizon() throws Exception {
        var h = ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new Deduplicate<Order>(Stream.ORDERS, 72 * HOUR),
                (Order o) -> Deduplicate.bucketOf(o.orderId), Types.INT);
        harnesses.add(h);
        h.processElement(order("o1", T, line("l1", 10_00)), T);
        h.processElement(order("o1", T + 72 * HOUR, line("l1", 10_00)), T + 72 * HOUR);
        h.processElement(order("o1", T + 72 * HOUR + 1, line("l1", 10_00)), T + 72 * HOUR + 1);
        assertThat(h.extractOutputValues()).extracting(o -> o.ts - T).containsExactly(0L, 72 * HOUR + 1);
        assertThat(deadLetters(h)).extracting(d -> d.stream + " " + d.reason).containsExactly("orders DUPLICATE");
    }
}
