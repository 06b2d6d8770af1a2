package io.tally.io;

import io.tally.event.Stream;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.connector.file.src.reader.TextLineInputFormat;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import javax.annotation.Nullable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;

/**
 * Replay inputs: {@code IN/<stream>.jsonl}, one JSON object per line, blank lines skipped; a missing file is empty. A
 * file is one split, read in file order by one reader: it stands for one partition (CONTRACT section 7), with its own
 * watermark and lateness, so that results depend neither on parallelism nor on how fast each file is read.
 */
public final class ReplayFiles {
    private ReplayFiles() {}

    /**
     * @param now the arrival time of every record, against which a FUTURE ts is judged (the wall clock when the
     *            replay starts, or {@code --now})
     */
    public static <T> DataStream<Ingested<T>> source(StreamExecutionEnvironment env, java.nio.file.Path inputDir,
                                                     RecordReader<T> reader, long watermarkBoundMs, long now) {
        Stream stream = reader.stream();
        java.nio.file.Path file = inputDir.resolve(stream.wireName() + ".jsonl");
        if (!Files.isRegularFile(file)) {
            file = emptyFile(stream); // same graph whether or not the file exists
        }
        FileSource<Ingested<T>> source = FileSource.forRecordStreamFormat(new Lines<>(reader, now),
                Path.fromLocalFile(file.toFile())).build();
        return env.fromSource(source, PartitionWatermarks.neverIdle(watermarkBoundMs), "Read " + file.getFileName())
                .uid("source-" + stream.wireName()).setParallelism(1);
    }

    /** The non-blank lines of a file, each read by the stream's {@link RecordReader}. */
    static final class Lines<T> implements StreamFormat<Ingested<T>> {
        private static final long serialVersionUID = 1L;
        private final TextLineInputFormat text = new TextLineInputFormat();
        private final RecordReader<T> reader;
        private final long now;

        Lines(RecordReader<T> reader, long now) {
            this.reader = reader;
            this.now = now;
        }

        @Override
        public Reader<Ingested<T>> createReader(Configuration config, FSDataInputStream stream, long fileLen,
                                                long splitEnd) throws IOException {
            return read(text.createReader(config, stream, fileLen, splitEnd));
        }

        @Override
        public Reader<Ingested<T>> restoreReader(Configuration config, FSDataInputStream stream, long restoredOffset,
                                                 long fileLen, long splitEnd) throws IOException {
            return read(text.restoreReader(config, stream, restoredOffset, fileLen, splitEnd));
        }

        private Reader<Ingested<T>> read(Reader<String> lines) {
            return new Reader<>() {
                @Nullable
                @Override
                public Ingested<T> read() throws IOException {
                    String line;
                    do {
                        line = lines.read();
                    } while (line != null && line.isBlank());
                    if (line == null) return null;
                    return reader.read(line.getBytes(StandardCharsets.UTF_8), null, null, null, now);
                }

                @Override
                public void close() throws IOException {
                    lines.close();
                }
            };
        }

        @Override
        public boolean isSplittable() {
            return false;
        }

        @Override
        public TypeInformation<Ingested<T>> getProducedType() {
            return reader.producedType();
        }
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
