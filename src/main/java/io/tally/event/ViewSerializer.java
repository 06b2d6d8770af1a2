package io.tally.event;

import org.apache.flink.api.common.typeinfo.TypeInfoFactory;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.SimpleTypeSerializerSnapshot;
import org.apache.flink.api.common.typeutils.TypeSerializerSnapshot;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;

import java.io.IOException;
import java.lang.reflect.Type;
import java.util.Map;

/** {@link View} on the wire between tasks and in state (layout version 1: the fields in declaration order). */
public final class ViewSerializer extends RecordSerializer<View> {
    private static final long serialVersionUID = 1L;
    private static final ContentType[] CONTENT_TYPES = ContentType.values();

    public static final ViewSerializer INSTANCE = new ViewSerializer();

    @Override
    public View createInstance() {
        return new View();
    }

    @Override
    public View copy(View v) {
        return new View(v.eventId, v.ts, v.userId, v.creatorId, v.contentId, v.contentType, v.contentFormat,
                v.productIds == null ? null : v.productIds.clone());
    }

    @Override
    public void serialize(View v, DataOutputView out) throws IOException {
        writeString(v.eventId, out);
        out.writeLong(v.ts);
        writeString(v.userId, out);
        writeString(v.creatorId, out);
        writeString(v.contentId, out);
        writeEnum(v.contentType, out);
        writeString(v.contentFormat, out);
        writeStrings(v.productIds, out);
    }

    @Override
    public View deserialize(DataInputView in) throws IOException {
        return new View(readString(in), in.readLong(), readString(in), readString(in), readString(in),
                readEnum(CONTENT_TYPES, in), readString(in), readStrings(in));
    }

    @Override
    public TypeSerializerSnapshot<View> snapshotConfiguration() {
        return new Snapshot();
    }

    public static final class Snapshot extends SimpleTypeSerializerSnapshot<View> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }

    /** Makes Flink use this serializer wherever a View goes. */
    public static final class Factory extends TypeInfoFactory<View> {
        @Override
        public TypeInformation<View> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
            return new RecordTypeInfo<>(View.class, INSTANCE);
        }
    }
}
