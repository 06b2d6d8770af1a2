package io.tally.attribution;

import io.tally.event.ClickSerializer;
import io.tally.event.OrderSerializer;
import io.tally.event.RecordSerializer;
import io.tally.event.RecordTypeInfo;
import io.tally.event.ViewSerializer;
import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Map;

/** {@link UserActivity} on the wire: a tag (1 click, 2 view, 3 order), then the record (layout version 1). */
public final class UserActivitySerializer extends RecordSerializer<UserActivity> {
    private static final long serialVersionUID = 1L;

    public static final UserActivitySerializer INSTANCE = new UserActivitySerializer();

    @Override
    public UserActivity createInstance() {
        return new UserActivity();
    }

    @Override
    public UserActivity copy(UserActivity a) {
        UserActivity c = new UserActivity();
        if (a.click != null) c.click = ClickSerializer.INSTANCE.copy(a.click);
        if (a.view != null) c.view = ViewSerializer.INSTANCE.copy(a.view);
        if (a.order != null) c.order = OrderSerializer.INSTANCE.copy(a.order);
        return c;
    }

    @Override
    public void serialize(UserActivity a, DataOutputView out) throws IOException {
        if (a.click != null) {
            out.writeByte(1);
            ClickSerializer.INSTANCE.serialize(a.click, out);
        } else if (a.view != null) {
            out.writeByte(2);
            ViewSerializer.INSTANCE.serialize(a.view, out);
        } else if (a.order != null) {
            out.writeByte(3);
            OrderSerializer.INSTANCE.serialize(a.order, out);
        } else {
            out.writeByte(0);
        }
    }

    @Override
    public UserActivity deserialize(DataInputView in) throws IOException {
        UserActivity a = new UserActivity();
        switch (in.readByte()) {
            case 1 -> a.click = ClickSerializer.INSTANCE.deserialize(in);
            case 2 -> a.view = ViewSerializer.INSTANCE.deserialize(in);
            case 3 -> a.order = OrderSerializer.INSTANCE.deserialize(in);
            default -> { }
        }
        return a;
    }

    @Override
    public TypeSerializerSnapshot<UserActivity> snapshotConfiguration() {
        return new Snapshot();
    }

    public static final class Snapshot extends SimpleTypeSerializerSnapshot<UserActivity> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }

    /** Makes Flink use this serializer wherever a UserActivity goes. */
    public static final class Factory extends TypeInfoFactory<UserActivity> {
        @Override
        public TypeInformation<UserActivity> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
            return new RecordTypeInfo<>(UserActivity.class, INSTANCE);
        }
    }
}
