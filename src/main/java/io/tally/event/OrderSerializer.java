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

/**
 * {@link Order} with its lines on the wire between tasks and in state (layout version 1: the fields in declaration
 * order, lines as a count, -1 for null, and each line's fields).
 */
public final class OrderSerializer extends RecordSerializer<Order> {
    private static final long serialVersionUID = 1L;

    public static final OrderSerializer INSTANCE = new OrderSerializer();

    @Override
    public Order createInstance() {
        return new Order();
    }

    @Override
    public Order copy(Order o) {
        OrderLine[] lines = null;
        if (o.lines != null) {
            lines = new OrderLine[o.lines.length];
            for (int i = 0; i < lines.length; i++) {
                OrderLine l = o.lines[i];
                lines[i] = l == null ? null
                        : new OrderLine(l.lineId, l.productId, l.quantity, l.unitPriceCents, l.discountCents);
            }
        }
        return new Order(o.orderId, o.ts, o.userId, o.merchantId, lines);
    }

    @Override
    public void serialize(Order o, DataOutputView out) throws IOException {
        writeString(o.orderId, out);
        out.writeLong(o.ts);
        writeString(o.userId, out);
        writeString(o.merchantId, out);
        out.writeInt(o.lines == null ? -1 : o.lines.length);
        if (o.lines == null) return;
        for (OrderLine l : o.lines) {
            out.writeBoolean(l != null);
            if (l == null) continue;
            writeString(l.lineId, out);
            writeString(l.productId, out);
            out.writeLong(l.quantity);
            out.writeLong(l.unitPriceCents);
            out.writeLong(l.discountCents);
        }
    }

    @Override
    public Order deserialize(DataInputView in) throws IOException {
        Order o = new Order(readString(in), in.readLong(), readString(in), readString(in), null);
        int n = in.readInt();
        if (n < 0) return o;
        o.lines = new OrderLine[n];
        for (int i = 0; i < n; i++) {
            if (in.readBoolean()) {
                o.lines[i] = new OrderLine(readString(in), readString(in), in.readLong(), in.readLong(), in.readLong());
            }
        }
        return o;
    }

    @Override
    public TypeSerializerSnapshot<Order> snapshotConfiguration() {
        return new Snapshot();
    }

    public static final class Snapshot extends SimpleTypeSerializerSnapshot<Order> {
        public Snapshot() {
            super(() -> INSTANCE);
        }
    }

    /** Makes Flink use this serializer wherever an Order goes. */
    public static final class Factory extends TypeInfoFactory<Order> {
        @Override
        public TypeInformation<Order> createTypeInfo(Type t, Map<String, TypeInformation<?>> genericParameters) {
            return new RecordTypeInfo<>(Order.class, INSTANCE);
        }
    }
}
