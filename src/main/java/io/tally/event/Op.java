package io.tally.event;

/** The comparison of an alert rule (CONTRACT section 5), printed as the contract spells it. */
public enum Op {
    GT(">"),
    GE(">="),
    LT("<"),
    LE("<=");

    private final String symbol;

    Op(String symbol) {
        this.symbol = symbol;
    }

    /** Whether {@code value op threshold} holds. */
    public boolean holds(double value, double threshold) {
        return switch (this) {
            case GT -> value > threshold;
            case GE -> value >= threshold;
            case LT -> value < threshold;
            case LE -> value <= threshold;
        };
    }

    /** The operator spelled {@code symbol} ({@code >=}). */
    public static Op of(String symbol) {
        for (Op op : values()) {
            if (op.symbol.equals(symbol)) return op;
        }
        throw new IllegalArgumentException("not an operator: " + symbol);
    }

    @Override
    public String toString() {
        return symbol;
    }
}
