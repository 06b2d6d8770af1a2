package io.tally.pipeline;

import io.tally.alert.Alert;
import io.tally.alert.AlertTopology;
import io.tally.attribution.Attribution;
import io.tally.attribution.AttributionTopology;
import io.tally.config.TallyConfig;
import io.tally.connect.KafkaIo.Field;
import io.tally.core.CountDeadLetters;
import io.tally.event.Stream;
import io.tally.io.DeadLetter;
import io.tally.io.Json;
import io.tally.kpi.Kpi;
import io.tally.kpi.KpiTopology;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * Tally's whole graph for one {@link Job}: from raw input records (injected {@link Ingest.Sources}) to typed output
 * streams, written by injected {@link Sinks}. Kafka ({@code run}, {@code local}), files ({@code replay}) and
 * collections (tests) share this one graph.
 */
public final class TallyPipeline {
    private TallyPipeline() {}

    /** Where outputs go: each output stream with its Kafka key; a record's value is its JSON ({@link Json#write}). */
    public interface Sinks {
        <T> void write(Stream output, DataStream<T> records, Field<T> key);
    }

    /** The typed output streams of a job; a stream the job does not write is null. */
    public static final class Outputs {
        public DataStream<Attribution> attributions;
        public DataStream<Attribution> attributionsShadow;
        public DataStream<Kpi> kpis;
        public DataStream<Alert> alerts;
        public DataStream<DeadLetter> deadLetters;

        /** Attaches every output to its sink. */
        public void writeTo(Sinks sinks) {
            if (attributions != null) {
                sinks.write(Stream.ATTRIBUTIONS, attributions, Attribution::kafkaKey);
            }
            if (attributionsShadow != null) {
                sinks.write(Stream.ATTRIBUTIONS_SHADOW, attributionsShadow, Attribution::kafkaKey);
            }
            if (kpis != null) {
                sinks.write(Stream.KPIS, kpis, Kpi::kafkaKey);
            }
            if (alerts != null) {
                sinks.write(Stream.ALERTS, alerts, Alert::kafkaKey);
            }
            if (deadLetters != null) {
                sinks.write(Stream.DEAD_LETTERS, deadLetters, d -> d.stream);
            }
        }
    }

    /**
     * Builds the job's graph.
     *
     * @param live live sources (Kafka): silent partitions go idle, and early alert rules may fire on updates of open
     *             windows; not live (replay): results depend on nothing but the input files
     */
    public static Outputs build(Job job, Ingest.Sources sources, TallyConfig config, boolean live) {
        Inputs in = Ingest.build(sources, job.inputs(), job.reportedInputs(), config, live);
        Outputs out = new Outputs();
        out.deadLetters = in.deadLetters;
        if (job == Job.ATTRIBUTION || job == Job.ALL) {
            AttributionTopology.Outputs attribution = AttributionTopology.build(new AttributionTopology.Inputs(in.views,
                    in.clicks, in.orders, in.orderUpdates, in.commissionRules, in.products, in.creators), config.attribution);
            out.attributions = attribution.attributions;
            out.attributionsShadow = attribution.shadow;
            out.deadLetters = union(out.deadLetters, attribution.deadLetters);
        }
        if (job == Job.ALL || job == Job.KPIS) {
            // Deployed alone, the KPI job reads the attributions back from their topic (keyed by orderId, so all
            // records of an order arrive at one task).
            DataStream<Attribution> attributions = job == Job.ALL ? out.attributions : in.attributions;
            out.kpis = KpiTopology.build(new KpiTopology.Inputs(in.views, in.engagements, in.clicks, in.spend,
                    attributions, in.reviews, in.creators, in.products), config.kpis, config.attribution.settlementWindow);
        }
        DataStream<Kpi> kpis = job == Job.ALERTS ? in.kpis : out.kpis;
        if (job == Job.ALL || job == Job.ALERTS) {
            AlertTopology.Outputs alerts = AlertTopology.build(kpis, in.alertRules, config.alerts, config.kpis, live);
            out.alerts = alerts.alerts;
            out.deadLetters = union(out.deadLetters, alerts.deadLetters);
        }
        if (out.deadLetters != null) {
            out.deadLetters = out.deadLetters.map(new CountDeadLetters()).returns(DeadLetter.class)
                    .name("Count dead letters").uid("count-dead-letters");
        }
        return out;
    }

    private static <T> DataStream<T> union(DataStream<T> a, DataStream<T> b) {
        if (a == null) return b;
        if (b == null) return a;
        return a.union(b);
    }
}
