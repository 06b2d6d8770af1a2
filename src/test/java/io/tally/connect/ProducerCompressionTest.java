package io.tally.connect;

import io.tally.config.ConfigLoader;
import io.tally.config.TallyConfig;
import io.tally.event.Stream;
import io.tally.generate.KafkaOutput;
import io.tally.io.Json;
import io.tally.kpi.Kpi;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code kafka.compression} of a job file reaches every producer Tally writes with: the output sinks of both delivery
 * guarantees, as Kafka's producer reads its settings. (On a real broker: {@code ExampleConsumersTest} finds the
 * default's LZ4 batches in the KPI topic's log.)
 */
class ProducerCompressionTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {"none", "gzip", "snappy", "lz4", "zstd"})
    void theSinksOfAJobFileCompressAsItSays(String codec) throws Exception {
        TallyConfig config = load("kafka:\n  compression: " + codec + "\n");

        assertThat(KafkaIo.producerProperties(config)).containsEntry("compression.type", codec);
        for (DeliveryGuarantee guarantee : DeliveryGuarantee.values()) {
            KafkaSink<Kpi> sink = KafkaIo.sink(config, Stream.KPIS, Kpi::kafkaKey, Json::write, guarantee);
            Properties props = producerConfigOf(sink);
            // What the producer makes of it: Kafka validates the value and would refuse one it has no codec for.
            ProducerConfig producer = new ProducerConfig(withSerializers(props));
            assertThat(producer.getString(ProducerConfig.COMPRESSION_TYPE_CONFIG)).as(guarantee.name()).isEqualTo(codec);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "zstd"})
    void theDefaultIsLz4AndTheGeneratorFollowsTheFile(String codec) throws Exception {
        assertThat(KafkaIo.producerProperties(new TallyConfig())).containsEntry("compression.type", "lz4");
        assertThat(KafkaOutput.producerProperties("localhost:9092"))
                .containsEntry(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        TallyConfig config = load("kafka:\n  compression: " + codec + "\n");
        assertThat(KafkaOutput.producerPropertiesOf(config)).containsEntry(ProducerConfig.COMPRESSION_TYPE_CONFIG, codec);
    }

    private TallyConfig load(String yaml) throws IOException {
        Path file = dir.resolve("job.yaml");
        Files.writeString(file, yaml);
        return ConfigLoader.load(file, Map.of());
    }

    /** The producer settings the sink hands each of its Kafka producers (a private field of Flink's KafkaSink). */
    private static Properties producerConfigOf(KafkaSink<?> sink) throws ReflectiveOperationException {
        Field f = KafkaSink.class.getDeclaredField("kafkaProducerConfig");
        f.setAccessible(true);
        return (Properties) f.get(sink);
    }

    private static Properties withSerializers(Properties props) {
        Properties p = new Properties();
        p.putAll(props);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, "org.apache.kafka.common.serialization.ByteArraySerializer");
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, "org.apache.kafka.common.serialization.ByteArraySerializer");
        return p;
    }
}
