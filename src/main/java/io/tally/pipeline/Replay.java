package io.tally.pipeline;

import io.tally.config.TallyConfig;
import io.tally.connect.KafkaIo;
import io.tally.connect.LineFileSink;
import io.tally.connect.ReplayOutput;
import io.tally.event.Stream;
import io.tally.io.Json;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.FileUtils;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The replay command (CONTRACT section 7): the whole pipeline, bounded, over {@code IN/<stream>.jsonl}, writing
 * {@code OUT/<output>.jsonl} with final KPI records only. Outputs are sorted, so they depend neither on parallelism
 * nor on how fast each file is read.
 */
public final class Replay {
    /** The files a replay writes, always, even when empty. */
    public static final List<Stream> OUTPUTS = List.of(Stream.ATTRIBUTIONS, Stream.ATTRIBUTIONS_SHADOW, Stream.KPIS,
            Stream.ALERTS, Stream.DEAD_LETTERS);

    private Replay() {}

    /** Runs the replay with the wall clock as every record's arrival time; returns the records written per output. */
    public static Map<Stream, Long> run(Path input, Path output, TallyConfig config, int parallelism) throws Exception {
        return run(input, output, config, parallelism, System.currentTimeMillis());
    }

    /**
     * Runs the replay; returns the number of records written per output.
     *
     * @param now the arrival time of every record (a record stamped more than maxFutureSkew later is FUTURE)
     */
    public static Map<Stream, Long> run(Path input, Path output, TallyConfig config, int parallelism, long now)
            throws Exception {
        Path parts = Files.createTempDirectory("tally-replay-parts");
        try {
            StreamExecutionEnvironment env = Environments.create(config, Environments.Mode.REPLAY);
            if (parallelism > 0) env.setParallelism(parallelism);
            TallyPipeline.Outputs outputs = TallyPipeline.build(Job.ALL,
                    Ingest.replayFiles(env, input, now), config, false);
            if (outputs.kpis != null) {
                // Replay writes the final record of each window only: updates of open windows depend on timing.
                outputs.kpis = outputs.kpis.filter(k -> k.isFinal).name("Final KPI records").uid("kpi-final-only");
            }
            outputs.writeTo(new TallyPipeline.Sinks() {
                @Override
                public <T> void write(Stream stream, DataStream<T> records, KafkaIo.Field<T> key) {
                    records.map(Json::write).returns(Types.STRING)
                            .name("Format " + stream.wireName()).uid("format-" + stream.wireName())
                            .sinkTo(new LineFileSink(parts, stream.wireName()))
                            .name("Write " + stream.wireName()).uid("sink-" + stream.wireName());
                }
            });
            env.execute(config.job.name + "-replay");
            Map<Stream, Long> counts = new EnumMap<>(Stream.class);
            for (Stream s : OUTPUTS) counts.put(s, ReplayOutput.merge(parts, s.wireName(), output));
            return counts;
        } finally {
            FileUtils.deleteFileOrDirectory(parts.toFile());
        }
    }
}
