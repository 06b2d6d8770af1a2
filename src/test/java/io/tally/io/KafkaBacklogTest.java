package io.tally.io;

import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatCode;

/** The lag reporter rides along in every Kafka client of a source: it must never fail one. */
class KafkaBacklogTest {
    @Test
    void theReporterIgnoresClientsThatAreNotASubtasksConsumer() {
        for (String clientId : new String[] {"src-1-enumerator-admin-client", "src-1-", "other-3", "src-1-7"}) {
            assertThatCode(() -> new KafkaBacklog.LagReporter().configure(
                    Map.of(KafkaBacklog.SOURCE_ID, "src-1", "client.id", clientId)))
                    .as(clientId).doesNotThrowAnyException();
        }
        assertThatCode(() -> new KafkaBacklog.LagReporter().configure(Map.of())).doesNotThrowAnyException();
    }
}
