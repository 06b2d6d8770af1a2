package io.tally.it;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tally.config.TallyConfig;
import io.tally.event.Stream;
import io.tally.generate.FileOutput;
import io.tally.generate.GeneratedRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.utils.Utils;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Input records of the cluster test, sent to Kafka and written to replay files alike, so that a replay of the files
 * computes what the cluster must output.
 *
 * <p>The jobs run without source idleness, so event time advances only when every partition of every input topic
 * has moved: generated traffic is sparse on some streams (order updates, reference data), so every
 * {@link #HEARTBEAT_MS} of event time each partition of each input topic gets a tick ({@link KafkaPipelineTest#ticks}),
 * whose order is attributed (organic) and cancelled into a given partition of the attributions topic, which the KPI
 * job reads. The ticks are part of the input: the replay sees them too.
 */
final class Traffic {
    static final long HEARTBEAT_MS = 5 * 60_000L;
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

    /** One record: to an explicit partition (ticks) or by key (generated records, as the generator sends them). */
    record Input(Stream stream, Integer partition, String key, String json, long ts) {}

    private Traffic() {}

    /**
     * The generated records, event time shifted by {@code shiftMs}, with a tick on every partition at each multiple
     * of {@link #HEARTBEAT_MS}, placed before the first record at or after it (so no record is later than the
     * generator's disorder behind a tick).
     */
    static List<Input> withHeartbeats(List<GeneratedRecord> records, long shiftMs, int partitions) {
        List<Input> out = new ArrayList<>();
        long next = Long.MIN_VALUE;
        for (GeneratedRecord r : records) {
            long ts = r.ts() + shiftMs;
            if (next == Long.MIN_VALUE) next = Math.floorDiv(ts, HEARTBEAT_MS) * HEARTBEAT_MS;
            while (next <= ts) {
                out.addAll(ticks(next, partitions));
                next += HEARTBEAT_MS;
            }
            String json = shiftMs == 0 ? r.json() : shift(r.json(), shiftMs);
            out.add(new Input(r.stream(), null, r.key(), json, ts));
        }
        return out;
    }

    /**
     * A record of every input stream at {@code ts} on every partition; partition p's order id is one that the
     * attribution job's sink (keyed by orderId, Kafka's default partitioner) writes to partition p.
     */
    static List<Input> ticks(long ts, int partitions) {
        List<Input> out = new ArrayList<>();
        for (int p = 0; p < partitions; p++) {
            String id = idInPartition("tick-" + ts + "-p" + p, p, partitions);
            for (Map.Entry<Stream, String> tick : KafkaPipelineTest.ticks(id, ts).entrySet()) {
                out.add(new Input(tick.getKey(), p, null, tick.getValue(), ts));
            }
        }
        return out;
    }

    private static String idInPartition(String prefix, int partition, int partitions) {
        for (int i = 0; ; i++) {
            String id = prefix + "-" + i;
            if (Utils.toPositive(Utils.murmur2(id.getBytes(StandardCharsets.UTF_8))) % partitions == partition) return id;
        }
    }

    /** The record with ts (and a commission rule's validUntil) moved by {@code shiftMs}. */
    private static String shift(String json, long shiftMs) {
        try {
            ObjectNode node = (ObjectNode) JSON.readTree(json);
            node.put("ts", node.get("ts").asLong() + shiftMs);
            if (node.hasNonNull("validUntil")) node.put("validUntil", node.get("validUntil").asLong() + shiftMs);
            return JSON.writeValueAsString(node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static long maxTs(List<Input> inputs) {
        return inputs.stream().mapToLong(Input::ts).max().orElseThrow();
    }

    /** Replay files {@code DIR/<stream>.jsonl} of every input stream, the records of each in the order given. */
    static void writeReplayFiles(Path dir, List<List<Input>> parts) throws IOException {
        Files.createDirectories(dir);
        Map<Stream, Writer> writers = new EnumMap<>(Stream.class);
        try {
            for (Stream s : Stream.values()) {
                if (s.isInput()) writers.put(s, Files.newBufferedWriter(FileOutput.file(dir, s), StandardCharsets.UTF_8));
            }
            for (List<Input> part : parts) {
                for (Input in : part) writers.get(in.stream()).write(in.json() + "\n");
            }
        } finally {
            for (Writer w : writers.values()) w.close();
        }
    }

    /** The generator's producer settings (records keep their order per partition) for a test broker's clients. */
    static Properties producerProperties(Map<String, Object> clientProperties) {
        Properties props = io.tally.generate.KafkaOutput.producerProperties(
                (String) clientProperties.get("bootstrap.servers"));
        clientProperties.forEach(props::put);
        return props;
    }

    /** Sends records to their topics, in order, at most {@code perSecond} per second (0: as fast as possible). */
    static final class Sender implements AutoCloseable {
        private final KafkaProducer<String, String> producer;
        private final TallyConfig config;
        final AtomicLong sent = new AtomicLong();

        Sender(Map<String, Object> clientProperties, TallyConfig config) {
            this.producer = new KafkaProducer<>(producerProperties(clientProperties));
            this.config = config;
        }

        /** Returns once every record is acknowledged. */
        void send(List<Input> inputs, double perSecond) throws Exception {
            long start = System.nanoTime();
            List<Future<?>> acks = new ArrayList<>();
            long i = 0;
            for (Input in : inputs) {
                if (perSecond > 0) {
                    // Pacing, not synchronisation: spread the records over wall time so the jobs work while they come.
                    long wait = start + (long) (i++ * 1e9 / perSecond) - System.nanoTime();
                    if (wait > 0) LockSupport.parkNanos(wait);
                }
                acks.add(producer.send(new ProducerRecord<>(config.topic(in.stream()), in.partition(), in.key(), in.json())));
                sent.incrementAndGet();
            }
            producer.flush();
            for (Future<?> f : acks) f.get();
        }

        @Override
        public void close() {
            producer.close();
        }
    }
}
