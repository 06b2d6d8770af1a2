package io.tally.event;

import java.util.Objects;

/** Money a merchant spent on a creator besides commission (stream {@code spend}), in cents. */
public class Spend {
    public String eventId;
    public long ts;
    public String merchantId;
    public String creatorId;
    public long amountCents;
    public SpendKind kind;

    public Spend() {}

    public Spend(String eventId, long ts, String merchantId, String creatorId, long amountCents, SpendKind kind) {
        this.eventId = eventId;
        this.ts = ts;
        this.merchantId = merchantId;
        this.creatorId = creatorId;
        this.amountCents = amountCents;
        this.kind = kind;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Spend)) return false;
        Spend s = (Spend) o;
        return ts == s.ts && amountCents == s.amountCents && Objects.equals(eventId, s.eventId)
                && Objects.equals(merchantId, s.merchantId) && Objects.equals(creatorId, s.creatorId) && kind == s.kind;
    }

    @Override
    public int hashCode() {
        return Objects.hash(eventId, ts);
    }

    @Override
    public String toString() {
        return "Spend{" + eventId + " ts=" + ts + " merchant=" + merchantId + " creator=" + creatorId + " amount="
                + amountCents + "c " + kind + "}";
    }
}
