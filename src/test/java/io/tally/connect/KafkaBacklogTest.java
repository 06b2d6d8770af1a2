package io.tally.connect;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.Metrics;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/**
 * What a source's consumers tell its watermark generators: a partition is caught up when nothing is left in the log
 * past the consumer's position and the generator has seen the last record the consumer fetched.
 */
class KafkaBacklogTest {
    private final Metrics metrics = new Metrics();
    private final Map<Integer, Double> lags = new HashMap<>();

    @Test
    void theReporterAndTheInterceptorIgnoreClientsThatAreNotASubtasksConsumer() {
        for (String clientId : new String[] {"src-1-enumerator-admin-client", "src-1-", "other-3", "src-1-7"}) {
            Map<String, String> configs = Map.of(KafkaBacklog.SOURCE_ID, "src-1", "client.id", clientId);
            assertThatCode(() -> new KafkaBacklog.LagReporter().configure(configs)).as(clientId).doesNotThrowAnyException();
            assertThatCode(() -> {
                KafkaBacklog.FetchedOffsets interceptor = new KafkaBacklog.FetchedOffsets();
                interceptor.configure(configs);
                interceptor.onConsume(records(0, 0, 1));
            }).as(clientId).doesNotThrowAnyException();
        }
        assertThatCode(() -> new KafkaBacklog.LagReporter().configure(Map.of())).doesNotThrowAnyException();
    }

    @Test
    void aPartitionWithoutLagIsNotCaughtUpBeforeItsGeneratorSawTheLastFetchedRecord() {
        KafkaBacklog.Partitions partitions = consumer("src-2", 0);
        lag(partitions, 0, 0);
        interceptor("src-2", 0).onConsume(records(0, 30, 41));
        // The consumer's position is at the end, but records 31 to 41 still wait in the source's queues.
        assertThat(partitions.caughtUp(0, 30)).isFalse();
        assertThat(partitions.caughtUp(0, 41)).isTrue();
    }

    @Test
    void aPartitionWithLagIsNotCaughtUpWhateverItsGeneratorSaw() {
        KafkaBacklog.Partitions partitions = consumer("src-3", 0);
        lag(partitions, 0, 12);
        interceptor("src-3", 0).onConsume(records(0, 0, 5));
        assertThat(partitions.caughtUp(0, 5)).isFalse();
    }

    @Test
    void aPartitionNoGeneratorClaimedIsNotCaughtUpOnceRecordsOfItWereFetched() {
        KafkaBacklog.Partitions partitions = consumer("src-4", 0);
        lag(partitions, 0, 0);
        lag(partitions, 1, 0);
        assertThat(partitions.caughtUpExcept(Set.of(0))).as("partition 1 empty").isTrue();
        interceptor("src-4", 0).onConsume(records(1, 0, 3));
        assertThat(partitions.caughtUpExcept(Set.of(0))).as("partition 1 fetched, its generator saw nothing").isFalse();
        assertThat(partitions.caughtUpExcept(Set.of(0, 1))).as("once claimed, its generator answers for it").isFalse();
    }

    @Test
    void aNewConsumerOfTheSubtaskForgetsWhatTheOldOneFetched() {
        KafkaBacklog.Partitions partitions = consumer("src-5", 1);
        lag(partitions, 2, 0);
        interceptor("src-5", 1).onConsume(records(2, 0, 99));
        assertThat(partitions.caughtUp(2, 10)).isFalse();
        interceptor("src-5", 1); // the task restarts from a checkpoint before offset 99
        assertThat(partitions.caughtUp(2, 10)).isTrue();
    }

    // ---- helpers ----

    private static KafkaBacklog.Partitions consumer(String source, int subtask) {
        return KafkaBacklog.partitions(source, subtask);
    }

    private static KafkaBacklog.FetchedOffsets interceptor(String source, int subtask) {
        KafkaBacklog.FetchedOffsets interceptor = new KafkaBacklog.FetchedOffsets();
        interceptor.configure(Map.of(KafkaBacklog.SOURCE_ID, source, "client.id", source + "-" + subtask));
        return interceptor;
    }

    /** The consumer's records-lag metric of the partition, reading {@code lag}. */
    private void lag(KafkaBacklog.Partitions partitions, int partition, double lag) {
        lags.put(partition, lag);
        MetricName name = metrics.metricName("records-lag", "consumer-fetch-manager-metrics",
                Map.of("partition", String.valueOf(partition), "topic", "t" + partitions.hashCode()));
        metrics.addMetric(name, (Gauge<Double>) (config, now) -> lags.get(partition));
        partitions.lag.put(partition, metrics.metric(name));
    }

    private static ConsumerRecords<byte[], byte[]> records(int partition, long from, long to) {
        TopicPartition tp = new TopicPartition("t", partition);
        List<ConsumerRecord<byte[], byte[]>> list = new ArrayList<>();
        for (long o = from; o <= to; o++) list.add(new ConsumerRecord<>("t", partition, o, new byte[0], new byte[0]));
        return new ConsumerRecords<>(Map.of(tp, list), Map.of());
    }
}
