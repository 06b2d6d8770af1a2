package io.tally.alertmanager;

import com.fasterxml.jackson.databind.JsonNode;
import io.tally.alert.Alert;
import io.tally.alert.AlertState;
import io.tally.io.Json;
import io.tally.testing.Alertmanager;
import io.tally.testing.KafkaBroker;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The bridge between the alerts topic of a real broker and a real Alertmanager (Debian's prometheus-alertmanager):
 * what Alertmanager lists and what its webhook receiver is notified of, through restarts of either side.
 */
class AlertmanagerBridgeTest {
    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final long T = 1_767_225_600_000L; // 2026-01-01T00:00:00Z
    private static final long HOUR = 3_600_000L;

    @TempDir
    Path dir;
    private Alertmanager am;
    private final List<AlertmanagerBridge> bridges = new ArrayList<>();
    private final List<JsonNode> notified = new ArrayList<>();
    private String topic;

    @BeforeEach
    void start() throws Exception {
        Alertmanager.assumeInstalled();
        am = new Alertmanager(dir).start();
        topic = "alerts-" + UUID.randomUUID();
        KAFKA.createTopics(3, topic);
    }

    @AfterEach
    void stop() throws Exception {
        for (AlertmanagerBridge b : bridges) b.close();
        if (am != null) am.close();
    }

    @Test
    void firedAlertsAppearInAlertmanagerWithTheirLabelsAndResolvedOnesAreResolved() throws Exception {
        Alert a = alert("cpa-above-margin", "CREATOR", "c-1", "cpa", AlertState.FIRING, T, 4.5, 3.0);
        Alert b = alert("conversion-drop", "PRODUCT", "p-9", "conversionRate", AlertState.FIRING, T + HOUR, 0.01, 0.02);
        write(List.of(Json.write(a), "not an alert", Json.write(b)));
        writeAborted(alert("viral-spike", "CONTENT", "v-7", "views", AlertState.FIRING, T, 9e6, 1e6));
        AlertmanagerBridge bridge = bridge("g1", new AlertmanagerAlerts(Map.of("env", "test"), "http://dashboard:8080/"));

        List<JsonNode> active = awaitActive(keys -> keys.equals(Set.of("c-1", "p-9")));
        JsonNode posted = active.stream().filter(x -> x.at("/labels/key").asText().equals("c-1")).findFirst().orElseThrow();
        assertThat(labels(posted.get("labels"))).isEqualTo(Map.of("alertname", "cpa-above-margin",
                "ruleId", "cpa-above-margin", "dimension", "CREATOR", "key", "c-1", "metric", "cpa",
                "window", "2026-01-01T00:00:00Z", "env", "test"));
        assertThat(posted.at("/annotations/summary").asText())
                .isEqualTo("cpa 4.5 > 3 on CREATOR c-1 (1h window from 2026-01-01T00:00:00Z)");
        assertThat(posted.at("/annotations/value").asText()).isEqualTo("4.5");
        assertThat(posted.at("/annotations/threshold").asText()).isEqualTo("3");
        assertThat(posted.at("/annotations/windowStart").asText()).isEqualTo("2026-01-01T00:00:00Z");
        assertThat(Instant.parse(posted.get("startsAt").asText())).isEqualTo(Instant.ofEpochMilli(T + HOUR));
        assertThat(posted.get("generatorURL").asText()).isEqualTo("http://dashboard:8080/");
        awaitNotified("c-1", "firing");
        awaitNotified("p-9", "firing");

        write(List.of(Json.write(resolve(b, 0.03))));
        awaitNotified("p-9", "resolved");
        awaitActive(keys -> keys.equals(Set.of("c-1")));

        assertThat(bridge.unreadable()).isEqualTo(1);
        assertThat(notified).noneMatch(n -> n.toString().contains("v-7"));
        await("the group's offsets at the topic's end", () -> committedAtEnd("g1"));
    }

    @Test
    void anAlertmanagerRestartInTheMiddleLosesNoTransition() throws Exception {
        Alert a = alert("cpa-above-margin", "CREATOR", "c-1", "cpa", AlertState.FIRING, T, 4.5, 3.0);
        Alert b = alert("cpa-above-margin", "CREATOR", "c-2", "cpa", AlertState.FIRING, T, 5.5, 3.0);
        write(List.of(Json.write(a), Json.write(b)));
        AlertmanagerBridge bridge = bridge("g2", new AlertmanagerAlerts(Map.of(), null));
        awaitActive(keys -> keys.equals(Set.of("c-1", "c-2")));
        awaitNotified("c-1", "firing");
        awaitNotified("c-2", "firing");

        am.stop();
        long failed = bridge.failedPosts();
        write(List.of(Json.write(alert("cpa-above-margin", "CREATOR", "c-3", "cpa", AlertState.FIRING, T + HOUR, 6.0, 3.0)),
                Json.write(resolve(a, 1.0))));
        await("a post that failed while Alertmanager was down", () -> bridge.failedPosts() > failed);
        int takenBefore = am.taken().size();
        am.start();

        // Alertmanager forgot its alerts: c-2 comes back by being re-sent, c-3 by the post of its transition, and
        // c-1 stays resolved through two more rounds of re-sending: its RESOLVED was taken after the restart.
        awaitActive(keys -> keys.equals(Set.of("c-2", "c-3")));
        long resends = bridge.resends();
        await("two more rounds of re-sending", () -> bridge.resends() >= resends + 2);
        assertThat(activeKeys(am.alerts())).containsExactlyInAnyOrder("c-2", "c-3");
        List<JsonNode> all = am.taken();
        List<JsonNode> takenAfter = all.subList(takenBefore, all.size());
        assertThat(takenAfter).anySatisfy(x -> {
            assertThat(x.at("/labels/key").asText()).isEqualTo("c-1");
            assertThat(Instant.parse(x.get("endsAt").asText())).isEqualTo(Instant.ofEpochMilli(T + 2 * HOUR));
        });
    }

    @Test
    void aRestartedBridgeKnowsWhatIsFiringAndPostsOnlyWhatCameAfterItsCommittedOffsets() throws Exception {
        Alert a = alert("cpa-above-margin", "CREATOR", "c-1", "cpa", AlertState.FIRING, T, 4.5, 3.0);
        Alert b = alert("cpa-above-margin", "CREATOR", "c-2", "cpa", AlertState.FIRING, T, 5.5, 3.0);
        write(List.of(Json.write(a), Json.write(b)));
        AlertmanagerBridge first = bridge("g3", new AlertmanagerAlerts(Map.of(), null));
        awaitActive(keys -> keys.equals(Set.of("c-1", "c-2")));
        await("the group's offsets at the topic's end", () -> committedAtEnd("g3"));
        first.close();

        write(List.of(Json.write(resolve(a, 1.0)),
                Json.write(alert("cpa-above-margin", "CREATOR", "c-3", "cpa", AlertState.FIRING, T + HOUR, 6.0, 3.0))));
        AlertmanagerAlerts remembered = new AlertmanagerAlerts(Map.of(), null);
        AlertmanagerBridge second = bridge("g3", remembered);

        awaitActive(keys -> keys.equals(Set.of("c-2", "c-3")));
        awaitNotified("c-1", "resolved");
        await("the group's offsets at the topic's end", () -> committedAtEnd("g3"));
        assertThat(second.transitions()).isEqualTo(2);
        assertThat(remembered.firing()).extracting(p -> p.labels().get("key")).containsExactlyInAnyOrder("c-2", "c-3");
    }

    @Test
    void aBridgeClosedWhileAlertmanagerIsDownLeavesWhatItCouldNotPostToTheNextOne() throws Exception {
        Alert a = alert("cpa-above-margin", "CREATOR", "c-1", "cpa", AlertState.FIRING, T, 4.5, 3.0);
        write(List.of(Json.write(a)));
        // No re-sending after the first round: a post that fails is the transitions' own.
        AlertmanagerBridge first = bridge("g4", new AlertmanagerAlerts(Map.of(), null), Duration.ofHours(1));
        awaitActive(keys -> keys.equals(Set.of("c-1")));
        await("the group's offsets at the topic's end", () -> committedAtEnd("g4"));

        am.stop();
        write(List.of(Json.write(resolve(a, 1.0)),
                Json.write(alert("cpa-above-margin", "CREATOR", "c-2", "cpa", AlertState.FIRING, T + HOUR, 6.0, 3.0))));
        long failed = first.failedPosts();
        await("a post that failed while Alertmanager was down", () -> first.failedPosts() > failed);
        first.close();
        assertThat(committedAtEnd("g4")).as("offsets committed past transitions never posted").isFalse();

        am.start();
        AlertmanagerBridge second = bridge("g4", new AlertmanagerAlerts(Map.of(), null));
        awaitActive(keys -> keys.equals(Set.of("c-2")));
        await("the group's offsets at the topic's end", () -> committedAtEnd("g4"));
        assertThat(second.transitions()).isEqualTo(2);
    }

    @Test
    void aBridgeThatCannotReachKafkaKeepsTryingUntilClosed() throws Exception {
        AlertmanagerBridge.Settings fast = new AlertmanagerBridge.Settings(Duration.ofMillis(500), Duration.ofMinutes(5),
                Duration.ofMillis(100), Duration.ofMillis(500));
        Map<String, Object> nowhere = Map.of("bootstrap.servers", "127.0.0.1:" + freePort());
        AlertmanagerBridge b = new AlertmanagerBridge(nowhere, topic, "g5", new AlertmanagerClient(am.url()),
                new AlertmanagerAlerts(Map.of(), null), fast, Clock.systemUTC()).start();
        bridges.add(b);

        await("a start-up begun again", () -> b.restarts() >= 1);
        assertThat(b.done()).isNotDone();
        b.close();
        assertThat(b.done()).isCompleted().isNotCompletedExceptionally();
    }

    @Test
    void alertmanagerKeepsTheValidAlertsOfARequestItRefusesSoTheyAreNotPostedAgain() throws Exception {
        PostableAlert valid = new PostableAlert(Map.of("alertname", "r", "key", "ok"), Map.of(),
                "2026-01-01T00:00:00Z", "2099-01-01T00:00:00Z", null);
        PostableAlert endsBeforeItStarts = new PostableAlert(Map.of("alertname", "r", "key", "bad"), Map.of(),
                "2026-01-01T01:00:00Z", "2026-01-01T00:00:00Z", null);

        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                        new AlertmanagerClient(am.url()).post(List.of(valid, endsBeforeItStarts)))
                .isInstanceOf(AlertmanagerClient.Rejected.class).hasMessageContaining("400");
        assertThat(activeKeys(am.alerts())).containsExactly("ok");
    }

    // ---- helpers ----

    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private AlertmanagerBridge bridge(String group, AlertmanagerAlerts alerts) {
        return bridge(group, alerts, Duration.ofMillis(500));
    }

    private AlertmanagerBridge bridge(String group, AlertmanagerAlerts alerts, Duration resend) {
        AlertmanagerBridge.Settings fast = new AlertmanagerBridge.Settings(resend, Duration.ofMinutes(5),
                Duration.ofMillis(100), Duration.ofMillis(500));
        AlertmanagerBridge b = new AlertmanagerBridge(KAFKA.clientProperties(), topic, group,
                new AlertmanagerClient(am.frontUrl()), alerts, fast, Clock.systemUTC()).start();
        bridges.add(b);
        return b;
    }

    private static Alert alert(String rule, String dimension, String key, String metric, AlertState state, long windowStart,
                               double value, double threshold) {
        Alert a = new Alert();
        a.alertId = rule + "|" + dimension + "|" + key + "|" + windowStart;
        a.ruleId = rule;
        a.dimension = dimension;
        a.key = key;
        a.metric = metric;
        a.op = value > threshold ? ">" : "<";
        a.value = value;
        a.threshold = threshold;
        a.state = state;
        a.windowStart = windowStart;
        a.windowEnd = windowStart + HOUR;
        a.ts = windowStart + HOUR;
        return a;
    }

    /** The RESOLVED record of the fired alert's streak, caused by the next window slot. */
    private static Alert resolve(Alert fired, double value) {
        Alert r = alert(fired.ruleId, fired.dimension, fired.key, fired.metric, AlertState.RESOLVED, fired.windowEnd,
                value, fired.threshold);
        r.alertId = fired.alertId;
        r.op = fired.op;
        return r;
    }

    private void write(List<String> values) {
        transaction(values, true);
    }

    private void writeAborted(Alert alert) {
        transaction(List.of(Json.write(alert)), false);
    }

    /** Writes as Tally's sinks do: in a transaction, keyed (an alert by its alertId). */
    private void transaction(List<String> values, boolean commit) {
        Map<String, Object> p = KAFKA.clientProperties();
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "test-" + UUID.randomUUID());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            for (String v : values) {
                String key = v.startsWith("{") ? v.replaceAll(".*\"alertId\":\"([^\"]*)\".*", "$1") : null;
                producer.send(new ProducerRecord<>(topic, key, v));
            }
            if (commit) producer.commitTransaction();
            else producer.abortTransaction();
        }
    }

    private boolean committedAtEnd(String group) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed =
                KAFKA.admin().listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
        Map<TopicPartition, Long> ends = new java.util.HashMap<>();
        for (int i = 0; i < 3; i++) {
            TopicPartition tp = new TopicPartition(topic, i);
            ends.put(tp, KAFKA.admin().listOffsets(Map.of(tp, org.apache.kafka.clients.admin.OffsetSpec.latest()))
                    .partitionResult(tp).get().offset());
        }
        return ends.entrySet().stream().allMatch(e -> committed.containsKey(e.getKey())
                && committed.get(e.getKey()).offset() == e.getValue());
    }

    /** Waits until the keys of the alerts Alertmanager lists as active satisfy the condition; returns them. */
    private List<JsonNode> awaitActive(Predicate<Set<String>> condition) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<JsonNode> alerts = List.of();
        while (System.nanoTime() < deadline) {
            alerts = am.alerts();
            if (condition.test(activeKeys(alerts))) return alerts;
            collect(Duration.ofMillis(200));
        }
        throw new AssertionError("Alertmanager never listed the expected alerts; it lists " + alerts + "\n" + am.log());
    }

    private static Set<String> activeKeys(List<JsonNode> alerts) {
        return alerts.stream().filter(a -> a.at("/status/state").asText().equals("active"))
                .map(a -> a.at("/labels/key").asText()).collect(Collectors.toCollection(TreeSet::new));
    }

    /** Waits until the webhook was notified of the alert of that key in that status. */
    private void awaitNotified(String key, String status) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            for (JsonNode n : notified) {
                for (JsonNode a : n.get("alerts")) {
                    if (a.at("/labels/key").asText().equals(key) && a.get("status").asText().equals(status)) return;
                }
            }
            collect(Duration.ofMillis(500));
        }
        throw new AssertionError("never notified " + key + " " + status + "; notifications: " + notified);
    }

    private void collect(Duration wait) throws InterruptedException {
        JsonNode n = am.nextNotification(wait);
        if (n != null) notified.add(n);
    }

    private void await(String what, Check check) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            if (check.holds()) return;
            collect(Duration.ofMillis(100));
        }
        throw new AssertionError("never: " + what);
    }

    private interface Check {
        boolean holds() throws Exception;
    }

    private static Map<String, String> labels(JsonNode node) {
        Map<String, String> m = new java.util.TreeMap<>();
        node.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asText()));
        return m;
    }
}
