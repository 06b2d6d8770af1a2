package io.tally.attribution;

import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link UserHistory} in state, written field by field: the value is read and written on every event of a user, and
 * the reflective POJO serializer of lists of touches cost more than the state access around it.
 *
 * <p>Layout (version 1): clicks, then views, each as a count and per touch eventId, ts, creatorId, contentId,
 * contentFormat and its products (count, ids); then the last orders as a count and (merchantId, ts) pairs; then the
 * time of the prune timer. Strings in Flink's {@link StringValue} format, which also writes null.
 */
public final class UserHistorySerializer extends TypeSerializerSingleton<UserHistory> {
    private static final long serialVersionUID = 1L;

    public static final UserHistorySerializer INSTANCE = new UserHistorySerializer();

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public UserHistory createInstance() {
        return new UserHistory();
    }

    @Override
    public UserHistory copy(UserHistory from) {
        UserHistory copy = new UserHistory(copyOf(from.clicks), copyOf(from.views), new HashMap<>(from.lastOrderAt));
        copy.pruneAt = from.pruneAt;
        return copy;
    }

    @Override
    public UserHistory copy(UserHistory from, UserHistory reuse) {
        return copy(from);
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public void serialize(UserHistory h, DataOutputView out) throws IOException {
        writeTouches(h.clicks, out);
        writeTouches(h.views, out);
        out.writeInt(h.lastOrderAt.size());
        for (Map.Entry<String, Long> e : h.lastOrderAt.entrySet()) {
            StringValue.writeString(e.getKey(), out);
            out.writeLong(e.getValue());
        }
        out.writeLong(h.pruneAt);
    }

    @Override
    public UserHistory deserialize(DataInputView in) throws IOException {
        List<TouchPoint> clicks = readTouches(in);
        List<TouchPoint> views = readTouches(in);
        int merchants = in.readInt();
        Map<String, Long> lastOrderAt = new HashMap<>(Math.max(4, merchants * 2));
        for (int i = 0; i < merchants; i++) {
            lastOrderAt.put(StringValue.readString(in), in.readLong());
        }
        UserHistory h = new UserHistory(clicks, views, lastOrderAt);
        h.pruneAt = in.readLong();
        return h;
    }

    @Override
    public UserHistory deserialize(UserHistory reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    @Override
    public TypeSerializerSnapshot<UserHistory> snapshotConfiguration() {
        return new Snapshot();
    }

    private static void writeTouches(List<TouchPoint> touches, DataOutputView out) throws IOException {
        out.writeInt(touches.size());
        for (TouchPoint t : touches) {
            StringValue.writeString(t.eventId, out);
            out.writeLong(t.ts);
            StringValue.writeString(t.creatorId, out);
            StringValue.writeString(t.contentId, out);
            StringValue.writeString(t.contentFormat, out);
            out.writeInt(t.productIds.length);
            for (String p : t.productIds) StringValue.writeString(p, out);
        }
    }

    private static List<TouchPoint> readTouches(DataInputView in) throws IOException {
        int n = in.readInt();
        List<TouchPoint> touches = new ArrayList<>(n + 1);
        for (int i = 0; i < n; i++) {
            TouchPoint t = new TouchPoint(StringValue.readString(in), in.readLong(), StringValue.readString(in),
                    StringValue.readString(in), StringValue.readString(in));
            String[] products = new String[in.readInt()];
            for (int p = 0; p < products.length; p++) products[p] = StringValue.readString(in);
            t.productIds = products;
            touches.add(t);
        }
        return touches;
    }

    private static List<TouchPoint> copyOf(List<TouchPoint> touches) {
        List<TouchPoint> copy = new ArrayList<>(touches.size() + 1);
        for (TouchPoint t : touches) {
            TouchPoint c = new TouchPoint(t.eventId, t.ts, t.creatorId, t.contentId, t.contentFormat);
            c.productIds = t.productIds.clone();
            copy.add(c);
        }
        return copy;
    }

    /** Restores the serializer; a later layout would bump the version and read version 1 here. */
    public static final class Snapshot extends SimpleTypeSerializerSnapshot<UserHistory> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }
}
