package io.tally.local;

import io.tally.connect.ReadCommitted;
import io.tally.testing.KafkaBroker;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EmbeddedKafkaTest {
    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @Test
    void readCommittedSeesCommittedTransactionsAndNeverAbortedOnes() throws Exception {
        KAFKA.createTopics("tx");
        Map<String, Object> props = KAFKA.clientProperties();
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "embedded-kafka-test");
        try (KafkaProducer<String, String> producer =
                     new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            producer.initTransactions();
            sendInTransaction(producer, "tx", List.of("c1", "c2", "c3"));
            producer.commitTransaction();
            sendInTransaction(producer, "tx", List.of("a1", "a2"));
            producer.flush(); // the aborted records really reach the log
            producer.abortTransaction();
            sendInTransaction(producer, "tx", List.of("c4"));
            producer.commitTransaction();
        }

        assertThat(KAFKA.readAllValues("tx")).containsExactly("c1", "c2", "c3", "c4");
        assertThat(KAFKA.readCommitted("tx", 4, Duration.ofSeconds(30)))
                .extracting(ConsumerRecord::value).containsExactly("c1", "c2", "c3", "c4");
        // The aborted records are in the log: a read_uncommitted reader sees them.
        assertThat(readUncommitted("tx", 6)).containsExactly("c1", "c2", "c3", "a1", "a2", "c4");
    }

    @Test
    void aRestartedBrokerKeepsItsPortItsRecordsAndItsCommittedTransactions() throws Exception {
        try (EmbeddedKafka kafka = EmbeddedKafka.start()) {
            String bootstrap = kafka.bootstrapServers();
            kafka.admin().createTopics(List.of(new org.apache.kafka.clients.admin.NewTopic("restart", 2, (short) 1))).all().get();
            Map<String, Object> props = kafka.clientProperties();
            props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "restart-test");
            try (KafkaProducer<String, String> producer =
                         new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
                producer.initTransactions();
                sendInTransaction(producer, "restart", List.of("before"));
                producer.commitTransaction();
                kafka.restart();
                sendInTransaction(producer, "restart", List.of("after"));
                producer.commitTransaction();
            }
            assertThat(kafka.bootstrapServers()).isEqualTo(bootstrap);
            Map<String, Object> consumer = kafka.clientProperties();
            consumer.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
            consumer.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
            consumer.put(ConsumerConfig.GROUP_ID_CONFIG, "restart-test");
            List<String> values = new ArrayList<>();
            try (KafkaConsumer<String, String> c = new KafkaConsumer<>(consumer, new StringDeserializer(), new StringDeserializer())) {
                c.subscribe(List.of("restart"));
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                while (values.size() < 2 && System.nanoTime() < deadline) {
                    c.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
                }
            }
            assertThat(values).containsExactlyInAnyOrder("before", "after");
        }
    }

    @Test
    void plainProducerRecordsAreReadBackInOrder() {
        KAFKA.createTopics("plain");
        KAFKA.produce("plain", List.of("one", "two", "three"));

        assertThat(KAFKA.readCommitted("plain", 3, Duration.ofSeconds(30)))
                .extracting(ConsumerRecord::value).containsExactly("one", "two", "three");
        assertThat(KAFKA.readAllValues("plain")).containsExactly("one", "two", "three");
    }

    @Test
    void topicsAreNeverCreatedOnDemand() throws Exception {
        Map<String, Object> props = KAFKA.clientProperties();
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 1_000);
        try (KafkaProducer<String, String> producer =
                     new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            // The producer's metadata request would create the topic if the broker allowed it.
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>("no-such-topic", "v")).get())
                    .hasCauseInstanceOf(TimeoutException.class);
        }
        assertThat(KAFKA.admin().listTopics().names().get()).doesNotContain("no-such-topic");
        assertThatThrownBy(() -> KAFKA.readAll("no-such-topic")).hasMessageContaining("does not exist");
    }

    @Test
    void keepsItsDataInAGivenDirectoryAfterClose(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("kafka");
        try (EmbeddedKafka kafka = EmbeddedKafka.builder().dataDir(dir).start()) {
            assertThat(kafka.dataDir()).isEqualTo(dir);
            assertThat(kafka.bootstrapServers()).startsWith("localhost:");
        }
        try (Stream<Path> files = Files.list(dir)) {
            assertThat(files).isNotEmpty();
        }
    }

    @Test
    void refusesADataDirectoryThatHoldsData(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("meta.properties"), "node.id=1\n");

        assertThatThrownBy(() -> EmbeddedKafka.builder().dataDir(dir).start())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not empty");
    }

    private static void sendInTransaction(KafkaProducer<String, String> producer, String topic, List<String> values) {
        producer.beginTransaction();
        for (String v : values) producer.send(new ProducerRecord<>(topic, v));
    }

    private static List<String> readUncommitted(String topic, int expected) {
        Map<String, Object> props = KAFKA.clientProperties();
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer =
                     new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            ReadCommitted.assignFromBeginning(consumer, List.of(topic), Duration.ofSeconds(30));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (values.size() < expected && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
            }
        }
        return values;
    }
}
