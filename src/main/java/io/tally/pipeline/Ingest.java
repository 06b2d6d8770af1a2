package io.tally.pipeline;

import io.tally.config.TallyConfig;
import io.tally.attribution.Attribution;
import io.tally.event.AlertRule;
import io.tally.kpi.Kpi;
import io.tally.event.Click;
import io.tally.event.CommissionRule;
import io.tally.event.Creator;
import io.tally.event.Engagement;
import io.tally.event.Order;
import io.tally.event.OrderUpdate;
import io.tally.event.Product;
import io.tally.event.Spend;
import io.tally.event.Stream;
import io.tally.event.View;
import io.tally.io.DeadLetter;
import io.tally.io.DeadLetters;
import io.tally.io.ParseFunction;
import io.tally.io.RawRecord;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.api.java.functions.KeySelector;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Turns raw input records into the typed, timestamped, deduplicated streams every job reads: parse and validate
 * (dead letters MALFORMED_JSON, MISSING_FIELD, INVALID_VALUE, LATE), assign event time with a watermark of the
 * configured bound, then drop duplicate event ids within the stream's horizon (DUPLICATE).
 *
 * <p>Parsing runs at the parallelism of its source so that a stream's order, and with it lateness, is the source's
 * order; only then is the stream redistributed.
 */
public final class Ingest {
    private Ingest() {}

    /** Raw records of each input stream (Kafka topics, replay files, or collections in tests). */
    @FunctionalInterface
    public interface Sources {
        DataStream<RawRecord> raw(Stream stream);
    }

    /**
     * @param streams      the input streams the job reads
     * @param reported     the streams whose dead letters this job reports (a stream read by two jobs deployed
     *                     separately is reported by one of them only)
     * @param withIdleness whether a silent source stops holding back the watermark (live sources; never in replay,
     *                     where it would make results depend on reading speed)
     */
    public static Inputs build(Sources sources, Set<Stream> streams, Set<Stream> reported, TallyConfig config,
                               boolean withIdleness) {
        Ingestion ing = new Ingestion(sources, streams, reported, config, withIdleness);
        Inputs in = new Inputs();
        in.views = ing.events(Stream.VIEWS, View.class, v -> v.ts, v -> v.eventId);
        in.engagements = ing.events(Stream.ENGAGEMENTS, Engagement.class, e -> e.ts, e -> e.eventId);
        in.clicks = ing.events(Stream.CLICKS, Click.class, c -> c.ts, c -> c.eventId);
        in.orders = ing.events(Stream.ORDERS, Order.class, o -> o.ts, o -> o.orderId);
        in.orderUpdates = ing.events(Stream.ORDER_UPDATES, OrderUpdate.class, u -> u.ts, u -> u.eventId);
        in.spend = ing.events(Stream.SPEND, Spend.class, s -> s.ts, s -> s.eventId);
        in.commissionRules = ing.versions(Stream.COMMISSION_RULES, CommissionRule.class, r -> r.ts);
        in.products = ing.versions(Stream.PRODUCTS, Product.class, p -> p.ts);
        in.creators = ing.versions(Stream.CREATORS, Creator.class, c -> c.ts);
        in.alertRules = ing.versions(Stream.ALERT_RULES, AlertRule.class, r -> r.ts);
        in.attributions = ing.versions(Stream.ATTRIBUTIONS, Attribution.class, a -> a.ts);
        in.kpis = ing.versions(Stream.KPIS, Kpi.class, ParseFunction::kpiTs);
        in.deadLetters = ing.deadLetters();
        return in;
    }

    private static final class Ingestion {
        private final Sources sources;
        private final Set<Stream> streams;
        private final Set<Stream> reported;
        private final TallyConfig config;
        private final boolean withIdleness;
        private final List<DataStream<DeadLetter>> deadLetters = new ArrayList<>();

        Ingestion(Sources sources, Set<Stream> streams, Set<Stream> reported, TallyConfig config, boolean withIdleness) {
            this.sources = sources;
            this.streams = streams;
            this.reported = reported;
            this.config = config;
            this.withIdleness = withIdleness;
        }

        /** Parsed and timestamped: versioned streams stop here. */
        <T> SingleOutputStreamOperator<T> versions(Stream stream, Class<T> type, Deduplicate.Timestamp<T> ts) {
            if (!streams.contains(stream)) return null;
            DataStream<RawRecord> raw = sources.raw(stream);
            long bound = config.time.watermarkBound.toMillis();
            // Tally's own outputs read back (attributions, KPIs) interleave partitions written by many tasks: their
            // lateness is left to the downstream operators, which tolerate it.
            long lateness = stream.isInput() ? bound : Long.MAX_VALUE;
            SingleOutputStreamOperator<T> parsed = ParseFunction.apply(raw, stream, type, lateness, bound);
            parsed.setParallelism(raw.getParallelism());
            report(stream, parsed.getSideOutput(DeadLetters.TAG));
            WatermarkStrategy<T> strategy = WatermarkStrategy.<T>forBoundedOutOfOrderness(Duration.ofMillis(bound))
                    .withTimestampAssigner((e, previous) -> ts.applyAsLong(e));
            Duration idleness = config.time.sourceIdleness;
            if (withIdleness && !idleness.isZero()) strategy = strategy.withIdleness(idleness);
            SingleOutputStreamOperator<T> timed = parsed.assignTimestampsAndWatermarks(strategy)
                    .uid("event-time-" + stream.wireName()).name("Event time " + stream.wireName());
            timed.setParallelism(raw.getParallelism());
            return timed;
        }

        /** Parsed, timestamped and deduplicated by id within the stream's horizon. */
        <T> DataStream<T> events(Stream stream, Class<T> type, Deduplicate.Timestamp<T> ts, KeySelector<T, String> id) {
            SingleOutputStreamOperator<T> timed = versions(stream, type, ts);
            if (timed == null) return null;
            long horizon = config.attribution.dedupHorizon(stream).toMillis();
            SingleOutputStreamOperator<T> unique = timed.keyBy(id, Types.STRING)
                    .process(new Deduplicate<>(stream, horizon, ts)).returns(type)
                    .uid("dedup-" + stream.wireName()).name("Deduplicate " + stream.wireName());
            report(stream, unique.getSideOutput(DeadLetters.TAG));
            return unique;
        }

        private void report(Stream stream, DataStream<DeadLetter> letters) {
            if (reported.contains(stream)) deadLetters.add(letters);
        }

        /** Every reported dead letter of ingestion; null when the job reports none. */
        DataStream<DeadLetter> deadLetters() {
            if (deadLetters.isEmpty()) return null;
            DataStream<DeadLetter> all = deadLetters.get(0);
            for (int i = 1; i < deadLetters.size(); i++) all = all.union(deadLetters.get(i));
            return all;
        }
    }

}
