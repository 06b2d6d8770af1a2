package io.tally.connect;

import org.apache.flink.api.common.eventtime.WatermarkGeneratorSupplier;
import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.metrics.KafkaMetric;
import org.apache.kafka.common.metrics.MetricsReporter;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The backlog of each partition a Kafka source reads, from its consumers' own {@code records-lag} metric: the last
 * stable offset (read_committed) minus the consumer's position, as of its latest fetch. That position already steps
 * over transaction markers and aborted records, so a caught-up partition reads 0.
 *
 * <p>A lag of 0 is not enough: the consumer may have fetched a partition's records while the source still holds them
 * in its queues, behind another partition's. So the consumers also note the offset of the last record they hand to
 * the source ({@link FetchedOffsets}, a consumer interceptor), and a partition is caught up only once its watermark
 * generator has seen that record too.
 *
 * <p>The source's consumers carry {@link LagReporter} in {@code metric.reporters} and {@link FetchedOffsets} in
 * {@code interceptor.classes}; they file what they know in a registry of this JVM under the source's id and the
 * consumer's subtask, where the watermark generators of the same source task look it up. A partition no fetch has
 * answered yet has no metric, and counts as not caught up.
 */
public final class KafkaBacklog implements PartitionWatermarks.Backlog {
    private static final long serialVersionUID = 1L;

    /** Consumer property naming the source a consumer reads for (passed on to the reporter). */
    public static final String SOURCE_ID = "tally.backlog.source";
    /** Variable of a task's metric group that holds its subtask index. */
    private static final String SUBTASK_INDEX = "<subtask_index>";

    /** Partition lag metrics of each source's consumers in this JVM, by source id and subtask index. */
    private static final Map<String, Map<Integer, Partitions>> SOURCES = new ConcurrentHashMap<>();

    private final String sourceId;

    /** @param sourceId unique per source of a job (several jobs may share a TaskManager) */
    public KafkaBacklog(String sourceId) {
        this.sourceId = sourceId;
    }

    /**
     * The consumer properties that make a source's consumers report their lag and fetched offsets here; sets
     * {@code client.id.prefix} to the source id, so that each consumer's client id ({@code prefix-subtask}, Flink's
     * choice) names its subtask.
     */
    public void configure(java.util.Properties consumerProperties) {
        append(consumerProperties, "metric.reporters", LagReporter.class);
        append(consumerProperties, "interceptor.classes", FetchedOffsets.class);
        consumerProperties.setProperty(SOURCE_ID, sourceId);
        consumerProperties.setProperty("client.id.prefix", sourceId);
    }

    private static void append(java.util.Properties properties, String key, Class<?> type) {
        String classes = properties.getProperty(key, "").trim();
        properties.setProperty(key, classes.isEmpty() ? type.getName() : classes + "," + type.getName());
    }

    @Override
    public PartitionWatermarks.Probe open(WatermarkGeneratorSupplier.Context context) {
        String index = context.getMetricGroup().getAllVariables().get(SUBTASK_INDEX);
        if (index == null) throw new IllegalStateException("no " + SUBTASK_INDEX + " in the source's metric group");
        Partitions partitions = partitions(sourceId, Integer.parseInt(index));
        Set<Integer> claimed = ConcurrentHashMap.newKeySet();
        return new PartitionWatermarks.Probe() {
            @Override
            public void claim(int partition) {
                claimed.add(partition);
            }

            @Override
            public boolean caughtUp(Integer partition, long lastOffset) {
                return partition == null ? partitions.caughtUpExcept(claimed) : partitions.caughtUp(partition, lastOffset);
            }
        };
    }

    static Partitions partitions(String sourceId, int subtask) {
        return SOURCES.computeIfAbsent(sourceId, id -> new ConcurrentHashMap<>())
                .computeIfAbsent(subtask, s -> new Partitions());
    }

    /**
     * What one source task's consumer knows of its partitions: the lag of each (nothing left in the log past its
     * position) and the offset of the last record it handed to the source. A lag of 0 alone does not make a partition
     * caught up: the source may still hold fetched records of it in its queues, behind another partition's.
     */
    static final class Partitions {
        final Map<Integer, KafkaMetric> lag = new ConcurrentHashMap<>();
        final Map<Integer, Long> fetched = new ConcurrentHashMap<>();

        boolean caughtUp(int partition, long lastOffset) {
            KafkaMetric m = lag.get(partition);
            Long last = fetched.get(partition);
            return m != null && isZero(m) && (last == null || lastOffset >= last);
        }

        /**
         * For a partition not known by number: whether every partition of the task with a metric, except those its
         * generators already claimed, has nothing waiting and nothing fetched (its generator would have claimed it
         * had it emitted any), and at least one has answered a fetch.
         */
        boolean caughtUpExcept(Set<Integer> claimed) {
            boolean any = false;
            for (Map.Entry<Integer, KafkaMetric> e : lag.entrySet()) {
                if (claimed.contains(e.getKey())) continue;
                if (!isZero(e.getValue()) || fetched.containsKey(e.getKey())) return false;
                any = true;
            }
            return any;
        }

        private static boolean isZero(KafkaMetric m) {
            Object v = m.metricValue();
            return v instanceof Number && ((Number) v).doubleValue() <= 0;
        }
    }

    /**
     * Records, for each partition, the offset of the last record the consumer hands to the source, under the
     * consumer's source id and subtask index. A new consumer (a task starting or restarting) starts afresh: what an
     * earlier one fetched is gone with its queues.
     */
    public static final class FetchedOffsets implements ConsumerInterceptor<byte[], byte[]> {
        private Partitions partitions;

        @Override
        public void configure(Map<String, ?> configs) {
            partitions = partitionsOf(configs);
            if (partitions != null) partitions.fetched.clear();
        }

        @Override
        public ConsumerRecords<byte[], byte[]> onConsume(ConsumerRecords<byte[], byte[]> records) {
            if (partitions == null) return records;
            for (TopicPartition tp : records.partitions()) {
                List<ConsumerRecord<byte[], byte[]>> of = records.records(tp);
                if (!of.isEmpty()) partitions.fetched.merge(tp.partition(), of.get(of.size() - 1).offset(), Math::max);
            }
            return records;
        }

        @Override
        public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {}

        @Override
        public void close() {}
    }

    /**
     * The partitions of the consumer these client settings configure, or null for the source's other clients (its
     * enumerator's admin client, "<prefix>-enumerator-admin-client"): only a consumer of a subtask
     * ("<prefix>-<subtask>") reports anything, and a reporter never fails the client it reports for.
     */
    private static Partitions partitionsOf(Map<String, ?> configs) {
        Object source = configs.get(SOURCE_ID);
        Object client = configs.get("client.id");
        if (source == null || client == null || !client.toString().startsWith(source + "-")) return null;
        String subtask = client.toString().substring(source.toString().length() + 1);
        if (subtask.isEmpty() || !subtask.chars().allMatch(Character::isDigit)) return null;
        return partitions(source.toString(), Integer.parseInt(subtask));
    }

    /** Files each consumer's partition {@code records-lag} metrics under its source id and subtask index. */
    public static final class LagReporter implements MetricsReporter {
        private Partitions partitions;

        @Override
        public void configure(Map<String, ?> configs) {
            partitions = partitionsOf(configs);
        }

        @Override
        public void init(List<KafkaMetric> metrics) {
            metrics.forEach(this::metricChange);
        }

        @Override
        public void metricChange(KafkaMetric metric) {
            Integer partition = partitionLag(metric);
            if (partition != null && partitions != null) partitions.lag.put(partition, metric);
        }

        @Override
        public void metricRemoval(KafkaMetric metric) {
            Integer partition = partitionLag(metric);
            if (partition != null && partitions != null) partitions.lag.remove(partition, metric);
        }

        @Override
        public void close() {
            // Metrics are removed one by one as the consumer closes; the (small) task entry stays for a restart.
        }

        private static Integer partitionLag(KafkaMetric metric) {
            if (!"records-lag".equals(metric.metricName().name())) return null;
            String partition = metric.metricName().tags().get("partition");
            return partition == null ? null : Integer.valueOf(partition);
        }
    }
}
