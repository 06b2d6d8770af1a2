package io.tally.pipeline;

import io.tally.attribution.Attribution;
import io.tally.config.TallyConfig;
import io.tally.connect.Admit;
import io.tally.connect.Ingested;
import io.tally.connect.KafkaIo;
import io.tally.connect.PartitionWatermarks;
import io.tally.connect.RecordReader;
import io.tally.connect.ReplayFiles;
import io.tally.core.DeadLetters;
import io.tally.event.AlertRule;
import io.tally.event.Click;
import io.tally.event.CommissionRule;
import io.tally.event.Creator;
import io.tally.event.Engagement;
import io.tally.event.Event;
import io.tally.event.Order;
import io.tally.event.OrderUpdate;
import io.tally.event.Product;
import io.tally.event.Record;
import io.tally.event.Review;
import io.tally.event.Spend;
import io.tally.event.Stream;
import io.tally.event.View;
import io.tally.io.DeadLetter;
import io.tally.kpi.Kpi;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Turns the records of every input stream into the typed, timestamped, deduplicated streams every job reads: each
 * source parses and validates its records where it reads them and generates event time per partition
 * ({@link PartitionWatermarks}); {@link Admit}, chained to it, lets in what is usable and judges lateness per
 * partition (dead letters MALFORMED_JSON, MISSING_FIELD, INVALID_VALUE, FUTURE, LATE); then duplicate event ids within
 * the stream's horizon are dropped (DUPLICATE).
 */
public final class Ingest {
    private Ingest() {}

    /** The records of each input stream: Kafka topics, replay files, or what a test provides. */
    public interface Sources {
        /**
         * The records of {@code reader}'s stream, each read by it where the source reads it, with a watermark of
         * {@code watermarkBoundMs} per partition.
         *
         * @param idleness how long a caught-up partition may be silent before it stops holding back the watermark;
         *                 null: never (replay, and Tally's own topics read back)
         */
        <T> DataStream<Ingested<T>> read(RecordReader<T> reader, long watermarkBoundMs, Duration idleness);
    }

    /** Every stream from its Kafka topic; {@code bounded}: up to the offsets it had at start (benchmarks). */
    public static Sources kafka(StreamExecutionEnvironment env, TallyConfig config, boolean bounded) {
        return new Sources() {
            @Override
            public <T> DataStream<Ingested<T>> read(RecordReader<T> reader, long watermarkBoundMs, Duration idleness) {
                return KafkaIo.source(env, config, reader.stream(), reader, watermarkBoundMs, idleness, bounded);
            }
        };
    }

    /** Every stream from {@code IN/<stream>.jsonl}, each record arriving at {@code now}. */
    public static Sources replayFiles(StreamExecutionEnvironment env, Path inputDir, long now) {
        return new Sources() {
            @Override
            public <T> DataStream<Ingested<T>> read(RecordReader<T> reader, long watermarkBoundMs, Duration idleness) {
                return ReplayFiles.source(env, inputDir, reader, watermarkBoundMs, now);
            }
        };
    }

    /**
     * @param streams  the input streams the job reads
     * @param reported the streams whose dead letters this job reports (a stream read by two jobs deployed
     *                 separately is reported by one of them only)
     * @param live     whether caught-up partitions may go idle (live sources; never in replay, where it would make
     *                 results depend on reading speed)
     */
    public static Inputs build(Sources sources, Set<Stream> streams, Set<Stream> reported, TallyConfig config,
                               boolean live) {
        Ingestion ing = new Ingestion(sources, streams, reported, config, live);
        Inputs in = new Inputs();
        in.views = ing.events(Stream.VIEWS, View.class);
        in.engagements = ing.events(Stream.ENGAGEMENTS, Engagement.class);
        in.clicks = ing.events(Stream.CLICKS, Click.class);
        in.orders = ing.events(Stream.ORDERS, Order.class);
        in.orderUpdates = ing.events(Stream.ORDER_UPDATES, OrderUpdate.class);
        in.spend = ing.events(Stream.SPEND, Spend.class);
        in.reviews = ing.events(Stream.REVIEWS, Review.class);
        in.commissionRules = ing.versions(Stream.COMMISSION_RULES, CommissionRule.class);
        in.products = ing.versions(Stream.PRODUCTS, Product.class);
        in.creators = ing.versions(Stream.CREATORS, Creator.class);
        in.alertRules = ing.versions(Stream.ALERT_RULES, AlertRule.class);
        in.attributions = ing.versions(Stream.ATTRIBUTIONS, Attribution.class);
        in.kpis = ing.versions(Stream.KPIS, Kpi.class);
        in.deadLetters = ing.deadLetters();
        return in;
    }

    private static final class Ingestion {
        private final Sources sources;
        private final Set<Stream> streams;
        private final Set<Stream> reported;
        private final TallyConfig config;
        private final boolean live;
        private final List<DataStream<DeadLetter>> deadLetters = new ArrayList<>();

        Ingestion(Sources sources, Set<Stream> streams, Set<Stream> reported, TallyConfig config, boolean live) {
            this.sources = sources;
            this.streams = streams;
            this.reported = reported;
            this.config = config;
            this.live = live;
        }

        /** Read and admitted: versioned streams stop here. */
        <T extends Record> SingleOutputStreamOperator<T> versions(Stream stream, Class<T> type) {
            if (!streams.contains(stream)) return null;
            long bound = config.time.watermarkBound.toMillis();
            // Tally's own outputs read back (attributions, KPIs) are stamped by Tally and never late: the operators
            // downstream tolerate their order. Their partitions never go idle either: a silent partition may only mean
            // that the job writing it is behind.
            boolean input = stream.isInput();
            long futureSkew = input ? config.time.maxFutureSkew.toMillis() : Long.MAX_VALUE;
            Duration idleness = live && input && !config.time.sourceIdleness.isZero() ? config.time.sourceIdleness : null;
            DataStream<Ingested<T>> read = sources.read(new RecordReader<>(stream, type, futureSkew), bound, idleness);
            SingleOutputStreamOperator<T> admitted =
                    Admit.apply(read, stream, type, input ? bound : Long.MAX_VALUE, bound);
            report(stream, admitted.getSideOutput(DeadLetters.TAG));
            return admitted;
        }

        /** Read, admitted and deduplicated by id within the stream's horizon. */
        <T extends Event> DataStream<T> events(Stream stream, Class<T> type) {
            SingleOutputStreamOperator<T> admitted = versions(stream, type);
            if (admitted == null) return null;
            long horizon = config.attribution.dedupHorizon(stream).toMillis();
            SingleOutputStreamOperator<T> unique = admitted.keyBy(e -> Deduplicate.bucketOf(e.id()), Types.INT)
                    .process(new Deduplicate<T>(stream, horizon)).returns(type)
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
