package io.tally.attribution;

import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

import java.io.IOException;

/**
 * {@link TouchPoint} in state, written field by field: every click and view of a user is appended to its list, and
 * the reflective POJO serializer cost more than the append.
 *
 * <p>Layout (version 1): eventId, ts, creatorId, contentId, contentFormat, then the products as a count and ids;
 * strings in Flink's {@link StringValue} format, which also writes null.
 */
public final class TouchPointSerializer extends TypeSerializerSingleton<TouchPoint> {
    private static final long serialVersionUID = 1L;

    public static final TouchPointSerializer INSTANCE = new TouchPointSerializer();

    @Override
    public boolean isImmutableType() {
        return false;
    }

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
    public TouchPoint copy(TouchPoint from, TouchPoint reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(TouchPoint t, DataOutputView out) throws IOException {
        StringValue.writeString(t.eventId, out);
        out.writeLong(t.ts);
        StringValue.writeString(t.creatorId, out);
        StringValue.writeString(t.contentId, out);
        StringValue.writeString(t.contentFormat, out);
        out.writeInt(t.productIds.length);
        for (String p : t.productIds) StringValue.writeString(p, out);
    }

    @Override
    public TouchPoint deserialize(DataInputView in) throws IOException {
        TouchPoint t = new TouchPoint(StringValue.readString(in), in.readLong(), StringValue.readString(in),
                StringValue.readString(in), StringValue.readString(in));
        String[] products = new String[in.readInt()];
        for (int i = 0; i < products.length; i++) products[i] = StringValue.readString(in);
        t.productIds = products;
        return t;
    }

    @Override
    public TouchPoint deserialize(TouchPoint reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
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
