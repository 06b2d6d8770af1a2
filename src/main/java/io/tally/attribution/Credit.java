package io.tally.attribution;

import java.math.BigDecimal;

/**
 * The share of an order line that a model credits to one (creator, content): the weight and the touch that stands
 * for the group (its latest click, by (ts, eventId)).
 */
public final class Credit {
    public final TouchPoint touch;
    /** Exact where the model allows (LINEAR, POSITION_BASED), from a double for TIME_DECAY. */
    public final BigDecimal weight;

    public Credit(TouchPoint touch, BigDecimal weight) {
        this.touch = touch;
        this.weight = weight;
    }

    @Override
    public String toString() {
        return touch + "x" + weight;
    }
}
