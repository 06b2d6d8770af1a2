package io.tally.event;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.tally.io.Json;
import io.tally.io.WireFormat.AtLeast;
import io.tally.io.WireFormat.AtMost;
import io.tally.io.WireFormat.Id;
import io.tally.io.WireFormat.Required;

import java.util.Objects;

/**
 * A buyer's review of a product (stream {@code reviews}, CONTRACT section 8): a rating from 1 to 5, about the line
 * of {@code orderId} for {@code productId} when it names the order.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class Review implements Event {
    /** A rating of at most this is a negative review. */
    public static final int NEGATIVE_AT_MOST = 2;

    @Required @Id public String eventId;
    @Required public long ts;
    @Required @Id public String userId;
    @Required @Id public String productId;
    @Required @Id public String merchantId;
    @Required @AtLeast(1) @AtMost(5) public int rating;
    @Id public String orderId;

    public Review() {}

    public Review(String eventId, long ts, String userId, String productId, String merchantId, int rating,
                  String orderId) {
        this.eventId = eventId;
        this.ts = ts;
        this.userId = userId;
        this.productId = productId;
        this.merchantId = merchantId;
        this.rating = rating;
        this.orderId = orderId;
    }

    public boolean negative() {
        return rating <= NEGATIVE_AT_MOST;
    }

    @Override
    public long eventTime() {
        return ts;
    }

    /** The order when it names one, so a review meets its order's lines in one partition; else the product. */
    @Override
    public String kafkaKey() {
        return orderId != null ? orderId : productId;
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
        return Objects.hash(eventId, ts, userId);
    }

    @Override
    public String toString() {
        return Json.show(this);
    }
}
