package io.tally.connect;

import io.tally.event.Stream;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSource;
import org.apache.flink.connector.file.src.reader.StreamFormat;
import org.apache.flink.core.fs.FSDataInputStream;
import org.apache.flink.core.fs.Path;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.Arrays;
import javax.annotation.Nullable;

/**
 * Replay inputs: {@code IN/<stream>.jsonl}, one JSON object per line, blank lines skipped; a missing file is empty.
 * Lines end at {@code \n} (a {@code \r} before it is dropped, as JSON Lines allows) and reach the parser as bytes, not
 * decoded: a record that is not UTF-8 text gets the same dead letter as the same bytes read from Kafka. A file is one
 * split, read in file order by one reader: it stands for one partition (CONTRACT section 7), with its own
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
        private final RecordReader<T> reader;
        private final long now;

        Lines(RecordReader<T> reader, long now) {
            this.reader = reader;
            this.now = now;
        }

        @Override
        public Reader<Ingested<T>> createReader(Configuration config, FSDataInputStream stream, long fileLen,
                                                long splitEnd) {
            ByteLines lines = new ByteLines(stream);
            return new Reader<>() {
                @Nullable
                @Override
                public Ingested<T> read() throws IOException {
                    byte[] line;
                    do {
                        line = lines.next();
                    } while (line != null && ByteLines.isBlank(line));
                    return line == null ? null : reader.read(line, null, null, null, now);
                }

                @Override
                public void close() throws IOException {
                    stream.close();
                }
            };
        }

        @Override
        public Reader<Ingested<T>> restoreReader(Configuration config, FSDataInputStream stream, long restoredOffset,
                                                 long fileLen, long splitEnd) throws IOException {
            stream.seek(restoredOffset);
            return createReader(config, stream, fileLen, splitEnd);
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

    /** The lines of a stream as bytes, read through a buffer of their own. */
    static final class ByteLines {
        private final InputStream in;
        private final byte[] buffer = new byte[64 * 1024];
        private int pos;
        private int limit;
        private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);

        ByteLines(InputStream in) {
            this.in = in;
        }

        /** The next line without its line break, or null at the end of the stream. */
        @Nullable
        byte[] next() throws IOException {
            line.reset();
            while (true) {
                if (pos == limit) {
                    limit = in.read(buffer, 0, buffer.length);
                    pos = 0;
                    if (limit <= 0) {
                        limit = 0;
                        // A last line without a line break; nothing after a final '\n'.
                        return line.size() > 0 ? withoutCarriageReturn(line.toByteArray()) : null;
                    }
                }
                int start = pos;
                while (pos < limit && buffer[pos] != '\n') pos++;
                line.write(buffer, start, pos - start);
                if (pos < limit) {
                    pos++; // the '\n'
                    return withoutCarriageReturn(line.toByteArray());
                }
            }
        }

        private static byte[] withoutCarriageReturn(byte[] line) {
            return line.length > 0 && line[line.length - 1] == '\r' ? Arrays.copyOf(line, line.length - 1) : line;
        }

        /** Nothing but spaces, tabs and carriage returns (or nothing at all). */
        static boolean isBlank(byte[] line) {
            for (byte b : line) if (b != ' ' && b != '\t' && b != '\r') return false;
            return true;
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
