package io.tally.connect;

import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * Writes lines to {@code DIR/<name>.part-<subtask>} (replay output; bounded and not transactional: a replay is run
 * again rather than recovered). {@link ReplayOutput} merges the parts into one sorted file.
 */
public class LineFileSink implements Sink<String> {
    private static final long serialVersionUID = 1L;

    private final String dir;
    private final String name;

    public LineFileSink(Path dir, String name) {
        this.dir = dir.toString();
        this.name = name;
    }

    @Override
    public SinkWriter<String> createWriter(WriterInitContext context) throws IOException {
        Path file = Paths.get(dir, name + ".part-" + context.getTaskInfo().getIndexOfThisSubtask());
        Files.createDirectories(file.getParent());
        BufferedWriter writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        return new SinkWriter<>() {
            @Override
            public void write(String line, Context ctx) throws IOException {
                writer.write(line);
                writer.write('\n');
            }

            @Override
            public void flush(boolean endOfInput) throws IOException {
                writer.flush();
            }

            @Override
            public void close() throws IOException {
                writer.close();
            }
        };
    }
}
