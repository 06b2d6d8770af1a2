package io.tally.local;

import io.tally.config.TallyConfig;
import io.tally.connect.ReadCommitted;
import io.tally.event.Stream;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Counts the records committed to the output topics, as a downstream read_committed consumer sees them, for the
 * summary line of {@code tally local}. Every record counts (KPI updates as well as final KPI records, reversals as
 * well as attributions); aborted records never do. Drains can be repeated: each continues where the last stopped.
 * Not thread-safe: one thread drains and reads the counts.
 */
public final class OutputCounter implements AutoCloseable {
    /** The output streams, in the order of the summary line (attributions-shadow is counted but not shown). */
    public static final List<Stream> OUTPUTS =
            List.of(Stream.ATTRIBUTIONS, Stream.ATTRIBUTIONS_SHADOW, Stream.KPIS, Stream.ALERTS, Stream.DEAD_LETTERS);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<String, Stream> streamOfTopic = new HashMap<>();
    private final Map<Stream, Long> counts = new EnumMap<>(Stream.class);

    /**
     * @param clientProperties bootstrap servers and any security settings, e.g. {@link EmbeddedKafka#clientProperties()}
     */
    public OutputCounter(Map<String, Object> clientProperties, TallyConfig config) {
        for (Stream s : OUTPUTS) {
            streamOfTopic.put(config.topic(s), s);
            counts.put(s, 0L);
        }
        consumer = new KafkaConsumer<>(ReadCommitted.consumerProperties(clientProperties),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        ReadCommitted.assignFromBeginning(consumer, streamOfTopic.keySet(), Duration.ofSeconds(30));
    }

    /**
     * Reads every output topic up to its last stable offset as of now (see {@link ReadCommitted#drain}).
     *
     * @return false if the timeout passed first; the counts then cover what was read
     */
    public boolean drain(Duration timeout) {
        return ReadCommitted.drain(consumer, timeout, r -> counts.merge(streamOfTopic.get(r.topic()), 1L, Long::sum));
    }

    /** Committed records of an output stream read so far. */
    public long count(Stream output) {
        Long n = counts.get(output);
        if (n == null) throw new IllegalArgumentException("not an output stream: " + output);
        return n;
    }

    /** {@code summary: events=N attributions=N kpis=N alerts=N dead-letters=N} from the counts read so far. */
    public String summaryLine(long events) {
        return summaryLine(events, count(Stream.ATTRIBUTIONS), count(Stream.KPIS), count(Stream.ALERTS),
                count(Stream.DEAD_LETTERS));
    }

    static String summaryLine(long events, long attributions, long kpis, long alerts, long deadLetters) {
        return "summary: events=" + events + " attributions=" + attributions + " kpis=" + kpis + " alerts=" + alerts
                + " dead-letters=" + deadLetters;
    }

    @Override
    public void close() {
        consumer.close();
    }
}
