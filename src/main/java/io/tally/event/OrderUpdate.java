package io.tally.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.tally.io.InvalidRecordException;
import io.tally.io.Json;
import io.tally.io.Validated;
import io.tally.io.WireFormat.Cents;
import io.tally.io.WireFormat.Id;
import io.tally.io.WireFormat.Required;
import io.tally.io.WireFormat.Sign;

import java.util.Objects;

/** A cancel or (partial) refund of one order line (stream {@code order-updates}). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class OrderUpdate implements Event, Validated {
    @Required @Id public String eventId;
    @Required public long ts;
    @Required @Id public String orderId;
    @Required @Id public String lineId;
    @Required public UpdateKind kind;
    /** REFUND only: the refunded amount in cents (> 0); null means "everything not yet reversed". */
    @Cents(Sign.POSITIVE) public Long amountCents;

    public OrderUpdate() {}

    public OrderUpdate(String eventId, long ts, String orderId, String lineId, UpdateKind kind, Long amountCents) {
        this.eventId = eventId;
        this.ts = ts;
        this.orderId = orderId;
        this.lineId = lineId;
        this.kind = kind;
        this.amountCents = amountCents;
    }

    @Override
    public long eventTime() {
        return ts;
    }

    @Override
    public String kafkaKey() {
        return orderId;
    }

    @Override
    public String id() {
        return eventId;
    }

    @Override
    public void validate() throws InvalidRecordException {
        if (kind != UpdateKind.REFUND && amountCents != null) {
            throw InvalidRecordException.invalid("amount", "only a REFUND has an amount (a CANCEL reverses the whole line)");
        }
    }

    /** Records are equal when they say the same on the wire. */
    @Override
    public boolean equals(Object o) {
        return Json.same(this, o);
    }

    @Override
    public int hashCode() {
        return Objects.hash(eventId, ts, orderId);
    }

    @Override
    public String toString() {
        return Json.show(this);
    }
}
