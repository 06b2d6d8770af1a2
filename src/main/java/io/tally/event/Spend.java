package io.tally.event;

import io.tally.io.Json;
import io.tally.io.WireFormat.Cents;
import io.tally.io.WireFormat.Id;
import io.tally.io.WireFormat.Required;

import java.util.Objects;

/** Money a merchant spent on a creator besides commission (stream {@code spend}), in cents. */
public class Spend implements Event {
    @Required @Id public String eventId;
    @Required public long ts;
    @Required @Id public String merchantId;
    @Required @Id public String creatorId;
    @Required @Cents public long amountCents;
    @Required public SpendKind kind;

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
    public long eventTime() {
        return ts;
    }

    @Override
    public String kafkaKey() {
        return creatorId;
    }

    @Override
    public String id() {
        return eventId;
    }

    /** Records are equal when they say the same on the wire. */
    @Override
    public boolean equals(Object o) {
        return Json.same(this, o);
    }

    @Override
    public int hashCode() {
        return Objects.hash(eventId, ts);
    }

    @Override
    public String toString() {
        return Json.show(this);
    }
}
