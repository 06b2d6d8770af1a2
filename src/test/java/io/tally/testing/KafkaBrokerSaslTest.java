package io.tally.testing;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The broker's extra properties are enough for a SASL-protected broker, transactions included. */
class KafkaBrokerSaslTest {
    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker().withSaslPlain("tally", "tally-secret");

    @Test
    void authenticatedClientsProduceTransactionallyAndRead() {
        KAFKA.createTopics("secured");
        Map<String, Object> props = KAFKA.clientProperties();
        props.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "sasl-test");
        try (KafkaProducer<String, String> producer =
                     new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(new ProducerRecord<>("secured", "v1"));
            producer.commitTransaction();
        }

        assertThat(KAFKA.readCommitted("secured", 1, Duration.ofSeconds(30)))
                .extracting(ConsumerRecord::value).containsExactly("v1");
    }

    @Test
    void aWrongPasswordIsRefused() {
        Map<String, Object> props = KAFKA.clientProperties();
        props.put("sasl.jaas.config", KafkaBroker.plainLogin("tally", "wrong"));
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000);
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10_000);
        try (Admin admin = Admin.create(props)) {
            assertThat(admin.listTopics().names()).failsWithin(Duration.ofSeconds(15))
                    .withThrowableOfType(Exception.class)
                    .withCauseInstanceOf(SaslAuthenticationException.class);
        }
    }
}
