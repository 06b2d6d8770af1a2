package io.tally.attribution;

import org.apache.flink.api.common.typeutils.SerializerTestBase;
import org.apache.flink.api.common.typeutils.TypeSerializer;

/** {@link TouchPointSerializer} through Flink's serializer checks: round trips, copies, snapshots, duplicates. */
class TouchPointSerializerTest extends SerializerTestBase<TouchPoint> {

    @Override
    protected TypeSerializer<TouchPoint> createSerializer() {
        return TouchPointSerializer.INSTANCE;
    }

    @Override
    protected int getLength() {
        return -1;
    }

    @Override
    protected Class<TouchPoint> getTypeClass() {
        return TouchPoint.class;
    }

    @Override
    protected TouchPoint[] getTestData() {
        TouchPoint click = new TouchPoint("k1", 1_000, "c1", "v1", "TUTORIAL");
        click.productIds = new String[] {"p1"};
        TouchPoint view = new TouchPoint("w\u00e9 \u2603", Long.MIN_VALUE, "c2", "v2", null);
        view.productIds = new String[] {"p1", "p2", "p3"};
        TouchPoint none = new TouchPoint("w2", Long.MAX_VALUE, "c3", "v3", "OTHER");
        return new TouchPoint[] {click, view, none};
    }
}
