package io.tally.local;

import io.tally.config.TallyConfig;
import io.tally.event.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;

/** The topics of every stream of the contract, with the settings Tally needs. */
public final class Topics {

    private Topics() {}

    /**
     * One topic per {@link Stream}, named by {@code config.topic(stream)}, with {@code partitions} partitions and
     * the broker's default replication factor. The KPI topic is compacted: its key is the window's upsert key, so
     * compaction keeps the latest value of each window. Input topics are not compacted: versioned streams are read
     * "as of" event time and need every version.
     *
     * @throws IllegalArgumentException if two streams are configured with the same topic
     */
    public static List<NewTopic> plan(TallyConfig config, int partitions) {
        if (partitions < 1) throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
        Map<String, Stream> streamOfTopic = new LinkedHashMap<>();
        List<NewTopic> topics = new ArrayList<>();
        for (Stream stream : Stream.values()) {
            String name = config.topic(stream);
            Stream other = streamOfTopic.putIfAbsent(name, stream);
            if (other != null) {
                throw new IllegalArgumentException("streams '" + other.wireName() + "' and '" + stream.wireName()
                        + "' are both configured with topic '" + name + "'");
            }
            NewTopic topic = new NewTopic(name, Optional.of(partitions), Optional.empty());
            if (stream == Stream.KPIS) {
                topic.configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
            } else if (stream.isInput()) {
                // The broker stamps each record as it arrives, so a FUTURE ts is judged against the true arrival
                // time even when a producer sets CreateTime to the event's ts (which would void the check).
                topic.configs(Map.of(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime"));
            }
            topics.add(topic);
        }
        return topics;
    }

    /**
     * Creates the topics of {@link #plan}. Idempotent: a topic that already exists is left as it is.
     *
     * @return the names of the topics this call created (empty when all existed)
     */
    public static List<String> createAll(Admin admin, TallyConfig config, int partitions) {
        Map<String, KafkaFuture<Void>> results = admin.createTopics(plan(config, partitions)).values();
        List<String> created = new ArrayList<>();
        for (Map.Entry<String, KafkaFuture<Void>> result : results.entrySet()) {
            try {
                result.getValue().get();
                created.add(result.getKey());
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw new IllegalStateException("cannot create topic '" + result.getKey() + "': "
                            + e.getCause().getMessage(), e.getCause());
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while creating topics", e);
            }
        }
        return created;
    }
}
