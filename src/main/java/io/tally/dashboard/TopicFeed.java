package io.tally.dashboard;

import io.tally.alert.Alert;
import io.tally.connect.ReadCommitted;
import io.tally.io.DeadLetter;
import io.tally.io.InvalidRecordException;
import io.tally.io.Json;
import io.tally.kpi.Kpi;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Reads the KPI, alert and dead-letter topics as a downstream system sees them (read_committed, every partition from
 * the beginning, no consumer group) into a {@link ProgramView}, and hands a fresh snapshot to the listener after each
 * poll that brought records. The data is stale while the broker cannot be reached: the listener hears of that too.
 */
public final class TopicFeed implements AutoCloseable {
    private static final Duration POLL = Duration.ofMillis(200);
    /** How long a metadata call may wait before the broker counts as unreachable. */
    static final Duration REACH = Duration.ofSeconds(5);

    /** What the listener is told: the view's state, and whether it may be behind the topics. */
    public interface Listener {
        void update(ProgramView view, boolean stale);
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Duration reach;
    private final String kpis;
    private final String alerts;
    private final String deadLetters;
    private final ProgramView view = new ProgramView();
    private final Listener listener;
    private final Thread thread;
    private volatile boolean running = true;
    private long unreadable;

    public TopicFeed(Map<String, Object> clientProperties, String kpis, String alerts, String deadLetters,
                     Listener listener) {
        this(clientProperties, kpis, alerts, deadLetters, listener, REACH);
    }

    /** @param reach how long a metadata call may wait before the broker counts as unreachable */
    TopicFeed(Map<String, Object> clientProperties, String kpis, String alerts, String deadLetters, Listener listener,
              Duration reach) {
        this.reach = reach;
        this.consumer = new KafkaConsumer<>(ReadCommitted.consumerProperties(clientProperties),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        this.kpis = kpis;
        this.alerts = alerts;
        this.deadLetters = deadLetters;
        this.listener = listener;
        this.thread = new Thread(this::run, "dashboard-feed");
        thread.setDaemon(true);
    }

    public void start() {
        thread.start();
    }

    private void run() {
        boolean assigned = false;
        boolean stale = true;
        try {
            while (running) {
                try {
                    if (!assigned) assigned = assign();
                    if (!assigned) {
                        listener.update(view, true);
                        continue;
                    }
                    int n = 0;
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(POLL)) {
                        accept(r.topic(), r.value());
                        n++;
                    }
                    // Records just read say the broker is there: ask it only when a poll brought nothing.
                    boolean reachable = n > 0 || reachable();
                    if (n > 0 || reachable == stale) {
                        stale = !reachable;
                        listener.update(view, stale);
                    }
                } catch (org.apache.kafka.common.errors.TimeoutException e) {
                    stale = true;
                    listener.update(view, true);
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close(Duration.ofSeconds(1));
        }
    }

    /** Every partition of the three topics, from the beginning; false while none of them can be listed. */
    private boolean assign() {
        return !ReadCommitted.assignFromBeginning(consumer, List.of(kpis, alerts, deadLetters), reach).isEmpty();
    }

    private boolean reachable() {
        try {
            consumer.endOffsets(consumer.assignment(), reach);
            return true;
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            return false;
        }
    }

    private void accept(String topic, byte[] value) {
        try {
            if (topic.equals(kpis)) view.accept(Json.read(Kpi.class, value));
            else if (topic.equals(alerts)) view.accept(Json.read(Alert.class, value));
            else view.accept(Json.read(DeadLetter.class, value));
        } catch (InvalidRecordException e) {
            unreadable++; // a foreign record on an output topic must not stop the dashboard
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        consumer.wakeup();
        thread.join(5_000);
    }
}
