package io.tally.attribution;

import io.tally.event.Click;
import io.tally.event.ContentType;
import io.tally.event.Order;
import io.tally.event.OrderLine;
import io.tally.event.View;
import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** {@link UserActivitySerializer} through Flink's serializer checks: round trips, copies, snapshots, duplicates. */
class UserActivitySerializerTest extends SerializerTestBase<UserActivity> {
    @Override
    protected TypeSerializer<UserActivity> createSerializer() {
        return UserActivitySerializer.INSTANCE;
    }

    @Override
    protected int getLength() {
        return -1;
    }

    @Override
    protected Class<UserActivity> getTypeClass() {
        return UserActivity.class;
    }

    @Override
    protected UserActivity[] getTestData() {
        return new UserActivity[] {
            UserActivity.of(new Click("k1", 1, "u1", "c1", "v1", ContentType.LIVE, "p1", "m1", "TUTORIAL")),
            UserActivity.of(new View("w1", 2, "u1", "c1", "v1", ContentType.LIVE, "OTHER", new String[] {"p1"})),
            UserActivity.of(new Order("o1", 3, "u1", "m1", new OrderLine[] {new OrderLine("l1", "p1", 1, 100, 0)})),
        };
    }
}
