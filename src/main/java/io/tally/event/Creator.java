package io.tally.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.tally.io.Json;
import io.tally.io.WireFormat.Id;
import io.tally.io.WireFormat.Required;

import java.util.Objects;

/** A version of a creator (stream {@code creators}): audience size and the creator's own shopper account. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Creator implements Record {
    @Required @Id public String creatorId;
    @Required public long ts;
    @Required public long followers;
    /** The creator's own shopper account: orders by it are self-purchases. */
    @Id public String userId;
    public String niche;

    public Creator() {}

    public Creator(String creatorId, long ts, long followers, String userId, String niche) {
        this.creatorId = creatorId;
        this.ts = ts;
        this.followers = followers;
        this.userId = userId;
        this.niche = niche;
    }

    @Override
    public long eventTime() {
        return ts;
    }

    @Override
    public String kafkaKey() {
        return creatorId;
    }

    /** Records are equal when they say the same on the wire. */
    @Override
    public boolean equals(Object o) {
        return Json.same(this, o);
    }

    @Override
    public int hashCode() {
        return Objects.hash(creatorId, ts);
    }

    @Override
    public String toString() {
        return Json.show(this);
    }
}
