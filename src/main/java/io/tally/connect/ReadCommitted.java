package io.tally.connect;

import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reading topics as a downstream system sees them: only records of committed transactions
 * ({@code isolation.level=read_committed}), from the beginning, without a consumer group.
 */
public final class ReadCommitted {
    private static final Duration POLL = Duration.ofMillis(200);

    private ReadCommitted() {}

    /** Consumer properties: the given client properties (bootstrap servers, security) plus read_committed. */
    public static Map<String, Object> consumerProperties(Map<String, Object> clientProperties) {
        Map<String, Object> p = new LinkedHashMap<>(clientProperties);
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        return p;
    }

    /**
     * Assigns every partition of those of {@code topics} that exist, positioned at their beginning; a missing topic
     * is skipped (it has nothing to read). Returns the assigned partitions.
     */
    public static List<TopicPartition> assignFromBeginning(Consumer<?, ?> consumer, Collection<String> topics,
                                                           Duration timeout) {
        Map<String, List<PartitionInfo>> existing = consumer.listTopics(timeout);
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            for (PartitionInfo p : existing.getOrDefault(topic, List.of())) {
                partitions.add(new TopicPartition(p.topic(), p.partition()));
            }
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return partitions;
    }

    /**
     * Polls the consumer's assigned partitions until its position reaches, in every one, the end offset seen when
     * the call began. With read_committed that end is the last stable offset: everything below it is decided
     * (committed or aborted), so the drain cannot wait on an open transaction. Records go to {@code sink} in poll
     * order. Returns false if the timeout passed first.
     */
    public static <K, V> boolean drain(Consumer<K, V> consumer, Duration timeout,
                                       java.util.function.Consumer<ConsumerRecord<K, V>> sink) {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<TopicPartition, Long> ends = consumer.endOffsets(consumer.assignment(), timeout);
        while (!reached(consumer, ends)) {
            long left = deadline - System.nanoTime();
            if (left <= 0) return false;
            Duration poll = Duration.ofNanos(Math.min(left, POLL.toNanos()));
            for (ConsumerRecord<K, V> record : consumer.poll(poll)) sink.accept(record);
        }
        return true;
    }

    private static boolean reached(Consumer<?, ?> consumer, Map<TopicPartition, Long> ends) {
        for (Map.Entry<TopicPartition, Long> end : ends.entrySet()) {
            if (consumer.position(end.getKey()) < end.getValue()) return false;
        }
        return true;
    }
}
