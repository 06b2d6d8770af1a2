package io.tally.event;

import org.apache.flink.api.common.typeinfo.TypeInfo;

import java.util.Arrays;
import java.util.Objects;

/** An order of a user at a merchant, with 1..1000 lines (stream {@code orders}). */
@TypeInfo(OrderSerializer.Factory.class)
public class Order {
    public String orderId;
    public long ts;
    public String userId;
    public String merchantId;
    public OrderLine[] lines;

    public Order() {}

    public Order(String orderId, long ts, String userId, String merchantId, OrderLine[] lines) {
        this.orderId = orderId;
        this.ts = ts;
        this.userId = userId;
        this.merchantId = merchantId;
        this.lines = lines;
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof Order)) return false;
        Order x = (Order) o;
        return ts == x.ts && Objects.equals(orderId, x.orderId) && Objects.equals(userId, x.userId)
                && Objects.equals(merchantId, x.merchantId) && Arrays.equals(lines, x.lines);
    }

    @Override
    public int hashCode() {
        return Objects.hash(orderId, ts, userId);
    }

    @Override
    public String toString() {
        return "Order{" + orderId + " ts=" + ts + " user=" + userId + " merchant=" + merchantId + " lines="
                + Arrays.toString(lines) + "}";
    }
}
