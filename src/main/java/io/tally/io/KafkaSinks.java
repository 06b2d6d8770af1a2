package io.tally.io;

import io.tally.config.TallyConfig;
import io.tally.event.Stream;
import io.tally.io.KafkaIo.Field;
import io.tally.pipeline.TallyPipeline;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.datastream.DataStream;

/**
 * Writes a job's outputs to their topics. Money (attributions) and everything derived once from it (alerts, dead
 * letters) is written exactly-once in Kafka transactions; KPI records are idempotent upserts keyed by
 * {@code dimension|key|windowStart|windowEnd} into a compacted topic, written at-least-once so that live values are
 * visible without waiting for a checkpoint: a record written twice after a failure holds the same value for the same
 * key, and the final record of a window is the last one written.
 */
public final class KafkaSinks implements TallyPipeline.Sinks {
    private final TallyConfig config;

    public KafkaSinks(TallyConfig config) {
        this.config = config;
    }

    @Override
    public <T> void write(Stream output, DataStream<T> records, Field<T> key, Field<T> json) {
        DeliveryGuarantee guarantee = output == Stream.KPIS ? DeliveryGuarantee.AT_LEAST_ONCE : DeliveryGuarantee.EXACTLY_ONCE;
        if (output == Stream.ATTRIBUTIONS) {
            // The KPI job reads this topic back with a watermark per partition: each partition must be in event-time
            // order, not an interleaving of the attribution tasks' (each ordered) outputs.
            int partitions = KafkaIo.partitions(config, output);
            records = records.keyBy(r -> KafkaIo.partitionOf(key.apply(r), partitions), Types.INT)
                    .process(new ReleaseInTimestampOrder<>(records.getType())).returns(records.getType())
                    .name("Order " + output.wireName() + " by ts per partition").uid("order-" + output.wireName());
        }
        records.sinkTo(KafkaIo.sink(config, output, key, json, guarantee))
                .name("Kafka " + config.topic(output)).uid("sink-" + output.wireName());
    }
}
