package io.tally.event;

import io.tally.io.InvalidRecordException;
import io.tally.io.Json;
import io.tally.io.Validated;
import io.tally.io.WireFormat.Id;
import io.tally.io.WireFormat.Required;
import org.apache.flink.api.common.typeinfo.TypeInfo;

import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/** An order of a user at a merchant, with 1..1000 lines (stream {@code orders}). */
@TypeInfo(OrderSerializer.Factory.class)
public class Order implements Event, Validated {
    /** Lines of an order (CONTRACT section 2). */
    public static final int MAX_LINES = 1000;

    @Required @Id public String orderId;
    @Required public long ts;
    @Required @Id public String userId;
    @Required @Id public String merchantId;
    @Required public OrderLine[] lines;

    public Order() {}

    public Order(String orderId, long ts, String userId, String merchantId, OrderLine[] lines) {
        this.orderId = orderId;
        this.ts = ts;
        this.userId = userId;
        this.merchantId = merchantId;
        this.lines = lines;
    }

    @Override
    public long eventTime() {
        return ts;
    }

    @Override
    public String kafkaKey() {
        return userId;
    }

    @Override
    public String id() {
        return orderId;
    }

    /** 1 to 1000 lines, each an object with its own lineId, whose amounts and total fit in cents. */
    @Override
    public void validate() throws InvalidRecordException {
        if (lines.length < 1 || lines.length > MAX_LINES) {
            throw InvalidRecordException.invalid("lines", "must have 1 to " + MAX_LINES + " lines (got " + lines.length + ")");
        }
        Set<String> lineIds = new HashSet<>();
        long total = 0;
        for (int i = 0; i < lines.length; i++) {
            OrderLine line = lines[i];
            String at = "lines[" + i + "]";
            if (line == null) throw InvalidRecordException.invalid(at, "must be an object (got null)");
            line.validate(at);
            if (!lineIds.add(line.lineId)) {
                throw InvalidRecordException.invalid(at + ".lineId", "'" + line.lineId + "' repeats an earlier line of the order");
            }
            try {
                // The order's total must fit too: KPI sums start from it.
                total = Math.addExact(total, line.lineAmountCents());
            } catch (ArithmeticException e) {
                throw InvalidRecordException.invalid("lines", "the order's total amount is too large");
            }
        }
    }

    /** Records are equal when they say the same on the wire. */
    @Override
    public boolean equals(Object o) {
        return Json.same(this, o);
    }

    @Override
    public int hashCode() {
        return Objects.hash(orderId, ts, userId);
    }

    @Override
    public String toString() {
        return Json.show(this);
    }
}
