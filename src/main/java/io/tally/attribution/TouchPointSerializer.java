package io.tally.attribution;

import io.tally.event.RecordSerializer;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;

/**
 * {@link TouchPoint} in state, written field by field: every click and view of a user is appended to its list, and
 * the reflective POJO serializer cost more than the append.
 *
 * <p>Layout (version 1): eventId, ts, creatorId, contentId, contentFormat, then the products as a count and ids.
 */
public final class TouchPointSerializer extends RecordSerializer<TouchPoint> {
    private static final long serialVersionUID = 1L;

    public static final TouchPointSerializer INSTANCE = new TouchPointSerializer();

    @Override
    public TouchPoint createInstance() {
        return new TouchPoint();
    }

    @Override
    public TouchPoint copy(TouchPoint from) {
        TouchPoint copy = new TouchPoint(from.eventId, from.ts, from.creatorId, from.contentId, from.contentFormat);
        copy.productIds = from.productIds.clone();
        return copy;
    }

    @Override
    public void serialize(TouchPoint t, DataOutputView out) throws IOException {
        writeString(t.eventId, out);
        out.writeLong(t.ts);
        writeString(t.creatorId, out);
        writeString(t.contentId, out);
        writeString(t.contentFormat, out);
        writeStrings(t.productIds, out);
    }

    @Override
    public TouchPoint deserialize(DataInputView in) throws IOException {
        TouchPoint t = new TouchPoint(readString(in), in.readLong(), readString(in), readString(in), readString(in));
        t.productIds = readStrings(in);
        return t;
    }

    @Override
    public TypeSerializerSnapshot<TouchPoint> snapshotConfiguration() {
        return new Snapshot();
    }

    /** Restores the serializer; a later layout would bump the version and read version 1 here. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<TouchPoint> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
