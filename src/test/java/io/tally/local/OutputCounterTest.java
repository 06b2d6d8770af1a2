package io.tally.local;

import io.tally.config.TallyConfig;
import io.tally.event.Stream;
import io.tally.testing.KafkaBroker;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class OutputCounterTest {
    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();
    private static final TallyConfig CONFIG = new TallyConfig();

    @BeforeAll
    static void createTopics() {
        Topics.createAll(KAFKA.admin(), CONFIG, 2);
    }

    @Test
    void countsCommittedRecordsOnlyAndContinuesWhereItStopped() {
        try (KafkaProducer<String, String> producer = transactionalProducer("counter");
             OutputCounter counter = new OutputCounter(KAFKA.clientProperties(), CONFIG)) {
            producer.initTransactions();

            producer.beginTransaction();
            send(producer, Stream.ATTRIBUTIONS, 5);
            send(producer, Stream.ATTRIBUTIONS_SHADOW, 20);
            send(producer, Stream.KPIS, 7);
            send(producer, Stream.ALERTS, 2);
            send(producer, Stream.DEAD_LETTERS, 3);
            producer.commitTransaction();

            producer.beginTransaction();
            send(producer, Stream.ATTRIBUTIONS, 100);
            send(producer, Stream.KPIS, 100);
            producer.flush();
            producer.abortTransaction();

            assertThat(counter.drain(Duration.ofSeconds(30))).isTrue();
            assertThat(counter.summaryLine(1234))
                    .isEqualTo("summary: events=1234 attributions=5 kpis=7 alerts=2 dead-letters=3");
            assertThat(counter.count(Stream.ATTRIBUTIONS_SHADOW)).isEqualTo(20);

            // A transaction still open is not counted, and does not hold the drain up.
            producer.beginTransaction();
            send(producer, Stream.ALERTS, 4);
            producer.flush();
            assertThat(counter.drain(Duration.ofSeconds(30))).isTrue();
            assertThat(counter.count(Stream.ALERTS)).isEqualTo(2);

            producer.commitTransaction();
            // Commit markers reach the partitions asynchronously: the last stable offset moves a moment later.
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            do {
                assertThat(counter.drain(Duration.ofSeconds(30))).isTrue();
            } while (counter.count(Stream.ALERTS) < 6 && System.nanoTime() < deadline);
            assertThat(counter.summaryLine(1300))
                    .isEqualTo("summary: events=1300 attributions=5 kpis=7 alerts=6 dead-letters=3");
        }
    }

    private static KafkaProducer<String, String> transactionalProducer(String id) {
        Map<String, Object> props = KAFKA.clientProperties();
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, id);
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }

    /** Keys spread the records over both partitions. */
    private static void send(KafkaProducer<String, String> producer, Stream stream, int count) {
        for (int i = 0; i < count; i++) {
            producer.send(new ProducerRecord<>(CONFIG.topic(stream), "key-" + i, "{}"));
        }
    }
}
