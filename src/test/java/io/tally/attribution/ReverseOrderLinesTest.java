package io.tally.attribution;

import io.tally.attribution.AttributionSettings;
import io.tally.event.Money;
import io.tally.event.OrderUpdate;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.util.KeyedTwoInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.stream.Collectors;

import static io.tally.attribution.AttributionFixtures.DAY;
import static io.tally.attribution.AttributionFixtures.T;
import static io.tally.attribution.AttributionFixtures.attributed;
import static io.tally.attribution.AttributionFixtures.cancel;
import static io.tally.attribution.AttributionFixtures.deadLetters;
import static io.tally.attribution.AttributionFixtures.refund;
import static io.tally.attribution.AttributionFixtures.settings;
import static io.tally.attribution.AttributionFixtures.sideOutput;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link ReverseOrderLines} against CONTRACT section 3, rule 10: cancels and refunds of attributed lines. An update at
 * ts is applied once the watermark reaches ts. Most tests reverse a line of 100.00 credited by LAST_CLICK at 10%.
 */
class ReverseOrderLinesTest {
    private static final long SETTLEMENT = 30 * DAY;
    private static final long ORDER_MEMORY = 90 * DAY;

    private AttributionSettings settings = settings();
    private KeyedTwoInputStreamOperatorTestHarness<String, Attribution, OrderUpdate, Attribution> harness;

    @AfterEach
    void close() throws Exception {
        if (harness != null) harness.close();
    }

    private KeyedTwoInputStreamOperatorTestHarness<String, Attribution, OrderUpdate, Attribution> harness() throws Exception {
        if (harness == null) {
            harness = ProcessFunctionTestHarnesses.forKeyedCoProcessFunction(new ReverseOrderLines(settings),
                    a -> a.orderId, u -> u.orderId, Types.STRING);
        }
        return harness;
    }

    /** Attribution records to the first input, updates to the second. */
    private void send(Object... records) throws Exception {
        for (Object r : records) {
            if (r instanceof Attribution a) harness().processElement1(a, a.ts);
            else if (r instanceof OrderUpdate u) harness().processElement2(u, u.ts);
            else throw new IllegalArgumentException("not an input of reversal: " + r);
        }
    }

    private void watermark(long ts) throws Exception {
        harness().processBothWatermarks(new Watermark(ts));
    }

    /** A reversal as one line: the update, the credited content, weight, amount, rate and commission. */
    static String reversal(Attribution r) {
        assertThat(r.reversal).isTrue();
        return r.updateKind + " " + r.updateEventId + " @" + (r.ts - T) + " " + r.creatorId + "/" + r.contentId
                + " w=" + r.weight + " amount=" + Money.toDecimal(r.amountCents)
                + " rate=" + (r.commissionRate == null ? null : r.commissionRate.doubleValue())
                + " commission=" + Money.toDecimal(r.commissionCents);
    }

    private List<String> reversals() throws Exception {
        return harness().extractOutputValues().stream().map(ReverseOrderLinesTest::reversal).collect(Collectors.toList());
    }

    private List<String> deadLetterReasons() throws Exception {
        return deadLetters(harness()).stream().map(d -> d.stream + " " + d.reason).collect(Collectors.toList());
    }

    // ---- what a reversal record holds ----

    @Test
    void aReversalCopiesTheOriginalWithItsOwnTsUpdateAndNegativeAmountAndCommission() throws Exception {
        Attribution original = attributed("o1", "l1", T, 100_00);
        send(original, refund("x1", T + DAY, "o1", "l1", 30_00L));
        watermark(T + DAY);
        Attribution expected = original.copy();
        expected.ts = T + DAY;
        expected.reversal = true;
        expected.updateEventId = "x1";
        expected.updateKind = "REFUND";
        expected.amountCents = -30_00;
        expected.commissionCents = -3_00;
        // Everything else (creator, content, format, tier, weight, rate, margin, newCustomer) is the original's.
        assertThat(harness().extractOutputValues()).containsExactly(expected);
    }

    // ---- REFUND with and without amount, CANCEL ----

    @Test
    void refundsAccumulateUpToTheLineAmountThenTheLineIsAlreadyReversed() throws Exception {
        send(attributed("o1", "l1", T, 100_00), refund("x1", T + DAY, "o1", "l1", 60_00L),
                refund("x2", T + 2 * DAY, "o1", "l1", 60_00L), refund("x3", T + 3 * DAY, "o1", "l1", 1L));
        watermark(T + 3 * DAY);
        assertThat(reversals()).containsExactly(
                "REFUND x1 @" + DAY + " c1/v1 w=1.0 amount=-60.00 rate=0.1 commission=-6.00",
                "REFUND x2 @" + 2 * DAY + " c1/v1 w=1.0 amount=-40.00 rate=0.1 commission=-4.00");
        assertThat(deadLetterReasons()).containsExactly("order-updates ALREADY_REVERSED");
        assertThat(deadLetters(harness()).get(0).payload).contains("\"x3\"");
    }

    @Test
    void refundsReachingTheLineAmountExactlyReverseItFully() throws Exception {
        send(attributed("o1", "l1", T, 100_00), refund("x1", T + DAY, "o1", "l1", 40_00L),
                refund("x2", T + 2 * DAY, "o1", "l1", 60_00L), cancel("x3", T + 3 * DAY, "o1", "l1"));
        watermark(T + 3 * DAY);
        assertThat(harness().extractOutputValues()).extracting(r -> r.amountCents).containsExactly(-40_00L, -60_00L);
        assertThat(deadLetterReasons()).containsExactly("order-updates ALREADY_REVERSED");
    }

    @Test
    void aCancelAfterAPartialRefundReversesTheRest() throws Exception {
        send(attributed("o1", "l1", T, 100_00), refund("x1", T + DAY, "o1", "l1", 30_00L),
                cancel("x2", T + 2 * DAY, "o1", "l1"), cancel("x3", T + 3 * DAY, "o1", "l1"));
        watermark(T + 3 * DAY);
        assertThat(reversals()).containsExactly(
                "REFUND x1 @" + DAY + " c1/v1 w=1.0 amount=-30.00 rate=0.1 commission=-3.00",
                "CANCEL x2 @" + 2 * DAY + " c1/v1 w=1.0 amount=-70.00 rate=0.1 commission=-7.00");
        assertThat(deadLetterReasons()).containsExactly("order-updates ALREADY_REVERSED");
    }

    @Test
    void aRefundWithoutAmountReversesAllThatIsNotYetReversed() throws Exception {
        send(attributed("o1", "l1", T, 100_00), refund("x1", T + DAY, "o1", "l1", 25_00L),
                refund("x2", T + 2 * DAY, "o1", "l1", null));
        watermark(T + 2 * DAY);
        assertThat(reversals()).containsExactly(
                "REFUND x1 @" + DAY + " c1/v1 w=1.0 amount=-25.00 rate=0.1 commission=-2.50",
                "REFUND x2 @" + 2 * DAY + " c1/v1 w=1.0 amount=-75.00 rate=0.1 commission=-7.50");
    }

    @Test
    void otherLinesOfTheOrderAreNotReversed() throws Exception {
        send(attributed("o1", "l1", T, 100_00), attributed("o1", "l2", T, 50_00), cancel("x1", T + DAY, "o1", "l2"));
        watermark(T + DAY);
        assertThat(harness().extractOutputValues()).extracting(r -> r.lineId + " " + r.amountCents)
                .containsExactly("l2 -5000");
    }

    // ---- weight and the rate applied ----

    @Test
    void eachRecordOfALineIsReversedWithItsOwnWeight() throws Exception {
        settings = settings(Model.LINEAR);
        Attribution twoThirds = attributed("o1", "l1", T, Model.LINEAR, 90_00, 2.0 / 3, 60_00, "0.10", 6_00);
        Attribution oneThird = attributed("o1", "l1", T, Model.LINEAR, 90_00, 1.0 / 3, 30_00, "0.10", 3_00);
        oneThird.creatorId = "c2";
        oneThird.contentId = "v2";
        send(twoThirds, oneThird, refund("x1", T + DAY, "o1", "l1", 30_00L));
        watermark(T + DAY);
        assertThat(reversals()).containsExactlyInAnyOrder(
                "REFUND x1 @" + DAY + " c1/v1 w=" + 2.0 / 3 + " amount=-20.00 rate=0.1 commission=-2.00",
                "REFUND x1 @" + DAY + " c2/v2 w=" + 1.0 / 3 + " amount=-10.00 rate=0.1 commission=-1.00");
    }

    @Test
    void aReversalRoundsHalfEvenToCents() throws Exception {
        send(attributed("o1", "l1", T, 100_00), refund("x1", T + DAY, "o1", "l1", 1_25L),
                refund("x2", T + 2 * DAY, "o1", "l1", 1_35L));
        watermark(T + 2 * DAY);
        assertThat(harness().extractOutputValues()).extracting(r -> r.commissionCents).containsExactly(-12L, -14L);
    }

    @Test
    void theRateAppliedIsZeroWhereTheOriginalEarnedNoCommission() throws Exception {
        Attribution selfPurchase = attributed("o1", "l1", T, Model.LAST_CLICK, 100_00, 1.0, 100_00, "0.10", 0);
        selfPurchase.selfPurchase = true;
        send(selfPurchase, cancel("x1", T + DAY, "o1", "l1"));
        watermark(T + DAY);
        assertThat(reversals()).containsExactly("CANCEL x1 @" + DAY + " c1/v1 w=1.0 amount=-100.00 rate=0.1 commission=0.00");
    }

    @Test
    void anOrganicLineIsReversedWithoutCommission() throws Exception {
        Attribution organic = attributed("o1", "l1", T, Model.LAST_CLICK, 100_00, 1.0, 100_00, null, 0);
        organic.touch = Touch.NONE;
        organic.touchEventId = null;
        organic.touchTs = null;
        organic.creatorId = null;
        organic.contentId = null;
        organic.contentFormat = null;
        organic.tier = null;
        send(organic, refund("x1", T + DAY, "o1", "l1", 40_00L));
        watermark(T + DAY);
        assertThat(reversals()).containsExactly("REFUND x1 @" + DAY + " null/null w=1.0 amount=-40.00 rate=null commission=0.00");
        assertThat(harness().extractOutputValues().get(0).touch).isEqualTo(Touch.NONE);
    }

    // ---- shadow models ----

    @Test
    void reversalsOfShadowRecordsGoToTheShadowOutputOnly() throws Exception {
        send(attributed("o1", "l1", T, 100_00),
                attributed("o1", "l1", T, Model.FIRST_CLICK, 100_00, 1.0, 100_00, "0.10", 10_00),
                cancel("x1", T + DAY, "o1", "l1"));
        watermark(T + DAY);
        assertThat(harness().extractOutputValues()).extracting(r -> r.model + " " + r.amountCents)
                .containsExactly("LAST_CLICK -10000");
        assertThat(sideOutput(harness(), AttributeOrderLines.SHADOW)).extracting(r -> r.model + " " + r.amountCents)
                .containsExactly("FIRST_CLICK -10000");
    }

    // ---- settlement window ----

    @Test
    void anUpdateAtTheEndOfTheSettlementWindowIsApplied() throws Exception {
        send(attributed("o1", "l1", T, 100_00), refund("x1", T + SETTLEMENT, "o1", "l1", 10_00L));
        watermark(T + SETTLEMENT);
        assertThat(harness().extractOutputValues()).extracting(r -> r.amountCents).containsExactly(-10_00L);
        assertThat(deadLetterReasons()).isEmpty();
    }

    @Test
    void anUpdateOneMillisecondAfterTheSettlementWindowIsAfterSettlement() throws Exception {
        send(attributed("o1", "l1", T, 100_00), refund("x1", T + SETTLEMENT + 1, "o1", "l1", 10_00L));
        watermark(T + SETTLEMENT + 1);
        assertThat(harness().extractOutputValues()).isEmpty();
        assertThat(deadLetterReasons()).containsExactly("order-updates AFTER_SETTLEMENT");
    }

    // ---- updates that wait, and updates of nothing known ----

    @Test
    void anUpdateArrivingBeforeItsOrderWaitsForTheWatermarkAndIsApplied() throws Exception {
        watermark(T - 1);
        send(cancel("x1", T, "o1", "l1"));
        watermark(T - 1);
        send(attributed("o1", "l1", T, 100_00));
        assertThat(harness().extractOutputValues()).isEmpty();
        watermark(T);
        assertThat(reversals()).containsExactly("CANCEL x1 @0 c1/v1 w=1.0 amount=-100.00 rate=0.1 commission=-10.00");
    }

    @Test
    void updatesAtTheSameTsApplyInEventIdOrder() throws Exception {
        send(attributed("o1", "l1", T, 100_00), refund("x2", T + DAY, "o1", "l1", 60_00L),
                refund("x1", T + DAY, "o1", "l1", 60_00L));
        watermark(T + DAY);
        assertThat(harness().extractOutputValues()).extracting(r -> r.updateEventId + " " + r.amountCents)
                .containsExactly("x1 -6000", "x2 -4000");
    }

    @Test
    void anUpdateOfAnUnknownOrderIsUnknownOrder() throws Exception {
        send(refund("x1", T, "o9", "l1", 10_00L));
        watermark(T);
        assertThat(harness().extractOutputValues()).isEmpty();
        assertThat(deadLetterReasons()).containsExactly("order-updates UNKNOWN_ORDER");
        assertThat(harness().numKeyedStateEntries()).isZero();
        assertThat(harness().numEventTimeTimers()).isZero();
    }

    @Test
    void anUpdateOfAnUnknownLineIsUnknownOrder() throws Exception {
        send(attributed("o1", "l1", T, 100_00), cancel("x1", T + DAY, "o1", "l9"));
        watermark(T + DAY);
        assertThat(harness().extractOutputValues()).isEmpty();
        assertThat(deadLetterReasons()).containsExactly("order-updates UNKNOWN_ORDER");
    }

    @Test
    void anUpdateBeforeItsOrderInEventTimeIsUnknownOrder() throws Exception {
        send(cancel("x1", T - 1, "o1", "l1"), attributed("o1", "l1", T, 100_00));
        watermark(T);
        assertThat(harness().extractOutputValues()).isEmpty();
        assertThat(deadLetterReasons()).containsExactly("order-updates UNKNOWN_ORDER");
    }

    // ---- late updates ----

    @Test
    void anUpdateAtOrBehindTheWatermarkIsLateAndNotStored() throws Exception {
        send(attributed("o1", "l1", T, 100_00));
        watermark(T + DAY);
        int entries = harness().numKeyedStateEntries();
        int timers = harness().numEventTimeTimers();
        send(cancel("x1", T + DAY, "o1", "l1"));
        assertThat(deadLetterReasons()).containsExactly("order-updates LATE");
        assertThat(harness().numKeyedStateEntries()).isEqualTo(entries);
        assertThat(harness().numEventTimeTimers()).isEqualTo(timers);
        watermark(T + 2 * DAY);
        assertThat(harness().extractOutputValues()).isEmpty();
    }

    // ---- bounded state ----

    @Test
    void linesAreDroppedAtSettlementAndTheOrderIsForgottenAfterTheOrderMemory() throws Exception {
        send(attributed("o1", "l1", T, 100_00), attributed("o1", "l2", T, 50_00), refund("x1", T + DAY, "o1", "l1", 10_00L));
        watermark(T + SETTLEMENT);
        assertThat(harness().numKeyedStateEntries()).isEqualTo(1); // the order's ts, to tell AFTER_SETTLEMENT
        assertThat(harness().numEventTimeTimers()).isEqualTo(1);
        send(cancel("x2", T + ORDER_MEMORY, "o1", "l1"));
        watermark(T + ORDER_MEMORY);
        assertThat(harness().numKeyedStateEntries()).isZero();
        assertThat(harness().numEventTimeTimers()).isZero();
        send(cancel("x3", T + ORDER_MEMORY + 1, "o1", "l1"));
        watermark(T + ORDER_MEMORY + 1);
        assertThat(deadLetterReasons()).containsExactly("order-updates AFTER_SETTLEMENT", "order-updates UNKNOWN_ORDER");
        assertThat(harness().numKeyedStateEntries()).isZero();
        assertThat(harness().numEventTimeTimers()).isZero();
    }
}
