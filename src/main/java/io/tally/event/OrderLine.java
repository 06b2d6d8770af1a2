package io.tally.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.tally.io.InvalidRecordException;
import io.tally.io.Json;
import io.tally.io.WireFormat.AtLeast;
import io.tally.io.WireFormat.Cents;
import io.tally.io.WireFormat.Id;
import io.tally.io.WireFormat.Required;

import java.util.Objects;

/** One line of an order. Money is in cents (exact): the contract allows at most 2 decimals. */
public class OrderLine {
    @Required @Id public String lineId;
    @Required @Id public String productId;
    @Required @AtLeast(1) public long quantity;
    @Required @Cents public long unitPriceCents;
    @Cents @JsonInclude(JsonInclude.Include.NON_DEFAULT) public long discountCents;

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

    /** quantity x unitPrice fits in cents, and the discount does not exceed it; {@code at} is the line's path. */
    void validate(String at) throws InvalidRecordException {
        long gross;
        try {
            gross = Math.multiplyExact(quantity, unitPriceCents);
        } catch (ArithmeticException e) {
            throw InvalidRecordException.invalid(at + ".unitPrice", "quantity x unitPrice is too large an amount");
        }
        if (discountCents > gross) {
            throw InvalidRecordException.invalid(at + ".discount", "must not exceed quantity x unitPrice ("
                    + Money.toDecimal(discountCents) + " > " + quantity + " x " + Money.toDecimal(unitPriceCents) + ")");
        }
    }

    /** Records are equal when they say the same on the wire. */
    @Override
    public boolean equals(Object o) {
        return Json.same(this, o);
    }

    @Override
    public int hashCode() {
        return Objects.hash(lineId, productId, quantity);
    }

    @Override
    public String toString() {
        return Json.show(this);
    }
}
