package io.tally.io;

import io.tally.event.Stream;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.reader.TextLineInputFormat;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Replay inputs: {@code IN/<stream>.jsonl}, one JSON object per line, blank lines skipped; a missing file is empty. */
public final class ReplayFiles {
    private ReplayFiles() {}

    /**
     * The raw records of one stream's file, read in file order by a single reader (a file is one split), so that the
     * stream's order, and with it lateness, does not depend on parallelism.
     */
    public static DataStream<RawRecord> source(StreamExecutionEnvironment env, java.nio.file.Path inputDir, Stream stream) {
        java.nio.file.Path file = inputDir.resolve(stream.wireName() + ".jsonl");
        if (!Files.isRegularFile(file)) {
            file = emptyFile(stream); // same graph whether or not the file exists
        }
        FileSource<String> source = FileSource.forRecordStreamFormat(new TextLineInputFormat(), Path.fromLocalFile(file.toFile()))
                .build();
        return env.fromSource(source, WatermarkStrategy.noWatermarks(), "Read " + file.getFileName())
                .uid("source-" + stream.wireName()).setParallelism(1)
                .filter(line -> !line.isBlank()).name("Skip blank lines").setParallelism(1)
                .map(line -> RawRecord.ofLine(line.getBytes(StandardCharsets.UTF_8)))
                .returns(RawRecord.class).name("To raw record").setParallelism(1);
    }


    private static java.nio.file.Path emptyFile(Stream stream) {
        try {
            java.nio.file.Path empty = Files.createTempFile("tally-empty-" + stream.wireName(), ".jsonl");
            empty.toFile().deleteOnExit();
            return empty;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
