package io.tally.connect;

import io.tally.config.ConfigLoader;
import io.tally.config.TallyConfig;
import io.tally.event.Stream;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Function;

/** Kafka sources and sinks of the jobs, configured from {@link TallyConfig}. */
public final class KafkaIo {
    private KafkaIo() {}

    /** A serializable function from a record to its Kafka key or JSON value. */
    public interface Field<T> extends Function<T, String>, Serializable {}

    /**
     * The records of one stream's topic, each parsed where it is read, with a watermark per partition (see
     * {@link PartitionWatermarks}; a partition goes idle only once its consumer has read all it holds). Reads committed
     * records only (Tally's own outputs are written in transactions), starts from the group's committed offsets or
     * else {@code kafka.startingOffsets}, and never fails on a record. A record's arrival time, against which a FUTURE
     * ts is judged, is its Kafka timestamp.
     *
     * @param bounded stop at the offsets the topic had when the job started (the benchmark's runs over preloaded
     *                topics end on their own)
     */
    public static <T> DataStream<Ingested<T>> source(StreamExecutionEnvironment env, TallyConfig config, Stream stream,
                                                     RecordReader<T> reader, long watermarkBoundMs, Duration idleness,
                                                     boolean bounded) {
        String topic = config.topic(stream);
        Properties props = ConfigLoader.kafkaClientProperties(config);
        props.setProperty("isolation.level", "read_committed");
        props.setProperty("partition.discovery.interval.ms", "60000");
        // Unique per source of this job graph: consumers and watermark generators of the same source meet under it.
        String sourceId = config.kafka.groupId + "-" + stream.wireName() + "-" + UUID.randomUUID();
        KafkaBacklog backlog = new KafkaBacklog(sourceId);
        backlog.configure(props);
        OffsetResetStrategy reset = "latest".equals(config.kafka.startingOffsets)
                ? OffsetResetStrategy.LATEST : OffsetResetStrategy.EARLIEST;
        KafkaSourceBuilder<Ingested<T>> builder = KafkaSource.<Ingested<T>>builder()
                .setProperties(props)
                .setTopics(topic)
                .setGroupId(config.kafka.groupId)
                .setStartingOffsets(OffsetsInitializer.committedOffsets(reset))
                .setDeserializer(new IngestingDeserializer<>(reader));
        if (bounded) builder.setBounded(OffsetsInitializer.latest());
        return env.fromSource(builder.build(), new PartitionWatermarks<>(watermarkBoundMs, idleness, backlog),
                        "Kafka " + topic)
                .uid("source-" + stream.wireName());
    }

    /** Parses each record as it is read; never throws. */
    static final class IngestingDeserializer<T> implements KafkaRecordDeserializationSchema<Ingested<T>> {
        private static final long serialVersionUID = 1L;
        private final RecordReader<T> reader;

        IngestingDeserializer(RecordReader<T> reader) {
            this.reader = reader;
        }

        @Override
        public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<Ingested<T>> out) {
            byte[] value = record.value() == null ? new byte[0] : record.value();
            long arrival = record.timestamp() < 0 ? RecordReader.UNKNOWN_ARRIVAL : record.timestamp();
            out.collect(reader.read(value, record.topic(), record.partition(), record.offset(), arrival));
        }

        @Override
        public TypeInformation<Ingested<T>> getProducedType() {
            return reader.producedType();
        }
    }

    /**
     * A sink writing each record as JSON to the stream's topic, keyed by {@code key}. EXACTLY_ONCE sinks write in
     * Kafka transactions committed on checkpoints (readers must use read_committed); AT_LEAST_ONCE is for upserts
     * (KPIs), where a record written twice changes nothing.
     */
    public static <T> KafkaSink<T> sink(TallyConfig config, Stream stream, Field<T> key, Field<T> json,
                                        DeliveryGuarantee guarantee) {
        String topic = config.topic(stream);
        return KafkaSink.<T>builder()
                .setKafkaProducerConfig(producerProperties(config))
                .setRecordSerializer(new JsonRecordSerializer<>(topic, key, json))
                .setDeliveryGuarantee(guarantee)
                .setTransactionalIdPrefix(config.kafka.transactionalIdPrefix + "-" + stream.wireName())
                .build();
    }

    /**
     * The settings of every producer Tally writes its outputs with: the client properties ({@code bootstrap.servers},
     * {@code kafka.properties}), the transaction timeout of the exactly-once sinks, {@code compression.type} from
     * {@code kafka.compression} (consumers need its codec) and a short linger so that batches fill.
     */
    public static Properties producerProperties(TallyConfig config) {
        Properties props = ConfigLoader.kafkaClientProperties(config);
        props.setProperty("transaction.timeout.ms", String.valueOf(config.kafka.transactionTimeout.toMillis()));
        props.setProperty("compression.type", config.kafka.compression.kafkaName());
        props.setProperty("linger.ms", "20");
        return props;
    }

    /**
     * The partition Kafka's producer picks for a record with this key ({@code murmur2(key) mod partitions}, its
     * built-in partitioner for keyed records); a record without a key gets partition 0.
     */
    public static int partitionOf(String key, int partitions) {
        if (key == null) return 0;
        return org.apache.kafka.common.utils.Utils.toPositive(
                org.apache.kafka.common.utils.Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
    }

    /** How many partitions the stream's topic has; fails, naming the topic, if it cannot be described. */
    public static int partitions(TallyConfig config, Stream stream) {
        String topic = config.topic(stream);
        try (org.apache.kafka.clients.admin.Admin admin =
                     org.apache.kafka.clients.admin.Admin.create(ConfigLoader.kafkaClientProperties(config))) {
            // A topic created a moment ago may not be known to every broker yet: ask again for a few seconds.
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(15);
            while (true) {
                try {
                    return admin.describeTopics(List.of(topic)).allTopicNames()
                            .get(60, java.util.concurrent.TimeUnit.SECONDS).get(topic).partitions().size();
                } catch (java.util.concurrent.ExecutionException e) {
                    if (!(e.getCause() instanceof org.apache.kafka.common.errors.UnknownTopicOrPartitionException)
                            || System.nanoTime() > deadline) {
                        throw e;
                    }
                    Thread.sleep(200);
                }
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot describe topic '" + topic + "' (" + stream.wireName()
                    + ") at " + config.kafka.bootstrapServers + ": create it before the job starts", e);
        }
    }

    static final class JsonRecordSerializer<T> implements KafkaRecordSerializationSchema<T> {
        private static final long serialVersionUID = 1L;
        private final String topic;
        private final Field<T> key;
        private final Field<T> json;

        JsonRecordSerializer(String topic, Field<T> key, Field<T> json) {
            this.topic = topic;
            this.key = key;
            this.json = json;
        }

        @Override
        public ProducerRecord<byte[], byte[]> serialize(T element, KafkaSinkContext context, Long timestamp) {
            String k = key.apply(element);
            // The record's event time becomes the Kafka timestamp, so a job reading the topic sees event time.
            return new ProducerRecord<>(topic, null, timestamp,
                    k == null ? null : k.getBytes(StandardCharsets.UTF_8),
                    json.apply(element).getBytes(StandardCharsets.UTF_8));
        }
    }

}
