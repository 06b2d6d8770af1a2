package io.tally.kpi;

import io.tally.event.AsOf;
import io.tally.event.Creator;
import io.tally.event.Dimension;
import io.tally.event.Product;
import io.tally.event.Tier;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.api.watermark.Watermark;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.tasks.ProcessingTimeService;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The first KPI stage, before any shuffle: holds each event until the watermark passes its ts (so the creator version
 * in force at ts, which decides the tier, has surely arrived), then folds the events the watermark released into
 * partial KPI records, one per (dimension, key, window). A partial goes out when the watermark is about to close its
 * window (before that watermark), and at the latest one flush interval of processing time after its first event. A
 * hot creator or the ALL key thus reaches the keyed stage as about one partial per window per flush interval and
 * task, instead of one record per event: the keyed stage's state access, not the events, sets the cost.
 *
 * <p>Input 1: the events; input 2: creator and product versions (tiers, niches, categories), broadcast to every task. The buffer only spans the watermark
 * bound (it depends on event-time density, not on throughput); the partials only span the flush interval. Both are
 * part of checkpoints: sending the partials ahead of each barrier instead would make every checkpoint wait until the
 * keyed stage has worked through them, and that wait is what readers of exactly-once output see as latency.
 */
public class KpiPreAggregator extends AbstractStreamOperator<Kpi> implements TwoInputStreamOperator<KpiInput, ReferenceVersion, Kpi>, KpiReferenceData {
    private static final long serialVersionUID = 1L;

    public static final MapStateDescriptor<String, List<Creator>> CREATORS = new MapStateDescriptor<>(
            "kpi-creators", Types.STRING, Types.LIST(TypeInformation.of(Creator.class)));
    public static final MapStateDescriptor<String, List<Product>> PRODUCTS = new MapStateDescriptor<>(
            "kpi-products", Types.STRING, Types.LIST(TypeInformation.of(Product.class)));

    private static final Comparator<KpiInput> BY_TS = Comparator.comparingLong(KpiInput::ts);

    private final long[] windowSizesMs;
    private final long flushIntervalMs;

    private transient PriorityQueue<KpiInput> buffer;
    private transient ListState<KpiInput> bufferState;
    private transient ListState<Kpi> partialsState;
    private transient BroadcastState<String, List<Creator>> creators;
    private transient BroadcastState<String, List<Product>> products;
    private transient KpiContributions batch;
    private transient long watermark;
    /** Whether a processing-time flush is scheduled (it is whenever the batch holds partials). */
    private transient boolean flushScheduled;

    /**
     * @param flushIntervalMs the longest a partial waits (processing time) before it goes to the keyed stage: adds at
     *                        most this to the delay of a non-final KPI update
     */
    public KpiPreAggregator(long[] windowSizesMs, long flushIntervalMs) {
        if (flushIntervalMs <= 0) throw new IllegalArgumentException("flushIntervalMs must be positive");
        this.windowSizesMs = windowSizesMs.clone();
        this.flushIntervalMs = flushIntervalMs;
    }

    @Override
    public void initializeState(StateInitializationContext context) throws Exception {
        super.initializeState(context);
        buffer = new PriorityQueue<>(BY_TS);
        bufferState = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("kpi-buffer", TypeInformation.of(KpiInput.class)));
        for (KpiInput e : bufferState.get()) buffer.add(e);
        creators = context.getOperatorStateStore().getBroadcastState(CREATORS);
        products = context.getOperatorStateStore().getBroadcastState(PRODUCTS);
        batch = new KpiContributions(windowSizesMs);
        partialsState = context.getOperatorStateStore().getListState(
                new ListStateDescriptor<>("kpi-partials", TypeInformation.of(Kpi.class)));
        // Every record of an order went into one snapshot's partials (they are released by one watermark), so the
        // distinct counts in them are complete; after rescaling, partials of one window from two tasks add up.
        batch.restore(partialsState.get());
        watermark = Long.MIN_VALUE;
    }

    @Override
    public void snapshotState(StateSnapshotContext context) throws Exception {
        super.snapshotState(context);
        bufferState.update(new ArrayList<>(buffer));
        partialsState.update(batch.partials());
    }

    @Override
    public void open() throws Exception {
        super.open();
        if (!batch.isEmpty()) scheduleFlush(); // restored partials
    }

    @Override
    public void processElement1(StreamRecord<KpiInput> element) throws Exception {
        KpiInput event = element.getValue();
        if (event.ts() <= watermark) {
            // Behind the watermark (only possible for a source that broke the bound): count it with the next flush
            // rather than lose it; an order's records stay together there, so distinct counts stay right.
            add(event);
        } else {
            buffer.add(event);
        }
    }

    @Override
    public void processElement2(StreamRecord<ReferenceVersion> element) throws Exception {
        Creator c = element.getValue().creator;
        if (c != null) creators.put(c.creatorId, AsOf.insert(creators.get(c.creatorId), c, v -> v.ts, watermark));
        Product p = element.getValue().product;
        if (p != null) products.put(p.productId, AsOf.insert(products.get(p.productId), p, v -> v.ts, watermark));
    }

    /**
     * The combined watermark of both inputs: release the events it passed, send the partials of the windows it closes,
     * then forward it.
     */
    @Override
    public void processWatermark(Watermark mark) throws Exception {
        watermark = mark.getTimestamp();
        while (!buffer.isEmpty() && buffer.peek().ts() <= watermark) {
            add(buffer.poll());
        }
        // Every record of an order was released above (they share one ts), so a window's partial is complete.
        for (Kpi partial : batch.drainClosing(watermark)) {
            output.collect(new StreamRecord<>(partial));
        }
        super.processWatermark(mark);
    }

    private void add(KpiInput event) throws Exception {
        batch.add(event, this);
        if (!flushScheduled) scheduleFlush();
    }

    private void scheduleFlush() {
        flushScheduled = true;
        ProcessingTimeService time = getProcessingTimeService();
        time.registerTimer(time.getCurrentProcessingTime() + flushIntervalMs, t -> {
            flushScheduled = false;
            flush();
        });
    }

    @Override
    public String tier(String creatorId, long ts) {
        return Tier.of(creatorAt(creatorId, ts)).name();
    }

    @Override
    public String niche(String creatorId, long ts) {
        Creator c = creatorAt(creatorId, ts);
        return c == null || c.niche == null ? Dimension.UNKNOWN : c.niche;
    }

    @Override
    public String category(String productId, long ts) {
        try {
            Product p = AsOf.find(products.get(productId), v -> v.ts, ts);
            return p == null || p.category == null ? Dimension.UNKNOWN : p.category;
        } catch (Exception e) {
            throw new IllegalStateException("cannot read broadcast state", e);
        }
    }

    private Creator creatorAt(String creatorId, long ts) {
        try {
            return AsOf.find(creators.get(creatorId), v -> v.ts, ts);
        } catch (Exception e) {
            throw new IllegalStateException("cannot read broadcast state", e);
        }
    }

    private void flush() {
        if (batch.isEmpty()) return;
        for (Kpi partial : batch.drain()) {
            output.collect(new StreamRecord<>(partial));
        }
    }
}
