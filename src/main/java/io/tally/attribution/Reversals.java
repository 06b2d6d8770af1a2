package io.tally.attribution;

import io.tally.event.Money;
import io.tally.event.OrderUpdate;
import io.tally.event.UpdateKind;
import io.tally.io.DeadLetterReason;

import java.math.BigDecimal;
import java.util.Arrays;

/**
 * How cancels and refunds reverse attributed lines (CONTRACT section 3, rule 10): which updates write no reversal and
 * why, how much of a line an update reverses, and the negative record of each original. No Flink: the caller keeps
 * the order's ts and the lines' {@link LineLedger}s and writes the records.
 */
public final class Reversals {

    /** Why an update writes no reversal: its dead-letter reason and a detail for whoever reads the dead letter. */
    public record Rejection(DeadLetterReason reason, String detail) {}

    private final long settlementMs;

    public Reversals(long settlementMs) {
        this.settlementMs = settlementMs;
    }

    /** The ledger of a line with {@code a}, one of its attribution records, added: a new ledger for the first. */
    public static LineLedger remember(LineLedger ledger, Attribution a) {
        if (ledger == null) {
            ledger = new LineLedger();
            ledger.lineAmountCents = a.lineAmountCents;
        }
        ledger.records = Arrays.copyOf(ledger.records, ledger.records.length + 1);
        ledger.records[ledger.records.length - 1] = a;
        return ledger;
    }

    /**
     * Why {@code u} can reverse nothing of its order, or null if it may: the order is unknown (not remembered, or
     * after the update in event time) or settled (the update is more than the settlement window after it).
     *
     * @param orderTs the order's ts, null when the order is not remembered
     */
    public Rejection checkOrder(OrderUpdate u, Long orderTs) {
        if (orderTs == null || u.ts < orderTs) {
            // An update before its order in event time cannot refer to it.
            return new Rejection(DeadLetterReason.UNKNOWN_ORDER, "no order " + u.orderId + " at or before ts " + u.ts);
        }
        if (u.ts > orderTs + settlementMs) {
            return new Rejection(DeadLetterReason.AFTER_SETTLEMENT, "order " + u.orderId + " at ts " + orderTs
                    + " settled at ts " + (orderTs + settlementMs));
        }
        return null;
    }

    /** Why {@code u} can reverse nothing of its line, or null if it may; {@code ledger} is null for an unknown line. */
    public static Rejection checkLine(OrderUpdate u, LineLedger ledger) {
        if (ledger == null) {
            return new Rejection(DeadLetterReason.UNKNOWN_ORDER, "order " + u.orderId + " has no line " + u.lineId);
        }
        if (ledger.fullyReversed) {
            return new Rejection(DeadLetterReason.ALREADY_REVERSED, "line " + u.lineId + " of order " + u.orderId
                    + " is already fully reversed");
        }
        return null;
    }

    /**
     * Applies {@code u} to the ledger and returns the cents of the line it reverses: a refund with amount at most what
     * remains, a cancel or a refund without amount all that remains. The line is then fully reversed once nothing
     * remains.
     */
    public static long reverse(LineLedger ledger, OrderUpdate u) {
        long remaining = ledger.remainingCents();
        long reversed = u.kind == UpdateKind.REFUND && u.amountCents != null ? Math.min(u.amountCents, remaining) : remaining;
        ledger.reversedCents += reversed;
        ledger.fullyReversed = ledger.reversedCents >= ledger.lineAmountCents;
        return reversed;
    }

    /**
     * The reversal of {@code reversedCents} of a line, as it was credited by {@code original}: a copy with the
     * update's ts, event id and kind, and negative amount and commission by the original's weight and rate.
     */
    public static Attribution reversal(Attribution original, OrderUpdate u, long reversedCents) {
        BigDecimal weight = BigDecimal.valueOf(original.weight);
        Attribution r = original.copy();
        r.ts = u.ts;
        r.reversal = true;
        r.updateEventId = u.eventId;
        r.updateKind = u.kind.name();
        r.amountCents = -Money.times(reversedCents, weight);
        // The rate applied is 0 where the original earned no commission (self-purchase, unpaid view-through, rate 0).
        r.commissionCents = original.commissionCents == 0 || original.commissionRate == null ? 0
                : -Money.times(reversedCents, weight, original.commissionRate);
        return r;
    }
}
