package io.tally.bench;

import io.tally.config.TallyConfig;
import io.tally.event.Order;
import io.tally.event.Stream;
import io.tally.generate.GeneratedRecord;
import io.tally.generate.Generator;
import io.tally.generate.GeneratorSettings;
import io.tally.generate.KafkaOutput;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * End-to-end latency at a fixed rate: a producer sends live generated traffic (event time = wall clock) and notes
 * when each order was appended; a read_committed consumer notes when the order's first attribution becomes
 * visible, and when each final one-minute KPI record of the ALL key becomes visible after its window ended; a
 * read_uncommitted consumer notes when the order's first attribution is written, before any checkpoint commits it.
 */
final class LatencyProbe {
    /**
     * Latencies in ms: of attributions (append of the order to visibility), of final 1-minute KPIs, and of
     * attributions read uncommitted (the rest of the first figure is the wait for the checkpoint that commits them).
     */
    record Result(List<Long> attribution, List<Long> kpiFinal, long sent, List<Long> attributionUncommitted) {}

    private LatencyProbe() {}

    static Result run(TallyConfig config, GeneratorSettings traffic, double rate, Duration warmUp, Duration measure)
            throws Exception {
        Map<String, Long> orderSentAt = new ConcurrentHashMap<>();
        List<Long> attribution = Collections.synchronizedList(new ArrayList<>());
        List<Long> kpiFinal = Collections.synchronizedList(new ArrayList<>());
        List<Long> uncommitted = Collections.synchronizedList(new ArrayList<>());
        AtomicReference<Exception> failure = new AtomicReference<>();
        long start = System.currentTimeMillis();
        long measureFrom = start + warmUp.toMillis();
        long end = measureFrom + measure.toMillis();
        long[] sent = new long[1];

        Thread producer = new Thread(() -> {
            Properties props = KafkaOutput.producerProperties(config.kafka.bootstrapServers);
            props.put("linger.ms", "2");
            try (KafkaProducer<String, String> p = new KafkaProducer<>(props)) {
                Generator generator = new Generator(traffic);
                while (System.currentTimeMillis() < end) {
                    GeneratedRecord r = generator.next();
                    long wait = r.ts() - System.currentTimeMillis();
                    if (wait > 1) Thread.sleep(wait);
                    long now = System.currentTimeMillis();
                    if (r.record() instanceof Order && now >= measureFrom) {
                        orderSentAt.put(((Order) r.record()).orderId, now);
                    }
                    p.send(new ProducerRecord<>(config.topic(r.stream()), null, now, r.key(), r.json()));
                    sent[0]++;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Exception e) {
                failure.compareAndSet(null, e);
            }
        }, "tally-bench-latency-producer");

        Thread consumer = new Thread(() -> {
            try (KafkaConsumer<String, String> c = reader(config, "read_committed", "tally-bench-latency-reader")) {
                String attributions = config.topic(Stream.ATTRIBUTIONS);
                String kpis = config.topic(Stream.KPIS);
                c.subscribe(List.of(attributions, kpis));
                Set<String> seen = new HashSet<>();
                // A little past the end, for the records of the last orders.
                while (System.currentTimeMillis() < end + 5_000) {
                    for (ConsumerRecord<String, String> rec : c.poll(Duration.ofMillis(20))) {
                        long now = System.currentTimeMillis();
                        if (rec.topic().equals(attributions)) {
                            Long latency = firstAttribution(rec.value(), orderSentAt, seen, now);
                            if (latency != null) attribution.add(latency);
                        } else if (rec.key() != null && rec.key().startsWith("ALL|")
                                && rec.value().contains("\"final\":true")) {
                            long windowStart = Long.parseLong(field(rec.value(), "windowStart"));
                            long windowEnd = Long.parseLong(field(rec.value(), "windowEnd"));
                            if (windowEnd - windowStart == 60_000 && windowEnd >= measureFrom) {
                                kpiFinal.add(now - windowEnd);
                            }
                        }
                    }
                }
            } catch (Exception e) {
                failure.compareAndSet(null, e);
            }
        }, "tally-bench-latency-consumer");

        // The same orders read uncommitted: how much of the latency is the wait for the checkpoint that commits them.
        Thread early = new Thread(() -> {
            try (KafkaConsumer<String, String> c =
                         reader(config, "read_uncommitted", "tally-bench-latency-uncommitted-reader")) {
                c.subscribe(List.of(config.topic(Stream.ATTRIBUTIONS)));
                Set<String> seen = new HashSet<>();
                while (System.currentTimeMillis() < end + 5_000) {
                    for (ConsumerRecord<String, String> rec : c.poll(Duration.ofMillis(20))) {
                        Long latency = firstAttribution(rec.value(), orderSentAt, seen, System.currentTimeMillis());
                        if (latency != null) uncommitted.add(latency);
                    }
                }
            } catch (Exception e) {
                failure.compareAndSet(null, e);
            }
        }, "tally-bench-latency-uncommitted-consumer");

        consumer.start();
        early.start();
        producer.start();
        producer.join();
        consumer.join();
        early.join();
        if (failure.get() != null) throw new IllegalStateException("latency probe failed", failure.get());
        return new Result(new ArrayList<>(attribution), new ArrayList<>(kpiFinal), sent[0], new ArrayList<>(uncommitted));
    }

    /**
     * Milliseconds from the append of the attribution's order to {@code now}, if the order was sent while measuring and
     * this reader has not seen an attribution of it before; null otherwise.
     */
    private static Long firstAttribution(String attributionJson, Map<String, Long> orderSentAt, Set<String> seen,
                                         long now) {
        String orderId = field(attributionJson, "orderId");
        Long sentAt = orderSentAt.get(orderId);
        return sentAt != null && seen.add(orderId) ? now - sentAt : null;
    }

    private static KafkaConsumer<String, String> reader(TallyConfig config, String isolation, String group) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.kafka.bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.GROUP_ID_CONFIG, group);
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "10");
        return new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer());
    }

    /** A top-level string or number field of a flat JSON record, without parsing the whole record. */
    static String field(String json, String name) {
        String marker = "\"" + name + "\":";
        int i = json.indexOf(marker);
        if (i < 0) return null;
        int from = i + marker.length();
        if (json.charAt(from) == '"') {
            return json.substring(from + 1, json.indexOf('"', from + 1));
        }
        int to = from;
        while (to < json.length() && "-0123456789".indexOf(json.charAt(to)) >= 0) to++;
        return json.substring(from, to);
    }

    /** The q-quantile (0..1) of the values, nearest rank; NaN for none. */
    static double quantile(List<Long> values, double q) {
        if (values.isEmpty()) return Double.NaN;
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int rank = (int) Math.ceil(q * sorted.size());
        return sorted.get(Math.max(0, Math.min(sorted.size() - 1, rank - 1)));
    }
}
