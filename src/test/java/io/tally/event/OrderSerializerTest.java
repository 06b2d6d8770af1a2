package io.tally.event;

import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** {@link OrderSerializer} through Flink's serializer checks: round trips, copies, snapshots, duplicates. */
class OrderSerializerTest extends SerializerTestBase<Order> {
    @Override
    protected TypeSerializer<Order> createSerializer() {
        return OrderSerializer.INSTANCE;
    }

    @Override
    protected int getLength() {
        return -1;
    }

    @Override
    protected Class<Order> getTypeClass() {
        return Order.class;
    }

    @Override
    protected Order[] getTestData() {
        return new Order[] {
            new Order("o1", 1_740_830_400_000L, "u1", "m1", new OrderLine[] {
                new OrderLine("l1", "p1", 2, 10_00, 50), new OrderLine("l2", "p2", 1, 99_99, 0)}),
            new Order("o\u2603", Long.MIN_VALUE, "u2", "m2", new OrderLine[0]),
            new Order("o3", 0, null, null, null),
        };
    }
}
