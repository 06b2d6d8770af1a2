package io.tally.event;

import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** {@link ClickSerializer} through Flink's serializer checks: round trips, copies, snapshots, duplicates. */
class ClickSerializerTest extends SerializerTestBase<Click> {
    @Override
    protected TypeSerializer<Click> createSerializer() {
        return ClickSerializer.INSTANCE;
    }

    @Override
    protected int getLength() {
        return -1;
    }

    @Override
    protected Class<Click> getTypeClass() {
        return Click.class;
    }

    @Override
    protected Click[] getTestData() {
        return new Click[] {
            new Click("k1", 1_740_830_400_000L, "u1", "c1", "v1", ContentType.LIVE, "p1", "m1", "TUTORIAL"),
            new Click("k\u2603", Long.MAX_VALUE, "u2", "c2", "v2", null, "p2", null, null),
        };
    }
}
