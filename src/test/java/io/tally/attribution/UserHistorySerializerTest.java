package io.tally.attribution;

import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** {@link UserHistorySerializer} through Flink's serializer checks: round trips, copies, snapshots, duplicates. */
class UserHistorySerializerTest extends SerializerTestBase<UserHistory> {

    @Override
    protected TypeSerializer<UserHistory> createSerializer() {
        return UserHistorySerializer.INSTANCE;
    }

    @Override
    protected int getLength() {
        return -1;
    }

    @Override
    protected Class<UserHistory> getTypeClass() {
        return UserHistory.class;
    }

    @Override
    protected UserHistory[] getTestData() {
        UserHistory empty = new UserHistory();

        UserHistory full = new UserHistory();
        TouchPoint click = new TouchPoint("k1", 1_000, "c1", "v1", "TUTORIAL");
        click.productIds = new String[] {"p1"};
        full.addClick(click);
        TouchPoint view = new TouchPoint("w1", 2_000, "c2", "v2", null);
        view.productIds = new String[] {"p1", "p2", "p3"};
        full.addView(view, 0);
        full.recordOrder("m1", 3_000, 365L * 86_400_000);
        full.recordOrder("m2", 4_000, 365L * 86_400_000);
        full.pruneAt = 3_600_000;

        UserHistory ordersOnly = new UserHistory();
        ordersOnly.recordOrder("m\u00e9rchant \u2603", Long.MAX_VALUE - 1, 0);
        return new UserHistory[] {empty, full, ordersOnly};
    }
}
