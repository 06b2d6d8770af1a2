package io.tally.connect;

import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.tuple.Tuple2;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Makes every partition of an output topic ordered by event time: each record goes to the task that owns its Kafka
 * partition (the producer's own choice of partition for its key, modulo the parallelism), waits there until the
 * watermark passes its timestamp, and leaves in timestamp order, records of equal timestamp in arrival order. A job
 * that reads the topic back with a watermark per partition then never sees an early task's later records before a
 * slow task's earlier ones. Records without a timestamp, or at or behind the watermark, cannot be put in order and
 * leave at once (updates of open KPI windows, stamped by processing time).
 *
 * <p>State: the waiting records on the heap, about one watermark interval of output, checkpointed whole. On restore
 * every task gets every waiting record and keeps those of the partitions it owns, so a rescale keeps the order.
 */
public final class OrderByPartition<T> extends AbstractStreamOperator<T> implements OneInputStreamOperator<T, T> {
    private static final long serialVersionUID = 1L;

    private static final Comparator<Waiting<?>> BY_TS_THEN_ARRIVAL =
            Comparator.<Waiting<?>>comparingLong(w -> w.ts).thenComparingLong(w -> w.seq);

    private final int partitions;
    private final KafkaIo.Field<T> key;
    private final TypeInformation<T> type;

    private transient PriorityQueue<Waiting<T>> waiting;
    private transient long seq;
    private transient long watermark;
    private transient ListState<Tuple2<Long, T>> waitingState;

    private record Waiting<T>(long ts, long seq, T record) {}

    OrderByPartition(int partitions, KafkaIo.Field<T> key, TypeInformation<T> type) {
        this.partitions = partitions;
        this.key = key;
        this.type = type;
    }

    /** {@code records} routed to the task of their partition and released there in timestamp order. */
    public static <T> SingleOutputStreamOperator<T> apply(DataStream<T> records, int partitions, KafkaIo.Field<T> key,
                                                          String name, String uid) {
        return records.partitionCustom((partition, tasks) -> partition % tasks,
                        r -> KafkaIo.partitionOf(key.apply(r), partitions))
                .transform(name, records.getType(), new OrderByPartition<>(partitions, key, records.getType()))
                .uid(uid);
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        waiting = new PriorityQueue<>(BY_TS_THEN_ARRIVAL);
        watermark = Long.MIN_VALUE;
        waitingState = context.getOperatorStateStore().getUnionListState(
                new ListStateDescriptor<>("waiting", Types.TUPLE(Types.LONG, type)));
        int task = getRuntimeContext().getTaskInfo().getIndexOfThisSubtask();
        int tasks = getRuntimeContext().getTaskInfo().getNumberOfParallelSubtasks();
        for (Tuple2<Long, T> w : waitingState.get()) {
            if (KafkaIo.partitionOf(key.apply(w.f1), partitions) % tasks == task) {
                waiting.add(new Waiting<>(w.f0, seq++, w.f1));
            }
        }
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        List<Tuple2<Long, T>> all = new ArrayList<>(waiting.size());
        for (Waiting<T> w : waiting) all.add(Tuple2.of(w.ts, w.record));
        waitingState.update(all);
    }

    @Override
    public void processElement(StreamRecord<T> element) {
        if (!element.hasTimestamp() || element.getTimestamp() <= watermark) {
            output.collect(element);
        } else {
            waiting.add(new Waiting<>(element.getTimestamp(), seq++, element.getValue()));
        }
    }

    @Override
    public void processWatermark(Watermark mark) throws Exception {
        watermark = mark.getTimestamp();
        while (!waiting.isEmpty() && waiting.peek().ts <= watermark) {
            Waiting<T> w = waiting.poll();
            output.collect(new StreamRecord<>(w.record, w.ts));
        }
        super.processWatermark(mark);
    }

    /** Records waiting for the watermark; for tests. */
    int waiting() {
        return waiting.size();
    }
}
