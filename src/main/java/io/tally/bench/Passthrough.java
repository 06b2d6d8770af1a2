package io.tally.bench;

import io.tally.config.TallyConfig;
import io.tally.connect.Admit;
import io.tally.connect.Ingested;
import io.tally.connect.KafkaIo;
import io.tally.connect.RecordReader;
import io.tally.core.DeadLetters;
import io.tally.event.Stream;
import io.tally.io.Json;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * The floor of the stack: every input topic read, each record parsed, validated and admitted as Tally does (dead
 * letters included), and written back as JSON to one topic, exactly once, at the same parallelism. No keyed state, no
 * shuffle: nothing that does real work on this stack can be faster.
 */
final class Passthrough {
    private Passthrough() {}

    static void build(StreamExecutionEnvironment env, TallyConfig config, String outputTopic) {
        long bound = config.time.watermarkBound.toMillis();
        DataStream<String> all = null;
        for (Stream stream : Stream.values()) {
            if (!stream.isInput()) continue;
            DataStream<String> json = parsedAsJson(env, config, stream, bound);
            all = all == null ? json : all.union(json);
        }
        TallyConfig out = BenchConfigs.copy(config);
        out.topics.put(Stream.DEAD_LETTERS.wireName(), outputTopic);
        all.sinkTo(KafkaIo.sink(out, Stream.DEAD_LETTERS, s -> null, s -> s, DeliveryGuarantee.EXACTLY_ONCE))
                .name("Kafka " + outputTopic).uid("sink-passthrough");
    }

    private static <T> DataStream<String> parsedAsJson(StreamExecutionEnvironment env, TallyConfig config,
                                                       Stream stream, long bound) {
        @SuppressWarnings("unchecked")
        Class<T> type = (Class<T>) RecordReader.recordType(stream);
        RecordReader<T> reader = new RecordReader<>(stream, type, config.time.maxFutureSkew.toMillis());
        DataStream<Ingested<T>> read = KafkaIo.source(env, config, stream, reader, bound, null, true);
        SingleOutputStreamOperator<T> parsed = Admit.apply(read, stream, type, bound, bound);
        DataStream<String> records = parsed.map(Json::write).returns(Types.STRING)
                .name("JSON " + stream.wireName()).uid("json-" + stream.wireName());
        DataStream<String> deadLetters = parsed.getSideOutput(DeadLetters.TAG).map(Json::write)
                .returns(Types.STRING).name("JSON dead letters " + stream.wireName())
                .uid("json-dead-letters-" + stream.wireName());
        return records.union(deadLetters);
    }
}
