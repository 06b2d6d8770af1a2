package io.tally.event;

import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** {@link ViewSerializer} through Flink's serializer checks: round trips, copies, snapshots, duplicates. */
class ViewSerializerTest extends SerializerTestBase<View> {
    @Override
    protected TypeSerializer<View> createSerializer() {
        return ViewSerializer.INSTANCE;
    }

    @Override
    protected int getLength() {
        return -1;
    }

    @Override
    protected Class<View> getTypeClass() {
        return View.class;
    }

    @Override
    protected View[] getTestData() {
        return new View[] {
            new View("w1", 1_740_830_400_000L, "u1", "c1", "v1", ContentType.LIVE, "TUTORIAL", new String[] {"p1", "p2"}),
            new View("w\u00e9 \u2603", Long.MIN_VALUE, "u2", "c2", "v2", null, null, new String[0]),
            new View(null, 0, null, null, null, ContentType.values()[0], "OTHER", null),
        };
    }
}
