package io.tally.event;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * Money is held as a long count of cents: the contract allows at most 2 decimals, so cents are exact.
 * Products and ratios of money are formed in decimal and rounded HALF_EVEN to whole cents (= 2 decimals).
 */
public final class Money {
    private Money() {}

    /** round2(cents x factor) in cents. */
    public static long times(long cents, BigDecimal factor) {
        return BigDecimal.valueOf(cents).multiply(factor).setScale(0, RoundingMode.HALF_EVEN).longValueExact();
    }

    /** round2(cents x weight x rate) in cents, the product formed exactly before the single rounding. */
    public static long times(long cents, BigDecimal weight, BigDecimal rate) {
        return BigDecimal.valueOf(cents).multiply(weight).multiply(rate)
                .setScale(0, RoundingMode.HALF_EVEN).longValueExact();
    }

    /** round2(cents / divisor) in cents. */
    public static long divide(long cents, long divisor) {
        return BigDecimal.valueOf(cents).divide(BigDecimal.valueOf(divisor), 0, RoundingMode.HALF_EVEN).longValueExact();
    }

    /** The JSON number for an amount of cents: 2 decimals, e.g. 1250 -> 12.50. */
    public static BigDecimal toDecimal(long cents) {
        return BigDecimal.valueOf(cents, 2);
    }

    /**
     * Cents of a decimal amount that has at most 2 decimals.
     *
     * @throws ArithmeticException if it has more decimals or does not fit a long
     */
    public static long toCents(BigDecimal amount) {
        return amount.movePointRight(2).setScale(0, RoundingMode.UNNECESSARY).longValueExact();
    }
}
