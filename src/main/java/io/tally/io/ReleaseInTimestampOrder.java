package io.tally.io;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.MapState;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;

import java.util.ArrayList;
import java.util.List;

/**
 * Re-emits the records of each key in timestamp order: a record waits until the watermark passes its timestamp.
 * Keyed by the Kafka partition a record goes to, it makes every partition of a topic ordered by event time, although
 * several upstream tasks (each in order on its own) write to it: without it their records interleave, and a job
 * that reads the topic back with per-partition watermarks would see an early task's later records as late.
 *
 * <p>State: the records of a key not yet released, by timestamp; each timestamp's records leave at its timer, so
 * the state spans about one watermark interval of records. A record at or behind the watermark (it cannot be put
 * back in order) goes out at once.
 */
public class ReleaseInTimestampOrder<T> extends KeyedProcessFunction<Integer, T, T> {
    private static final long serialVersionUID = 1L;

    private final TypeInformation<T> type;
    private transient MapState<Long, List<T>> waiting;

    public ReleaseInTimestampOrder(TypeInformation<T> type) {
        this.type = type;
    }

    @Override
    public void open(OpenContext openContext) {
        waiting = getRuntimeContext().getMapState(new MapStateDescriptor<>("waiting", Types.LONG, Types.LIST(type)));
    }

    @Override
    public void processElement(T record, Context ctx, Collector<T> out) throws Exception {
        Long ts = ctx.timestamp();
        if (ts == null || ts <= ctx.timerService().currentWatermark()) {
            out.collect(record);
            return;
        }
        List<T> atTs = waiting.get(ts);
        List<T> updated = atTs == null ? new ArrayList<>(1) : new ArrayList<>(atTs);
        updated.add(record);
        waiting.put(ts, updated);
        ctx.timerService().registerEventTimeTimer(ts);
    }

    @Override
    public void onTimer(long ts, OnTimerContext ctx, Collector<T> out) throws Exception {
        List<T> records = waiting.get(ts);
        if (records == null) return;
        waiting.remove(ts);
        for (T r : records) out.collect(r); // stamped with ts: the timer's time
    }
}
