package io.tally.pipeline;

import io.tally.config.TallyConfig;
import io.tally.connect.KafkaIo.Field;
import io.tally.connect.KafkaIo;
import io.tally.connect.OrderByPartition;
import io.tally.event.Stream;
import io.tally.io.Json;
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
    public <T> void write(Stream output, DataStream<T> records, Field<T> key) {
        DeliveryGuarantee guarantee = output == Stream.KPIS ? DeliveryGuarantee.AT_LEAST_ONCE : DeliveryGuarantee.EXACTLY_ONCE;
        if (output == Stream.ATTRIBUTIONS || output == Stream.KPIS) {
            // The jobs downstream read these topics back with a watermark per partition: each partition must be in
            // event-time order, not an interleaving of the upstream tasks' (each ordered) outputs.
            records = OrderByPartition.apply(records, KafkaIo.partitions(config, output), key,
                    "Order " + output.wireName() + " by ts per partition", "order-" + output.wireName());
        }
        records.sinkTo(KafkaIo.sink(config, output, key, Json::write, guarantee))
                .name("Kafka " + config.topic(output)).uid("sink-" + output.wireName());
    }
}
