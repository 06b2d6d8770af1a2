package io.tally.attribution;

/**
 * What the reversal of one order line needs: its amount, how much of it is reversed so far, and the attribution
 * records (every model, every credited content) that a cancel or refund reverses.
 */
public class LineLedger {
    public long lineAmountCents;
    public long reversedCents;
    /** Set by a cancel, a refund without amount, or refunds that reach the line amount. */
    public boolean fullyReversed;
    public Attribution[] records = new Attribution[0];

    public LineLedger() {}

    public long remainingCents() {
        return lineAmountCents - reversedCents;
    }
}
