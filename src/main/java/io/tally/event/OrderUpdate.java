package io.tally.event;

import java.util.Objects;

/** A cancel or (partial) refund of one order line (stream {@code order-updates}). */
public class OrderUpdate {
    public String eventId;
    public long ts;
    public String orderId;
    public String lineId;
    public UpdateKind kind;
    /** REFUND only: the refunded amount in cents (> 0); null means "everything not yet reversed". */
    public Long amountCents;

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
    public boolean equals(Object o) {
        if (!(o instanceof OrderUpdate)) return false;
        OrderUpdate u = (OrderUpdate) o;
        return ts == u.ts && Objects.equals(eventId, u.eventId) && Objects.equals(orderId, u.orderId)
                && Objects.equals(lineId, u.lineId) && kind == u.kind && Objects.equals(amountCents, u.amountCents);
    }

    @Override
    public int hashCode() {
        return Objects.hash(eventId, ts, orderId);
    }

    @Override
    public String toString() {
        return "OrderUpdate{" + eventId + " ts=" + ts + " order=" + orderId + " line=" + lineId + " " + kind
                + (amountCents == null ? "" : " amount=" + amountCents + "c") + "}";
    }
}
