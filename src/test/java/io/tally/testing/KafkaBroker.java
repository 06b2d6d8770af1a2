package io.tally.testing;

import io.tally.connect.ReadCommitted;
import io.tally.local.EmbeddedKafka;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

/**
 * A real Kafka broker for one test class ({@link EmbeddedKafka}), started before its first test and stopped after
 * its last:
 *
 * <pre>{@code @RegisterExtension static final KafkaBroker KAFKA = new KafkaBroker();}</pre>
 *
 * Tests of a class share the broker, so each should use its own topic names.
 */
public final class KafkaBroker implements BeforeAllCallback, AfterAllCallback {
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    private final Map<String, String> brokerProperties = new LinkedHashMap<>();
    private final Map<String, Object> clientProperties = new LinkedHashMap<>();
    private EmbeddedKafka kafka;

    /** A broker setting on top of {@link EmbeddedKafka}'s (e.g. SASL listeners); call before the class starts. */
    public KafkaBroker withBrokerProperty(String key, String value) {
        brokerProperties.put(key, value);
        return this;
    }

    /** A setting every client of the broker needs (e.g. SASL credentials); call before the class starts. */
    public KafkaBroker withClientProperty(String key, Object value) {
        clientProperties.put(key, value);
        return this;
    }

    /**
     * Makes the broker's client listener require SASL/PLAIN with one user besides the broker's own, and gives the
     * helpers of this extension that user's credentials. Other clients: {@link #clientProperties()}.
     */
    public KafkaBroker withSaslPlain(String user, String password) {
        withBrokerProperty("listener.security.protocol.map", "EXTERNAL:SASL_PLAINTEXT,CONTROLLER:PLAINTEXT");
        withBrokerProperty("sasl.enabled.mechanisms", "PLAIN");
        withBrokerProperty("sasl.mechanism.inter.broker.protocol", "PLAIN");
        // The broker logs in to itself (transaction markers) as "broker"; each user_<name> is an accepted login.
        withBrokerProperty("listener.name.external.plain.sasl.jaas.config",
                "org.apache.kafka.common.security.plain.PlainLoginModule required"
                        + " username=\"broker\" password=\"broker-secret\""
                        + " user_broker=\"broker-secret\" user_" + user + "=\"" + password + "\";");
        withClientProperty("security.protocol", "SASL_PLAINTEXT");
        withClientProperty("sasl.mechanism", "PLAIN");
        withClientProperty("sasl.jaas.config", plainLogin(user, password));
        return this;
    }

    /** The {@code sasl.jaas.config} of a SASL/PLAIN client. */
    public static String plainLogin(String user, String password) {
        return "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" + user
                + "\" password=\"" + password + "\";";
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        EmbeddedKafka.Builder builder = EmbeddedKafka.builder().brokerProperties(brokerProperties);
        clientProperties.forEach(builder::clientProperty);
        kafka = builder.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        if (kafka != null) kafka.close();
        kafka = null;
    }

    public EmbeddedKafka kafka() {
        if (kafka == null) throw new IllegalStateException("the broker runs only while its test class runs");
        return kafka;
    }

    public String bootstrapServers() {
        return kafka().bootstrapServers();
    }

    /** bootstrap.servers and the client settings given to this extension; a fresh, modifiable copy. */
    public Map<String, Object> clientProperties() {
        return kafka().clientProperties();
    }

    /** Stops the broker and starts it again on the same port with its data ({@link EmbeddedKafka#restart()}). */
    public void restart() {
        kafka().restart();
    }

    /** The broker's shared admin client; do not close it. */
    public Admin admin() {
        return kafka().admin();
    }

    /** Creates topics of one partition each. */
    public void createTopics(String... topics) {
        createTopics(1, topics);
    }

    public void createTopics(int partitions, String... topics) {
        List<NewTopic> newTopics = Arrays.stream(topics)
                .map(t -> new NewTopic(t, Optional.of(partitions), Optional.empty()))
                .toList();
        try {
            admin().createTopics(newTopics).all().get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot create topics " + Arrays.toString(topics), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Writes the values, without keys, with a plain (non-transactional) producer; returns once all are acknowledged. */
    public void produce(String topic, List<String> values) {
        produce(values.stream().map(v -> new ProducerRecord<String, String>(topic, v)).toList());
    }

    /** Writes the records (keys, partitions, timestamps as they say), like {@link #produce(String, List)}. */
    public void produce(List<ProducerRecord<String, String>> records) {
        Map<String, Object> props = clientProperties();
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer =
                     new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            List<Future<RecordMetadata>> sent = new ArrayList<>();
            for (ProducerRecord<String, String> record : records) sent.add(producer.send(record));
            for (Future<RecordMetadata> f : sent) f.get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot produce: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * Reads the topic from the beginning with read_committed until at least {@code expectedAtLeast} records have
     * arrived or the timeout passes; returns what was read (fewer than expected only after the timeout).
     */
    public List<ConsumerRecord<String, String>> readCommitted(String topic, int expectedAtLeast, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = newConsumer()) {
            assignFromBeginning(consumer, topic);
            while (records.size() < expectedAtLeast) {
                long left = deadline - System.nanoTime();
                if (left <= 0) break;
                consumer.poll(Duration.ofNanos(Math.min(left, Duration.ofMillis(200).toNanos())))
                        .forEach(records::add);
            }
        }
        return records;
    }

    /** Every committed record of the topic up to its last stable offset as of now. */
    public List<ConsumerRecord<String, String>> readAll(String topic) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = newConsumer()) {
            assignFromBeginning(consumer, topic);
            if (!ReadCommitted.drain(consumer, TIMEOUT, records::add)) {
                throw new IllegalStateException("could not read " + topic + " to its end within " + TIMEOUT);
            }
        }
        return records;
    }

    /** Values of {@link #readAll}, in order within each partition. */
    public List<String> readAllValues(String topic) {
        return readAll(topic).stream().map(ConsumerRecord::value).toList();
    }

    private static void assignFromBeginning(KafkaConsumer<String, String> consumer, String topic) {
        if (ReadCommitted.assignFromBeginning(consumer, List.of(topic), TIMEOUT).isEmpty()) {
            throw new IllegalArgumentException("topic '" + topic + "' does not exist");
        }
    }

    private KafkaConsumer<String, String> newConsumer() {
        return new KafkaConsumer<>(ReadCommitted.consumerProperties(clientProperties()), new StringDeserializer(),
                new StringDeserializer());
    }
}
