package io.tally.generate;

import io.tally.event.Stream;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class KafkaOutputTest {
    private static MockProducer<String, String> producer() {
        return new MockProducer<>(true, null, new StringSerializer(), new StringSerializer());
    }

    @Test
    void sendsEachRecordToItsStreamTopicKeyedByNaturalId() throws InterruptedException {
        MockProducer<String, String> producer = producer();
        try (KafkaOutput out = new KafkaOutput(producer, s -> "test." + s.wireName())) {
            assertThat(out.run(new Generator(new GeneratorSettings()), 5_000, 0)).isEqualTo(5_000);
            assertThat(out.sent()).isEqualTo(5_000);
        }
        List<ProducerRecord<String, String>> sent = producer.history();
        assertThat(sent).hasSize(5_000);
        Generator expected = new Generator(new GeneratorSettings());
        for (ProducerRecord<String, String> message : sent) {
            GeneratedRecord r = expected.next();
            assertThat(message.topic()).isEqualTo("test." + r.stream().wireName());
            assertThat(message.key()).isEqualTo(r.key()).isNotNull();
            assertThat(message.value()).isEqualTo(r.json());
        }
        assertThat(sent).extracting(ProducerRecord::topic).contains("test.products", "test.views", "test.clicks");
        assertThat(producer.closed()).isTrue();
    }

    @Test
    void stopEndsAnUnboundedRun() throws InterruptedException {
        MockProducer<String, String> producer = producer();
        AtomicReference<KafkaOutput> output = new AtomicReference<>();
        AtomicInteger calls = new AtomicInteger();
        // The topic function stops the output at its 1000th record: no timing involved.
        Function<Stream, String> topics = s -> {
            if (calls.incrementAndGet() == 1_000) output.get().stop();
            return s.defaultTopic();
        };
        try (KafkaOutput out = new KafkaOutput(producer, topics)) {
            output.set(out);
            assertThat(out.run(new Generator(new GeneratorSettings()), 0, 0)).isEqualTo(1_000);
            assertThat(out.run(new Generator(new GeneratorSettings()), 0, 0)).as("stopped for good").isZero();
        }
        assertThat(producer.history()).hasSize(1_000);
    }

    @Test
    void interruptEndsARun() {
        MockProducer<String, String> producer = producer();
        try (KafkaOutput out = new KafkaOutput(producer, Stream::defaultTopic)) {
            Thread.currentThread().interrupt();
            assertThatThrownBy(() -> out.run(new Generator(new GeneratorSettings()), 0, 0))
                    .isInstanceOf(InterruptedException.class);
            assertThat(Thread.interrupted()).as("the exception consumed the interrupt").isFalse();
        } finally {
            Thread.interrupted();
        }
        assertThat(producer.history()).isEmpty();
    }
}
