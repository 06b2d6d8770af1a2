package io.tally.config;

import io.tally.alert.AlertSettings;
import io.tally.attribution.AttributionSettings;
import io.tally.event.Stream;
import io.tally.kpi.KpiSettings;

import java.io.Serializable;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Typed configuration of Tally's jobs. Every default of the contract lives here, in one place; a
 * {@code jobs/*.yaml} file overrides what it names (see {@link ConfigLoader}). Field names are the YAML keys.
 */
public class TallyConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    public JobSettings job = new JobSettings();
    public KafkaSettings kafka = new KafkaSettings();
    /** Topic of each stream, by wire name ({@code views: tally.views}); defaults {@code tally.<stream>}. */
    public Map<String, String> topics = defaultTopics();
    public TimeSettings time = new TimeSettings();
    public CheckpointSettings checkpoints = new CheckpointSettings();
    public AttributionSettings attribution = new AttributionSettings();
    public KpiSettings kpis = new KpiSettings();
    public AlertSettings alerts = new AlertSettings();

    /** The topic of a stream. */
    public String topic(Stream stream) {
        String t = topics.get(stream.wireName());
        return t != null ? t : stream.defaultTopic();
    }

    public static Map<String, String> defaultTopics() {
        Map<String, String> m = new LinkedHashMap<>();
        for (Stream s : Stream.values()) m.put(s.wireName(), s.defaultTopic());
        return m;
    }

    public static class JobSettings implements Serializable {
        private static final long serialVersionUID = 1L;
        /** Flink job name. */
        public String name = "tally";
        /** Default parallelism of every operator; 0 = Flink's own default (flink-conf / -p). */
        public int parallelism = 0;
    }

    public static class KafkaSettings implements Serializable {
        private static final long serialVersionUID = 1L;
        public String bootstrapServers = "localhost:9092";
        /** Consumer group of the job's sources. */
        public String groupId = "tally";
        /** Prefix of the transactional ids of the exactly-once sinks; unique per job on a cluster. */
        public String transactionalIdPrefix = "tally";
        /** Must stay below the broker's transaction.max.timeout.ms (15 min by default). */
        public Duration transactionTimeout = Duration.ofMinutes(5);
        /** Where a source starts when its group has no committed offset: earliest or latest. */
        public String startingOffsets = "earliest";
        /**
         * Compression of every batch Tally's producers write (compression.type): none, gzip, snappy, lz4 or zstd.
         * Consumers of the output topics need its codec.
         */
        public Compression compression = Compression.LZ4;
        /**
         * Extra Kafka client properties (security.protocol, sasl.mechanism, sasl.jaas.config, ssl.*), values may
         * use {@code ${ENV_VAR}} so secrets stay in the environment.
         */
        public Map<String, String> properties = new LinkedHashMap<>();
    }

    public static class TimeSettings implements Serializable {
        private static final long serialVersionUID = 1L;
        /** How far a stream may be out of order; records further behind are LATE dead letters. */
        public Duration watermarkBound = Duration.ofSeconds(5);
        /** A caught-up source partition silent this long stops holding back the watermark (0 = never idle). */
        public Duration sourceIdleness = Duration.ofSeconds(30);
        /**
         * How far ahead of its arrival time (its Kafka timestamp; in replay, the start or --now) a record may be
         * stamped; further ahead it is a FUTURE dead letter and moves no watermark.
         */
        public Duration maxFutureSkew = Duration.ofMinutes(5);
        /** How often sources emit a watermark (processing time): part of the delay before an order is attributed. */
        public Duration watermarkInterval = Duration.ofMillis(200);
    }

    public static class CheckpointSettings implements Serializable {
        private static final long serialVersionUID = 1L;
        public Duration interval = Duration.ofSeconds(30);
        /** Checkpoint storage URI; empty: Flink's configuration decides (JobManager memory when unset). */
        public String dir = "";
        /** rocksdb or hashmap. */
        public String stateBackend = "rocksdb";
        public boolean incremental = true;
        public Duration minPause = Duration.ofSeconds(5);
        public Duration timeout = Duration.ofMinutes(10);
    }

}
