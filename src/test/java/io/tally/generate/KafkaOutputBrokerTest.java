package io.tally.generate;

import io.tally.config.TallyConfig;
import io.tally.event.Stream;
import io.tally.local.Topics;
import io.tally.testing.KafkaBroker;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The producer settings work against a real broker: every record arrives on its stream's topic, keyed. */
class KafkaOutputBrokerTest {
    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    private static final int EVENTS = 3_000;

    @Test
    void recordsArriveOnTheConfiguredTopics() {
        TallyConfig config = new TallyConfig();
        config.kafka.bootstrapServers = KAFKA.bootstrapServers();
        config.topics.put(Stream.VIEWS.wireName(), "demo.views");
        // As tally local does: every topic exists before the first record (no auto-creation).
        Topics.createAll(KAFKA.admin(), config, 3);

        try (KafkaOutput out = KafkaOutput.create(config)) {
            assertThat(out.run(new Generator(new GeneratorSettings()), EVENTS, 0)).isEqualTo(EVENTS);
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }

        Map<Stream, Integer> expected = new EnumMap<>(Stream.class);
        Generator same = new Generator(new GeneratorSettings());
        for (int i = 0; i < EVENTS; i++) expected.merge(same.next().stream(), 1, Integer::sum);
        List<ConsumerRecord<String, String>> views = KAFKA.readAll("demo.views");
        assertThat(views).hasSize(expected.get(Stream.VIEWS))
                .allSatisfy(m -> assertThat(m.value()).contains("\"userId\":\"" + m.key() + "\""));
        assertThat(views).extracting(ConsumerRecord::partition).containsOnly(0, 1, 2);
        assertThat(KAFKA.readAll("tally.products")).hasSize(expected.get(Stream.PRODUCTS))
                .allSatisfy(m -> assertThat(m.value()).startsWith("{\"productId\":\"" + m.key() + "\""));
    }
}
