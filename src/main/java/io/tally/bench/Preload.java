package io.tally.bench;

import io.tally.config.TallyConfig;
import io.tally.event.Stream;
import io.tally.generate.GeneratedRecord;
import io.tally.generate.Generator;
import io.tally.generate.KafkaOutput;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.util.EnumMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;

/** Writes generated records into the input topics before a phase starts, as fast as the broker takes them. */
final class Preload {
    private Preload() {}

    /**
     * Sends the generator's next records until {@code count} are sent or the next one is at or after
     * {@code untilTs}; returns how many of each stream were sent.
     */
    static Map<Stream, Long> send(Feed feed, TallyConfig config, long count, long untilTs) {
        Properties props = KafkaOutput.producerProperties(config.kafka.bootstrapServers);
        props.put("batch.size", String.valueOf(512 * 1024));
        props.put("buffer.memory", String.valueOf(128L * 1024 * 1024));
        Map<Stream, Long> counts = new EnumMap<>(Stream.class);
        AtomicReference<Exception> failure = new AtomicReference<>();
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props)) {
            for (long sent = 0; sent < count; sent++) {
                GeneratedRecord r = feed.nextBefore(untilTs);
                if (r == null) break;
                producer.send(new ProducerRecord<>(config.topic(r.stream()), null, r.ts(), r.key(), r.json()),
                        (meta, e) -> {
                            if (e != null) failure.compareAndSet(null, e);
                        });
                counts.merge(r.stream(), 1L, Long::sum);
            }
            producer.flush();
        }
        if (failure.get() != null) throw new IllegalStateException("preloading the input topics failed", failure.get());
        return counts;
    }

    /** The generator's records in order, a phase at a time: a record past one phase's end opens the next. */
    static final class Feed {
        private final Generator generator;
        private GeneratedRecord pending;

        Feed(Generator generator) {
            this.generator = generator;
        }

        long startTs() {
            return generator.startTs();
        }

        /** The next record if its ts is before untilTs, else null (and it waits for the next phase). */
        GeneratedRecord nextBefore(long untilTs) {
            if (pending == null) pending = generator.next();
            if (pending.ts() >= untilTs) return null;
            GeneratedRecord r = pending;
            pending = null;
            return r;
        }
    }

    static long total(Map<Stream, Long> counts) {
        long n = 0;
        for (long c : counts.values()) n += c;
        return n;
    }
}
