package io.tally.generate;

import io.tally.config.ConfigLoader;
import io.tally.config.TallyConfig;
import io.tally.event.Stream;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

/**
 * Produces the generator's records to the topic of each stream, paced: at a target rate in records per second of
 * wall time, or, for a generator with {@link GeneratorSettings#liveClock}, each record once the wall clock reaches
 * its event time (so the KPIs of the current minute and hour move). The Kafka key is the record's natural id
 * ({@link GeneratedRecord#key()}: userId for views, engagements, clicks and orders), the value its JSON line.
 *
 * <pre>{@code
 * try (KafkaOutput out = KafkaOutput.create(config)) {
 *     out.run(new Generator(GeneratorSettings.live(500)), 0, 500);   // until stop(), close() or interrupt
 * }
 * }</pre>
 */
public final class KafkaOutput implements AutoCloseable {
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

    private final Producer<String, String> producer;
    private final Function<Stream, String> topicOf;
    private final AtomicReference<Exception> sendFailure = new AtomicReference<>();
    private final Object lock = new Object();
    private volatile boolean stopped;
    private volatile long sent;
    private boolean running;

    /** Takes ownership of the producer: {@link #close()} closes it. */
    public KafkaOutput(Producer<String, String> producer, Function<Stream, String> topicOf) {
        this.producer = producer;
        this.topicOf = topicOf;
    }

    /** A producer with {@link #producerPropertiesOf} sending to the config's topics. */
    public static KafkaOutput create(TallyConfig config) {
        return new KafkaOutput(new KafkaProducer<>(producerPropertiesOf(config)), config::topic);
    }

    /**
     * {@link #producerProperties} with the config's client properties (they win) and its {@code kafka.compression},
     * as every producer of Tally's compresses.
     */
    public static Properties producerPropertiesOf(TallyConfig config) {
        Properties props = producerProperties(config.kafka.bootstrapServers);
        props.putAll(ConfigLoader.kafkaClientProperties(config));
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, config.kafka.compression.kafkaName());
        return props;
    }

    /** String keys and values, batched for throughput. Topics must exist (tally local creates them first). */
    public static Properties producerProperties(String bootstrapServers) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        props.put(ProducerConfig.CLIENT_ID_CONFIG, "tally-generator");
        props.put(ProducerConfig.LINGER_MS_CONFIG, "20");
        props.put(ProducerConfig.BATCH_SIZE_CONFIG, String.valueOf(128 * 1024));
        props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        // One batch in flight per partition keeps each stream in ts order (the watermark bound depends on it). No
        // idempotence: the in-process test broker was seen to reject an idempotent producer's retries
        // (OutOfOrderSequenceException) under load, and a rare re-sent record is what Tally's dedup is for.
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "false");
        props.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        // A missing topic or an unreachable broker fails the run after this long instead of blocking every send.
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "15000");
        return props;
    }

    /**
     * Sends the generator's records until {@code maxEvents} are sent (not positive: no limit), {@link #stop()} or
     * {@link #close()} is called, or the thread is interrupted. Blocks; flushes before returning.
     *
     * @param eventsPerSecond target rate in records per second of wall time (not positive: as fast as possible);
     *                        ignored with a live-clock generator, which is paced by event time
     * @return records sent by this call
     * @throws KafkaException       if a send failed
     * @throws InterruptedException if the thread was interrupted ({@link #close()} still delivers what was sent)
     */
    public long run(Generator generator, long maxEvents, double eventsPerSecond) throws InterruptedException {
        synchronized (lock) {
            if (running) throw new IllegalStateException("already running");
            if (stopped) return 0;
            running = true;
        }
        Pacer pacer = generator.settings().liveClock ? Pacer.atEventTime() : Pacer.atRate(eventsPerSecond);
        long count = 0;
        try {
            while ((maxEvents <= 0 || count < maxEvents) && !stopped) {
                throwIfFailed();
                GeneratedRecord record = generator.next();
                if (!pace(pacer, count, record.ts())) break;
                send(record);
                count++;
                sent++;
            }
            producer.flush();
            throwIfFailed();
            return count;
        } finally {
            synchronized (lock) {
                running = false;
                lock.notifyAll();
            }
        }
    }

    /** Waits until the record is due; false when stopped meanwhile. */
    private boolean pace(Pacer pacer, long count, long ts) throws InterruptedException {
        if (Thread.interrupted()) throw new InterruptedException();
        long wait;
        while ((wait = pacer.waitMillis(count, ts, System.nanoTime(), System.currentTimeMillis())) > 0) {
            throwIfFailed();
            synchronized (lock) {
                if (stopped) return false;
                lock.wait(wait);
            }
        }
        return !stopped;
    }

    private void send(GeneratedRecord record) {
        ProducerRecord<String, String> message = new ProducerRecord<>(topicOf.apply(record.stream()), record.key(),
                record.json());
        producer.send(message, (metadata, e) -> {
            if (e != null) sendFailure.compareAndSet(null, e);
        });
    }

    private void throwIfFailed() {
        Exception e = sendFailure.get();
        if (e != null) throw new KafkaException("sending generated records failed", e);
    }

    /** Records sent so far by all runs. */
    public long sent() {
        return sent;
    }

    /** Asks a running {@link #run} to return soon (after flushing); later runs return at once. */
    public void stop() {
        synchronized (lock) {
            stopped = true;
            lock.notifyAll();
        }
    }

    /** Stops, waits (a while) for a running {@link #run} to return, closes the producer: what was sent is delivered. */
    @Override
    public void close() {
        stop();
        synchronized (lock) {
            long deadline = System.nanoTime() + CLOSE_TIMEOUT.toNanos();
            try {
                while (running && System.nanoTime() < deadline) {
                    lock.wait(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        producer.close(CLOSE_TIMEOUT);
    }
}
