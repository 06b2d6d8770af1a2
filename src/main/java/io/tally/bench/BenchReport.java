package io.tally.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The figures of one benchmark run: the JSON report (field names as the issue gives them) and a table. */
public final class BenchReport {
    public long events;
    public int parallelism;
    public double passthroughEventsPerSec;
    public double tallyEventsPerSec;
    public double sqlEventsPerSec;
    public double latencyP50Ms;
    public double latencyP99Ms;
    public double latencyRateEventsPerSec;
    public double peakHeapMb;
    public long checkpointBytes;
    /** RocksDB keys read, keys written (puts, merges, deletes, timers included) and seeks per input record, tally phase. */
    public double stateOpsPerEvent;
    /** Full checkpoint size after 1, 2, 4 and 8 simulated days (keys are days). */
    public Map<String, Long> stateGrowthCheckpointBytes = new LinkedHashMap<>();
    /** What each throughput figure counts: input records read, and seconds from all tasks running to finished. */
    public Map<String, Object> details = new LinkedHashMap<>();

    public void write(Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(file.toFile(), this);
    }

    public String table() {
        StringBuilder t = new StringBuilder();
        t.append(String.format("%-34s %16s%n", "figure", "value"));
        row(t, "events", String.format("%,d", events));
        row(t, "parallelism", String.valueOf(parallelism));
        row(t, "passthroughEventsPerSec", rate(passthroughEventsPerSec));
        row(t, "tallyEventsPerSec", rate(tallyEventsPerSec));
        row(t, "sqlEventsPerSec", rate(sqlEventsPerSec));
        row(t, "tally / passthrough", ratio(tallyEventsPerSec, passthroughEventsPerSec) + "  (target >= 0.35)");
        row(t, "tally / sql", ratio(tallyEventsPerSec, sqlEventsPerSec) + "  (target >= 1)");
        row(t, "stateOpsPerEvent", String.format("%.2f", stateOpsPerEvent));
        row(t, "latencyRateEventsPerSec", rate(latencyRateEventsPerSec));
        row(t, "latencyP50Ms", String.format("%.0f", latencyP50Ms));
        row(t, "latencyP99Ms", String.format("%.0f", latencyP99Ms) + "  (target <= 1500)");
        row(t, "peakHeapMb", String.format("%.0f", peakHeapMb));
        row(t, "checkpointBytes", String.format("%,d", checkpointBytes));
        stateGrowthCheckpointBytes.forEach((day, bytes) ->
                row(t, "checkpointBytes after day " + day, String.format("%,d", bytes)));
        return t.toString();
    }

    private static void row(StringBuilder t, String name, String value) {
        t.append(String.format("%-34s %16s%n", name, value));
    }

    private static String rate(double perSecond) {
        return String.format("%,.0f", perSecond);
    }

    private static String ratio(double a, double b) {
        return b > 0 ? String.format("%.2f", a / b) : "-";
    }
}
