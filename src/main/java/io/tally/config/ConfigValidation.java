package io.tally.config;

import io.tally.alert.AlertSettings;
import io.tally.alert.AlertTopology;
import io.tally.attribution.AttributionSettings;
import io.tally.attribution.Model;
import io.tally.config.TallyConfig.CheckpointSettings;
import io.tally.config.TallyConfig.KafkaSettings;
import io.tally.event.Durations;
import io.tally.kpi.KpiSettings;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The rules a bound {@link TallyConfig} must satisfy before a job starts. Every problem is collected, so one run
 * reports them all, each as {@code <source>: <dotted key>: <what is wrong>}.
 */
final class ConfigValidation {
    /** The broker's default {@code transaction.max.timeout.ms}: a longer producer timeout makes the sink fail at start. */
    static final Duration MAX_TRANSACTION_TIMEOUT = Duration.ofMinutes(15);
    static final Set<String> STATE_BACKENDS = Set.of("rocksdb", "hashmap");
    static final Set<String> STARTING_OFFSETS = Set.of("earliest", "latest");
    /** Kafka's legal topic names. */
    private static final Pattern TOPIC = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    /** Client properties that have their own setting; set twice they would silently disagree. */
    private static final Map<String, String> OWN_SETTING = Map.of(
            "bootstrap.servers", "kafka.bootstrapServers",
            "group.id", "kafka.groupId",
            "transaction.timeout.ms", "kafka.transactionTimeout",
            "auto.offset.reset", "kafka.startingOffsets",
            "compression.type", "kafka.compression");

    private final String source;
    private final List<String> problems = new ArrayList<>();

    private ConfigValidation(String source) {
        this.source = source;
    }

    static void check(TallyConfig c, String source) {
        ConfigValidation v = new ConfigValidation(source);
        v.checkAll(c);
        if (!v.problems.isEmpty()) throw new ConfigException(String.join("\n", v.problems));
    }

    private void checkAll(TallyConfig c) {
        if (present("job", c.job)) {
            nonBlank("job.name", c.job.name);
            if (c.job.parallelism < 0) {
                problem("job.parallelism", "must be 0 (Flink's default) or more, not " + c.job.parallelism);
            }
        }
        if (present("kafka", c.kafka)) kafka(c.kafka, c.checkpoints);
        if (present("topics", c.topics)) topics(c.topics);
        if (present("time", c.time)) {
            notNegative("time.watermarkBound", c.time.watermarkBound);
            notNegative("time.sourceIdleness", c.time.sourceIdleness);
            notNegative("time.maxFutureSkew", c.time.maxFutureSkew);
            positive("time.watermarkInterval", c.time.watermarkInterval);
        }
        if (present("checkpoints", c.checkpoints)) checkpoints(c.checkpoints);
        if (present("attribution", c.attribution)) attribution(c.attribution);
        if (present("kpis", c.kpis)) kpis(c.kpis);
        if (present("alerts", c.alerts) && present("alerts.rules", c.alerts.rules)) alertRules(c.alerts, c.kpis);
    }

    /** Each rule as a record of the alert-rules stream would be checked, over the configured KPI windows. */
    private void alertRules(AlertSettings alerts, KpiSettings kpis) {
        for (int i = 0; i < alerts.rules.size(); i++) {
            if (!present("alerts.rules[" + i + "]", alerts.rules.get(i))) return;
        }
        if (kpis == null || kpis.windows == null || kpis.windows.stream().anyMatch(w -> w == null)) return; // reported with kpis
        try {
            AlertTopology.configuredRules(alerts, AlertTopology.windowSizesMs(kpis));
        } catch (IllegalArgumentException e) {
            problems.add(source + ": " + e.getMessage());
        }
    }

    private void kafka(KafkaSettings k, CheckpointSettings checkpoints) {
        nonBlank("kafka.bootstrapServers", k.bootstrapServers);
        nonBlank("kafka.groupId", k.groupId);
        nonBlank("kafka.transactionalIdPrefix", k.transactionalIdPrefix);
        oneOf("kafka.startingOffsets", k.startingOffsets, STARTING_OFFSETS);
        present("kafka.compression", k.compression); // a value outside the enum fails at binding, naming the key
        if (positive("kafka.transactionTimeout", k.transactionTimeout)) {
            if (k.transactionTimeout.compareTo(MAX_TRANSACTION_TIMEOUT) > 0) {
                problem("kafka.transactionTimeout", Durations.format(k.transactionTimeout) + " is above the broker's"
                        + " default transaction.max.timeout.ms (15m); the sink would fail at start");
            }
            Duration interval = checkpoints == null ? null : checkpoints.interval;
            if (interval != null && k.transactionTimeout.compareTo(interval) <= 0) {
                problem("kafka.transactionTimeout", "must be longer than checkpoints.interval ("
                        + Durations.format(interval) + "): a transaction stays open until the next checkpoint");
            }
        }
        if (present("kafka.properties", k.properties)) {
            k.properties.forEach((name, value) -> {
                String key = "kafka.properties." + name;
                if (value == null) problem(key, "has no value");
                String own = OWN_SETTING.get(name);
                if (own != null) problem(key, "set " + own + " instead");
            });
        }
    }

    private void topics(Map<String, String> topics) {
        Map<String, String> streamOfTopic = new HashMap<>();
        topics.forEach((stream, topic) -> {
            String key = "topics." + stream;
            if (topic == null || !TOPIC.matcher(topic).matches()) {
                problem(key, "'" + topic + "' is not a Kafka topic name (1 to 249 of a-z A-Z 0-9 . _ -)");
                return;
            }
            String other = streamOfTopic.putIfAbsent(topic, stream);
            if (other != null) problem(key, "topic '" + topic + "' is also the topic of " + other);
        });
        for (String stream : topics.keySet()) {
            if (!ConfigLoader.STREAMS.contains(stream)) {
                problem("topics." + stream, "is not a stream (" + String.join(", ", ConfigLoader.STREAMS) + ")");
            }
        }
    }

    private void checkpoints(CheckpointSettings cp) {
        positive("checkpoints.interval", cp.interval);
        notNegative("checkpoints.minPause", cp.minPause);
        positive("checkpoints.timeout", cp.timeout);
        if (cp.dir == null) problem("checkpoints.dir", "has no value (write \"\" to let Flink's configuration decide)");
        oneOf("checkpoints.stateBackend", cp.stateBackend, STATE_BACKENDS);
    }

    private void attribution(AttributionSettings a) {
        positive("attribution.clickWindow", a.clickWindow);
        positive("attribution.viewWindow", a.viewWindow);
        positive("attribution.halfLife", a.halfLife);
        positive("attribution.customerHorizon", a.customerHorizon);
        boolean settlement = positive("attribution.settlementWindow", a.settlementWindow);
        if (positive("attribution.orderMemory", a.orderMemory) && settlement
                && a.orderMemory.compareTo(a.settlementWindow) < 0) {
            problem("attribution.orderMemory", "must be at least attribution.settlementWindow ("
                    + Durations.format(a.settlementWindow) + "): an order is remembered until its updates settle");
        }
        if (a.primaryModel == null) problem("attribution.primaryModel", "has no value");
        if (present("attribution.shadowModels", a.shadowModels)) {
            Set<Model> seen = new HashSet<>();
            for (int i = 0; i < a.shadowModels.size(); i++) {
                Model m = a.shadowModels.get(i);
                String key = "attribution.shadowModels[" + i + "]";
                if (m == null) problem(key, "has no value");
                else if (!seen.add(m)) problem(key, m + " is listed twice");
            }
        }
        if (present("attribution.dedup", a.dedup)) {
            a.dedup.forEach((stream, horizon) -> {
                if (!ConfigLoader.DEDUP_STREAMS.contains(stream)) {
                    problem("attribution.dedup." + stream, "is not a deduplicated stream ("
                            + String.join(", ", ConfigLoader.DEDUP_STREAMS) + ")");
                } else {
                    positive("attribution.dedup." + stream, horizon);
                }
            });
        }
    }

    private void kpis(KpiSettings k) {
        if (present("kpis.windows", k.windows)) {
            if (k.windows.isEmpty()) problem("kpis.windows", "needs at least one window size");
            Set<Duration> seen = new HashSet<>();
            for (int i = 0; i < k.windows.size(); i++) {
                String key = "kpis.windows[" + i + "]";
                Duration w = k.windows.get(i);
                if (positive(key, w) && !seen.add(w)) problem(key, Durations.format(w) + " is listed twice");
            }
        }
        positive("kpis.updateInterval", k.updateInterval);
    }

    private boolean present(String key, Object value) {
        if (value == null) problem(key, "has no value");
        return value != null;
    }

    private void nonBlank(String key, String value) {
        if (value == null || value.isBlank()) problem(key, "must not be empty");
    }

    private void oneOf(String key, String value, Set<String> allowed) {
        if (!allowed.contains(value)) {
            problem(key, "'" + value + "' is not one of " + String.join(", ", new TreeSet<>(allowed)));
        }
    }

    private boolean positive(String key, Duration d) {
        if (!present(key, d)) return false;
        if (d.isNegative() || d.isZero()) {
            problem(key, "must be longer than 0, not " + Durations.format(d));
            return false;
        }
        return true;
    }

    private void notNegative(String key, Duration d) {
        if (present(key, d) && d.isNegative()) problem(key, "must not be negative, not " + Durations.format(d));
    }

    private void problem(String key, String message) {
        problems.add(source + ": " + key + ": " + message);
    }
}
