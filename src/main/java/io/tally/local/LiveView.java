package io.tally.local;

import io.tally.config.TallyConfig;
import io.tally.connect.ReadCommitted;
import io.tally.event.Stream;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The live terminal view of {@code tally local}: a background thread reads the output topics with read_committed
 * (what a downstream system would see), folds them into a {@link DashboardModel} and prints {@link Dashboard#render}
 * every refresh interval. On a terminal each frame replaces the last (ANSI clear screen); otherwise frames are
 * appended, so a redirected output stays a readable log.
 */
public final class LiveView implements AutoCloseable {
    public static final Duration REFRESH = Duration.ofSeconds(2);
    private static final Logger LOG = LoggerFactory.getLogger(LiveView.class);
    private static final String CLEAR_SCREEN = "\u001b[H\u001b[2J";
    private static final List<Stream> SHOWN = List.of(Stream.ATTRIBUTIONS, Stream.KPIS, Stream.ALERTS, Stream.DEAD_LETTERS);

    private final KafkaConsumer<byte[], String> consumer;
    private final Map<String, Stream> streamOfTopic = new HashMap<>();
    private final DashboardModel model = new DashboardModel();
    private final String bootstrapServers;
    private final LongSupplier eventsProduced;
    private final PrintStream out;
    private final Duration refresh;
    private final boolean ansi;
    private final Thread thread;
    private boolean started;
    private boolean closed;
    private volatile boolean running;
    private long startNanos;

    /** A view refreshed every 2 s, clearing the screen when standard output is a terminal. */
    public LiveView(Map<String, Object> clientProperties, TallyConfig config, LongSupplier eventsProduced,
                    PrintStream out) {
        this(clientProperties, config, eventsProduced, out, REFRESH, System.console() != null);
    }

    /**
     * @param clientProperties bootstrap servers and any security settings, e.g. {@link EmbeddedKafka#clientProperties()}
     * @param eventsProduced   the number of input events produced so far (read at every frame)
     * @param ansi             whether to clear the screen before each frame
     */
    public LiveView(Map<String, Object> clientProperties, TallyConfig config, LongSupplier eventsProduced,
                    PrintStream out, Duration refresh, boolean ansi) {
        for (Stream s : SHOWN) streamOfTopic.put(config.topic(s), s);
        this.bootstrapServers = String.valueOf(clientProperties.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG));
        this.eventsProduced = eventsProduced;
        this.out = out;
        this.refresh = refresh;
        this.ansi = ansi;
        this.consumer = new KafkaConsumer<>(ReadCommitted.consumerProperties(clientProperties),
                new ByteArrayDeserializer(), new StringDeserializer());
        this.thread = new Thread(this::run, "tally-live-view");
        thread.setDaemon(true);
    }

    /** Starts reading and drawing; the first frame is drawn at once. */
    public synchronized void start() {
        if (started) return;
        started = true;
        running = true;
        startNanos = System.nanoTime();
        thread.start();
    }

    /** Stops the view without drawing again; returns once its consumer is closed. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        if (!started) {
            started = true; // a closed view cannot start
            consumer.close();
            return;
        }
        running = false;
        consumer.wakeup();
        try {
            thread.join(Duration.ofSeconds(10).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run() {
        try {
            ReadCommitted.assignFromBeginning(consumer, streamOfTopic.keySet(), Duration.ofSeconds(30));
            long nextFrame = System.nanoTime();
            while (running) {
                long now = System.nanoTime();
                if (now - nextFrame >= 0) {
                    draw();
                    nextFrame = now + refresh.toNanos();
                }
                Duration untilFrame = Duration.ofNanos(Math.max(1, nextFrame - System.nanoTime()));
                for (ConsumerRecord<byte[], String> r : consumer.poll(untilFrame)) {
                    model.accept(streamOfTopic.get(r.topic()), r.value());
                }
            }
        } catch (WakeupException | InterruptException e) {
            // close() asked us to stop
        } catch (RuntimeException e) {
            if (running) LOG.warn("the live view stopped: {}", e.toString());
        } finally {
            running = false;
            consumer.close();
        }
    }

    private void draw() {
        Duration elapsed = Duration.ofNanos(System.nanoTime() - startNanos);
        String frame = Dashboard.render(model.snapshot(bootstrapServers, elapsed, eventsProduced.getAsLong()));
        out.print(ansi ? CLEAR_SCREEN + frame : frame + "\n");
        out.flush();
    }
}
