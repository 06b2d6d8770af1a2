package io.tally.event;

import org.apache.flink.api.common.typeutils.base.TypeSerializerSingleton;
import org.apache.flink.core.memory.DataInputView;
import org.apache.flink.core.memory.DataOutputView;
import org.apache.flink.types.StringValue;

import java.io.IOException;

/**
 * The serializer of a record type that crosses the network or is written to state on every event, field by field:
 * Flink's POJO serializer creates each record reflectively and initialises every field before it reads it, which cost
 * more than reading the fields. Strings in Flink's {@link StringValue} format, which also writes null; enums by ordinal + 1
 * (0 for null). Records are mutable: copies are deep.
 */
public abstract class RecordSerializer<T> extends TypeSerializerSingleton<T> {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean isImmutableType() {
        return false;
    }

    @Override
    public int getLength() {
        return -1;
    }

    @Override
    public T copy(T from, T reuse) {
        return copy(from);
    }

    @Override
    public T deserialize(T reuse, DataInputView in) throws IOException {
        return deserialize(in);
    }

    @Override
    public void copy(DataInputView source, DataOutputView target) throws IOException {
        serialize(deserialize(source), target);
    }

    protected static void writeString(String s, DataOutputView out) throws IOException {
        StringValue.writeString(s, out);
    }

    protected static String readString(DataInputView in) throws IOException {
        return StringValue.readString(in);
    }

    /** A string array, or null. */
    protected static void writeStrings(String[] strings, DataOutputView out) throws IOException {
        out.writeInt(strings == null ? -1 : strings.length);
        if (strings != null) for (String s : strings) writeString(s, out);
    }

    protected static String[] readStrings(DataInputView in) throws IOException {
        int n = in.readInt();
        if (n < 0) return null;
        String[] strings = new String[n];
        for (int i = 0; i < n; i++) strings[i] = readString(in);
        return strings;
    }

    protected static void writeEnum(Enum<?> e, DataOutputView out) throws IOException {
        out.writeByte(e == null ? 0 : e.ordinal() + 1);
    }

    protected static <E extends Enum<E>> E readEnum(E[] values, DataInputView in) throws IOException {
        int i = in.readByte();
        return i == 0 ? null : values[i - 1];
    }
}
