package io.tally.pipeline;

import io.tally.event.Click;
import io.tally.event.Order;
import io.tally.event.Stream;
import io.tally.io.DeadLetter;
import org.apache.flink.api.common.typeinfo.Types;
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
    private final List<KeyedOneInputStreamOperatorTestHarness<String, ?, ?>> harnesses = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (KeyedOneInputStreamOperatorTestHarness<String, ?, ?> h : harnesses) h.close();
    }

    /** Clicks keyed by eventId, as Ingest wires them. */
    private KeyedOneInputStreamOperatorTestHarness<String, Click, Click> clicks() throws Exception {
        var h = ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new Deduplicate<Click>(Stream.CLICKS, HOUR, c -> c.ts), (Click c) -> c.eventId, Types.STRING);
        harnesses.add(h);
        return h;
    }

    private static void send(KeyedOneInputStreamOperatorTestHarness<String, Click, Click> h, Click... clicks)
            throws Exception {
        for (Click c : clicks) h.processElement(c, c.ts);
    }

    private static List<String> passed(KeyedOneInputStreamOperatorTestHarness<String, Click, Click> h) {
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
        send(h, click("k1", T, "c1", "v1"), click("k2", T + 1, "c1", "v1"));
        h.processWatermark(T + HOUR - 1);
        assertThat(h.numKeyedStateEntries()).isEqualTo(2);
        assertThat(h.numEventTimeTimers()).isEqualTo(2);
        h.processWatermark(T + HOUR + 1);
        assertThat(h.numKeyedStateEntries()).isZero();
        assertThat(h.numEventTimeTimers()).isZero();
    }

    @Test
    void ordersAreDeduplicatedByOrderIdOverTheirOwnHorizon() throws Exception {
        var h = ProcessFunctionTestHarnesses.forKeyedProcessFunction(
                new Deduplicate<Order>(Stream.ORDERS, 72 * HOUR, o -> o.ts), (Order o) -> o.orderId, Types.STRING);
        harnesses.add(h);
        h.processElement(order("o1", T, line("l1", 10_00)), T);
        h.processElement(order("o1", T + 72 * HOUR, line("l1", 10_00)), T + 72 * HOUR);
        h.processElement(order("o1", T + 72 * HOUR + 1, line("l1", 10_00)), T + 72 * HOUR + 1);
        assertThat(h.extractOutputValues()).extracting(o -> o.ts - T).containsExactly(0L, 72 * HOUR + 1);
        assertThat(deadLetters(h)).extracting(d -> d.stream + " " + d.reason).containsExactly("orders DUPLICATE");
    }
}
