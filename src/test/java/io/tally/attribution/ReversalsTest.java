package io.tally.attribution;

import io.tally.event.OrderUpdate;
import io.tally.io.DeadLetterReason;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;

import static io.tally.attribution.AttributionFixtures.DAY;
import static io.tally.attribution.AttributionFixtures.T;
import static io.tally.attribution.AttributionFixtures.attributed;
import static io.tally.attribution.AttributionFixtures.cancel;
import static io.tally.attribution.AttributionFixtures.refund;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link Reversals} against CONTRACT section 3, rule 10, without Flink. Most tests reverse a line of 100.00 credited
 * by LAST_CLICK at 10%.
 */
class ReversalsTest {
    private static final long SETTLEMENT = 30 * DAY;

    private final Reversals reversals = new Reversals(SETTLEMENT);

    private static LineLedger ledgerOf(Attribution... records) {
        LineLedger ledger = null;
        for (Attribution a : records) ledger = Reversals.remember(ledger, a);
        return ledger;
    }

    private static DeadLetterReason reasonOf(Reversals.Rejection rejection) {
        return rejection == null ? null : rejection.reason();
    }

    // ---- how much of a line an update reverses ----

    @Test
    void aCancelReversesTheWholeLineOnce() {
        LineLedger ledger = ledgerOf(attributed("o1", "l1", T, 100_00));
        OrderUpdate cancel = cancel("x1", T + DAY, "o1", "l1");
        assertThat(Reversals.checkLine(cancel, ledger)).isNull();
        assertThat(Reversals.reverse(ledger, cancel)).isEqualTo(100_00);
        assertThat(ledger.fullyReversed).isTrue();
        assertThat(reasonOf(Reversals.checkLine(cancel("x2", T + 2 * DAY, "o1", "l1"), ledger)))
                .isEqualTo(DeadLetterReason.ALREADY_REVERSED);
    }

    @Test
    void aRefundWithAmountReversesAtMostWhatRemains() {
        LineLedger ledger = ledgerOf(attributed("o1", "l1", T, 100_00));
        assertThat(Reversals.reverse(ledger, refund("x1", T + DAY, "o1", "l1", 60_00L))).isEqualTo(60_00);
        assertThat(ledger.fullyReversed).isFalse();
        assertThat(Reversals.reverse(ledger, refund("x2", T + DAY, "o1", "l1", 60_00L))).isEqualTo(40_00);
        assertThat(ledger.fullyReversed).isTrue();
    }

    @Test
    void aRefundWithoutAmountReversesAllThatRemains() {
        LineLedger ledger = ledgerOf(attributed("o1", "l1", T, 100_00));
        Reversals.reverse(ledger, refund("x1", T + DAY, "o1", "l1", 30_00L));
        assertThat(Reversals.reverse(ledger, refund("x2", T + DAY, "o1", "l1", null))).isEqualTo(70_00);
        assertThat(ledger.fullyReversed).isTrue();
    }

    @Test
    void refundsReachingTheLineAmountExactlyLeaveItFullyReversed() {
        LineLedger ledger = ledgerOf(attributed("o1", "l1", T, 100_00));
        Reversals.reverse(ledger, refund("x1", T + DAY, "o1", "l1", 40_00L));
        Reversals.reverse(ledger, refund("x2", T + DAY, "o1", "l1", 60_00L));
        assertThat(ledger.remainingCents()).isZero();
        assertThat(reasonOf(Reversals.checkLine(cancel("x3", T + DAY, "o1", "l1"), ledger)))
                .isEqualTo(DeadLetterReason.ALREADY_REVERSED);
    }

    @Test
    void aLedgerKeepsEveryRecordOfItsLineInArrivalOrder() {
        Attribution primary = attributed("o1", "l1", T, 100_00);
        Attribution shadow = attributed("o1", "l1", T, Model.LINEAR, 100_00, 0.5, 50_00, "0.10", 5_00);
        LineLedger ledger = ledgerOf(primary, shadow);
        assertThat(ledger.records).containsExactly(primary, shadow);
        assertThat(ledger.lineAmountCents).isEqualTo(100_00);
        assertThat(ledger.reversedCents).isZero();
    }

    // ---- the reversal record ----

    @Test
    void aReversalCopiesTheOriginalWithTheUpdatesTsAndNegativeAmountAndCommission() {
        Attribution original = attributed("o1", "l1", T, 100_00);
        Attribution r = Reversals.reversal(original, refund("x1", T + DAY, "o1", "l1", 30_00L), 30_00);
        Attribution expected = original.copy();
        expected.ts = T + DAY;
        expected.reversal = true;
        expected.updateEventId = "x1";
        expected.updateKind = "REFUND";
        expected.amountCents = -30_00;
        expected.commissionCents = -3_00;
        assertThat(r).isEqualTo(expected);
        assertThat(original.reversal).isFalse();
    }

    @Test
    void aReversalIsWeighedByTheOriginalsWeightAndRateRoundedHalfEven() {
        Attribution original = attributed("o1", "l1", T, Model.LINEAR, 25, 0.5, 12, "0.10", 1);
        Attribution r = Reversals.reversal(original, cancel("x1", T + DAY, "o1", "l1"), 25);
        // 0.25 x 0.5 = 0.125 -> 0.12; 0.125 x 0.10 = 0.0125 -> 0.01
        assertThat(r.amountCents).isEqualTo(-12);
        assertThat(r.commissionCents).isEqualTo(-1);
        assertThat(r.commissionRate).isEqualByComparingTo(new BigDecimal("0.10"));
    }

    @Test
    void aRecordThatEarnedNoCommissionIsReversedWithNone() {
        // A self-purchase: its rate is 10%, the commission applied was 0.
        Attribution selfPurchase = attributed("o1", "l1", T, Model.LAST_CLICK, 100_00, 1.0, 100_00, "0.10", 0);
        Attribution organic = attributed("o1", "l1", T, Model.LAST_CLICK, 100_00, 1.0, 100_00, null, 0);
        OrderUpdate cancel = cancel("x1", T + DAY, "o1", "l1");
        assertThat(Reversals.reversal(selfPurchase, cancel, 100_00).commissionCents).isZero();
        assertThat(Reversals.reversal(organic, cancel, 100_00).commissionCents).isZero();
        assertThat(Reversals.reversal(organic, cancel, 100_00).amountCents).isEqualTo(-100_00);
    }

    // ---- updates that reverse nothing ----

    @Test
    void anUpdateOfAnOrderNotRememberedOrAfterItInEventTimeIsUnknownOrder() {
        assertThat(reasonOf(reversals.checkOrder(cancel("x1", T, "o1", "l1"), null)))
                .isEqualTo(DeadLetterReason.UNKNOWN_ORDER);
        assertThat(reasonOf(reversals.checkOrder(cancel("x1", T - 1, "o1", "l1"), T)))
                .isEqualTo(DeadLetterReason.UNKNOWN_ORDER);
        assertThat(reversals.checkOrder(cancel("x1", T, "o1", "l1"), T)).isNull();
    }

    @Test
    void anUpdateAtTheEndOfTheSettlementWindowAppliesAndOneMillisecondLaterIsAfterSettlement() {
        assertThat(reversals.checkOrder(cancel("x1", T + SETTLEMENT, "o1", "l1"), T)).isNull();
        Reversals.Rejection late = reversals.checkOrder(cancel("x1", T + SETTLEMENT + 1, "o1", "l1"), T);
        assertThat(reasonOf(late)).isEqualTo(DeadLetterReason.AFTER_SETTLEMENT);
        assertThat(late.detail()).contains("o1", Long.toString(T + SETTLEMENT));
    }

    @Test
    void anUpdateOfALineTheOrderDoesNotHaveIsUnknownOrder() {
        Reversals.Rejection rejection = Reversals.checkLine(cancel("x1", T + DAY, "o1", "l9"), null);
        assertThat(reasonOf(rejection)).isEqualTo(DeadLetterReason.UNKNOWN_ORDER);
        assertThat(rejection.detail()).contains("l9");
    }
}
