package io.tally.alertmanager;

import io.tally.alert.Alert;
import io.tally.connect.ReadCommitted;
import io.tally.io.InvalidRecordException;
import io.tally.io.Json;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Forwards the transitions of the alerts topic to Alertmanager (README, section Alertmanager), in the order of each
 * partition, none lost: a poll's transitions are posted in one request, retried with backoff for as long as
 * Alertmanager cannot take them, and only then is the consumer group's offset committed. Firing alerts are re-sent
 * every {@link Settings#resend()}, which also restores them to an Alertmanager that restarted and forgot them.
 * <p>
 * It reads read_committed, every partition of the topic (no group rebalancing: run one bridge per Alertmanager
 * cluster; a second one only repeats the first). On start, the records below the committed offsets are read again
 * without being posted, to learn which alerts are still firing; the records after them are posted. A crash between a
 * post and its commit posts those transitions again, which Alertmanager takes as the same alerts.
 */
public final class AlertmanagerBridge implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AlertmanagerBridge.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration METADATA = Duration.ofSeconds(10);
    /** Alerts per request: a large backlog or firing set goes in several. */
    static final int CHUNK = 500;

    /**
     * @param resend how often firing alerts are sent again
     * @param validFor how long Alertmanager keeps a firing alert that is not sent again (several resends)
     * @param firstBackoff the wait after a failed post, doubled after each further failure up to {@code maxBackoff}
     */
    public record Settings(Duration resend, Duration validFor, Duration firstBackoff, Duration maxBackoff) {
        /** Prometheus's own habit: re-send every minute, valid for four. */
        public static Settings every(Duration resend) {
            return new Settings(resend, resend.multipliedBy(4), Duration.ofMillis(500), Duration.ofSeconds(30));
        }
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private final AlertmanagerClient client;
    private final AlertmanagerAlerts alerts;
    private final Settings settings;
    private final Clock clock;
    private final Thread thread;
    private final CountDownLatch stop = new CountDownLatch(1);
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private volatile boolean running = true;
    private volatile boolean recovered;
    private volatile long transitions;
    private volatile long resends;
    private volatile long failedPosts;
    private volatile long rejected;
    private volatile long restarts;
    private volatile long unreadable;
    private boolean unreachable;

    /**
     * @param clientProperties Kafka client settings (bootstrap servers, security)
     * @param group the consumer group whose committed offsets say which transitions were posted
     */
    public AlertmanagerBridge(Map<String, Object> clientProperties, String topic, String group,
                              AlertmanagerClient client, AlertmanagerAlerts alerts, Settings settings, Clock clock) {
        Map<String, Object> p = ReadCommitted.consumerProperties(clientProperties);
        p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        this.consumer = new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.topic = topic;
        this.client = client;
        this.alerts = alerts;
        this.settings = settings;
        this.clock = clock;
        this.thread = new Thread(this::run, "tally-alertmanager");
    }

    public AlertmanagerBridge start() {
        thread.start();
        return this;
    }

    private void run() {
        try {
            while (running) {
                try {
                    forward();
                    break;
                } catch (RetriableException e) {
                    // Kafka unreachable (at start-up, say, while the broker restarts): begin again from the
                    // committed offsets once it answers; nothing was committed past what was posted.
                    restarts++;
                    LOG.warn("Kafka not reachable ({}); starting again from the committed offsets", e.toString());
                    if (stop.await(settings.maxBackoff().toMillis(), TimeUnit.MILLISECONDS)) break;
                }
            }
            done.complete(null);
        } catch (WakeupException | InterruptedException e) {
            done.complete(null); // closing
        } catch (RuntimeException e) {
            LOG.error("Alertmanager bridge stopped", e);
            done.completeExceptionally(e);
        } finally {
            consumer.close(Duration.ofSeconds(1));
        }
    }

    /** Start-up, then the transitions as they come, until closed. */
    private void forward() throws InterruptedException {
        List<TopicPartition> partitions = awaitPartitions();
        if (partitions.isEmpty()) return;
        List<PostableAlert> pending = recover(partitions);
        if (!deliver(pending)) return;
        transitions += pending.size();
        commit();
        recovered = true;
        Instant nextResend = Instant.MIN;
        while (running) {
            List<PostableAlert> batch = new ArrayList<>();
            int read = 0;
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                read++;
                PostableAlert p = read(r);
                if (p != null) batch.add(p);
            }
            // Closed before Alertmanager took them: their offsets stay uncommitted, to be posted next time.
            if (!deliver(batch)) return;
            transitions += batch.size();
            if (read > 0) commit();
            if (!clock.instant().isBefore(nextResend)) {
                if (!deliver(alerts.firing())) return;
                resends++;
                nextResend = clock.instant().plus(settings.resend());
            }
        }
    }

    /** Every partition of the topic, once it exists; empty if closed first. */
    private List<TopicPartition> awaitPartitions() throws InterruptedException {
        boolean told = false;
        while (running) {
            List<PartitionInfo> infos = consumer.listTopics(METADATA).getOrDefault(topic, List.of());
            if (!infos.isEmpty()) {
                List<TopicPartition> partitions = new ArrayList<>();
                for (PartitionInfo i : infos) partitions.add(new TopicPartition(i.topic(), i.partition()));
                consumer.assign(partitions);
                return partitions;
            }
            if (!told) LOG.info("waiting for topic {} to exist", topic);
            told = true;
            stop.await(1, TimeUnit.SECONDS);
        }
        return List.of();
    }

    /**
     * Reads each partition from its beginning: records below the group's committed offset only tell which alerts
     * are firing; those at or after it are returned, to be posted. A partition is paused once it reaches its
     * committed offset, so what is held until the first post is at most a poll's worth per partition.
     */
    private List<PostableAlert> recover(List<TopicPartition> partitions) {
        alerts.forget();
        Map<TopicPartition, OffsetAndMetadata> committed = consumer.committed(Set.copyOf(partitions), METADATA);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, METADATA);
        Map<TopicPartition, Long> posted = new HashMap<>();
        for (TopicPartition p : partitions) {
            OffsetAndMetadata c = committed.get(p);
            long offset = c == null ? 0L : c.offset();
            if (offset > ends.get(p)) {
                // The log lost records the group had read (truncated or reset): all there is has been posted.
                LOG.warn("committed offset {} of {} is beyond its end {}", offset, p, ends.get(p));
                offset = ends.get(p);
            }
            posted.put(p, offset);
        }
        consumer.seekToBeginning(partitions);
        List<PostableAlert> pending = new ArrayList<>();
        while (running && !reached(posted)) {
            for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                PostableAlert p = read(r);
                if (p != null && r.offset() >= posted.get(new TopicPartition(r.topic(), r.partition()))) pending.add(p);
            }
        }
        consumer.resume(partitions);
        LOG.info("{} alerts firing at offsets {}", alerts.firingCount(), posted);
        return pending;
    }

    /** Whether every partition reached its offset; those that did are paused. */
    private boolean reached(Map<TopicPartition, Long> offsets) {
        boolean all = true;
        for (Map.Entry<TopicPartition, Long> e : offsets.entrySet()) {
            if (consumer.position(e.getKey(), METADATA) < e.getValue()) all = false;
            else consumer.pause(List.of(e.getKey()));
        }
        return all;
    }

    private PostableAlert read(ConsumerRecord<byte[], byte[]> r) {
        try {
            return alerts.apply(Json.read(Alert.class, r.value()), clock.instant());
        } catch (InvalidRecordException | RuntimeException e) {
            // Only Tally writes the topic; a foreign record is reported and must not stop the alerts behind it.
            unreadable++;
            LOG.warn("skipped an unreadable alert record at {}-{}@{}: {}", r.topic(), r.partition(), r.offset(),
                    e.getMessage());
            return null;
        }
    }

    /**
     * Posts the alerts in order, at most {@link #CHUNK} a request, each request retried until Alertmanager takes it.
     * False if the bridge was closed first.
     */
    private boolean deliver(List<PostableAlert> alerts) throws InterruptedException {
        for (int from = 0; from < alerts.size(); from += CHUNK) {
            List<PostableAlert> chunk = alerts.subList(from, Math.min(alerts.size(), from + CHUNK));
            try {
                if (!postUntilTaken(chunk)) return false;
            } catch (AlertmanagerClient.Rejected e) {
                // Alertmanager stored the valid alerts of the request and refused the others: posting again cannot
                // help, and would repeat transitions it already took.
                rejected++;
                LOG.error("Alertmanager refused alerts of a request of {}: {}", chunk.size(), e.getMessage());
            }
        }
        return true;
    }

    /** True once Alertmanager took the batch, false if the bridge was closed first. */
    private boolean postUntilTaken(List<PostableAlert> batch) throws AlertmanagerClient.Rejected, InterruptedException {
        Duration backoff = settings.firstBackoff();
        while (running) {
            Instant validUntil = clock.instant().plus(settings.validFor());
            List<PostableAlert> stamped = new ArrayList<>(batch.size());
            for (PostableAlert a : batch) stamped.add(a.asOf(validUntil));
            try {
                client.post(stamped);
                if (unreachable) LOG.info("Alertmanager {} takes alerts again", client.alertsEndpoint());
                unreachable = false;
                return true;
            } catch (IOException e) {
                failedPosts++;
                if (!unreachable) {
                    LOG.warn("cannot post to Alertmanager {}, retrying with backoff up to {}: {}",
                            client.alertsEndpoint(), settings.maxBackoff(), e.toString());
                }
                unreachable = true;
                if (backoff.equals(settings.maxBackoff())) {
                    LOG.warn("still cannot post to Alertmanager {}: {}", client.alertsEndpoint(), e.toString());
                }
                if (stop.await(backoff.toMillis(), TimeUnit.MILLISECONDS)) return false;
                backoff = backoff.multipliedBy(2);
                if (backoff.compareTo(settings.maxBackoff()) > 0) backoff = settings.maxBackoff();
            }
        }
        return false;
    }

    /** Commits the consumer's positions: everything before them has been posted. */
    private void commit() {
        Map<TopicPartition, OffsetAndMetadata> offsets = new LinkedHashMap<>();
        for (TopicPartition p : consumer.assignment()) offsets.put(p, new OffsetAndMetadata(consumer.position(p)));
        try {
            consumer.commitSync(offsets, METADATA);
        } catch (KafkaException e) {
            if (e instanceof WakeupException w) throw w;
            // A later commit covers these offsets; until then a restart posts the same transitions again.
            LOG.warn("cannot commit offsets yet: {}", e.toString());
        }
    }

    /**
     * Completes when the bridge stops: normally once closed, exceptionally if it failed (a supervisor should then
     * start it again).
     */
    public CompletableFuture<Void> done() {
        return done;
    }

    /** Whether the firing alerts of the records already posted are known (start-up is over). */
    public boolean recovered() {
        return recovered;
    }

    /** Transitions posted since start: those after the committed offsets. */
    public long transitions() {
        return transitions;
    }

    /** Rounds of re-sending the firing alerts. */
    public long resends() {
        return resends;
    }

    /** Posts that failed and were retried. */
    public long failedPosts() {
        return failedPosts;
    }

    /** Times Kafka could not be reached and the bridge began again from the committed offsets. */
    public long restarts() {
        return restarts;
    }

    /** Requests Alertmanager refused in part or whole (400, 422), not posted again. */
    public long rejected() {
        return rejected;
    }

    /** Records of the topic that were not alerts, skipped. */
    public long unreadable() {
        return unreadable;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        stop.countDown();
        consumer.wakeup();
        thread.join(10_000);
    }
}
