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

/** {@link Click} on the wire between tasks and in state (layout version 1: the fields in declaration order). */
public final class ClickSerializer extends RecordSerializer<Click> {
    private static final long serialVersionUID = 1L;
    private static final ContentType[] CONTENT_TYPES = ContentType.values();

    public static final ClickSerializer INSTANCE = new ClickSerializer();

    @Override
    public Click createInstance() {
        return new Click();
    }

    @Override
    public Click copy(Click c) {
        return new Click(c.eventId, c.ts, c.userId, c.creatorId, c.contentId, c.contentType, c.productId,
                c.merchantId, c.contentFormat);
    }

    @Override
    public void serialize(Click c, DataOutputView out) throws IOException {
        writeString(c.eventId, out);
        out.writeLong(c.ts);
        writeString(c.userId, out);
        writeString(c.creatorId, out);
        writeString(c.contentId, out);
        writeEnum(c.contentType, out);
        writeString(c.productId, out);
        writeString(c.merchantId, out);
        writeString(c.contentFormat, out);
    }

    @Override
    public Click deserialize(DataInputView in) throws IOException {
        return new Click(readString(in), in.readLong(), readString(in), readString(in), readString(in),
                readEnum(CONTENT_TYPES, in), readString(in), readString(in), readString(in));
    }

    @Override
    public TypeSerializerSnapshot<Click> snapshotConfiguration() {
        return new Snapshot();
    }

    public static final class Snapshot extends SimpleTypeSerializerSnapshot<Click> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }

    /** Makes Flink use this serializer wherever a Click goes. */
    public static final class Factory extends TypeInfoFactory<Click> {
        @Override
        public TypeInformation<Click> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
            return new RecordTypeInfo<>(Click.class, INSTANCE);
        }
    }
}
