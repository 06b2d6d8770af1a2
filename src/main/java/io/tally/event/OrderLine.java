package io.tally.event;

import java.util.Objects;

/** One line of an order. Money is in cents (exact): the contract allows at most 2 decimals. */
public class OrderLine {
    public String lineId;
    public String productId;
    public long quantity;
    public long unitPriceCents;
    public long discountCents;

    public OrderLine() {}

    public OrderLine(String lineId, String productId, long quantity, long unitPriceCents, long discountCents) {
        this.lineId = lineId;
        this.productId = productId;
        this.quantity = quantity;
        this.unitPriceCents = unitPriceCents;
        this.discountCents = discountCents;
    }

    /** Line amount = quantity x unitPrice - discount, in cents (validated not to overflow at parse time). */
    public long lineAmountCents() {
        return quantity * unitPriceCents - discountCents;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof OrderLine)) return false;
        OrderLine l = (OrderLine) o;
        return quantity == l.quantity && unitPriceCents == l.unitPriceCents && discountCents == l.discountCents
                && Objects.equals(lineId, l.lineId) && Objects.equals(productId, l.productId);
    }

    @Override
    public int hashCode() {
        return Objects.hash(lineId, productId, quantity);
    }

    @Override
    public String toString() {
        return "OrderLine{" + lineId + " product=" + productId + " qty=" + quantity + " unitPrice=" + unitPriceCents
                + "c discount=" + discountCents + "c}";
    }
}
