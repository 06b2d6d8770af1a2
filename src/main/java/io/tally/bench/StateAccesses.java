package io.tally.bench;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.metrics.Histogram;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

import java.util.Map;
import java.util.Properties;

/**
 * A metric reporter of the benchmark's MiniCluster (same JVM): counts the keyed state accesses of each job's operators
 * (gets, puts, appends, updates, removes, clears, iterators opened), read off the histograms of Flink's own state
 * access tracking ({@link #TRACK_ACCESSES}). Flink samples at most every second access (an interval of 1 samples
 * none), so each sample stands for two, within one access per state and kind. Steps within an iteration are not
 * counted: an iterator costs one seek, then reads on.
 */
public final class StateAccesses implements MetricReporter, MetricReporterFactory {
    private static final int SAMPLE_INTERVAL = 2;

    /** The job options that make Flink time, and so count, every second keyed state access. */
    public static final Map<String, String> TRACK_ACCESSES = Map.of(
            "state.latency-track.keyed-state-enabled", "true",
            "state.latency-track.sample-interval", String.valueOf(SAMPLE_INTERVAL),
            "state.latency-track.history-size", "2");

    private static final MetricTotals<Histogram> SAMPLES = new MetricTotals<>(Histogram::getCount);

    static Configuration trackAccesses() {
        return Configuration.fromMap(TRACK_ACCESSES);
    }

    /** Keyed state accesses so far of the job, by operator name. */
    static Map<String, Long> byOperator(String jobId) {
        Map<String, Long> counts = SAMPLES.byLabel(jobId);
        counts.replaceAll((operator, samples) -> SAMPLE_INTERVAL * samples);
        return counts;
    }

    @Override
    public MetricReporter createMetricReporter(Properties properties) {
        return new StateAccesses();
    }

    @Override
    public void open(MetricConfig config) {}

    @Override
    public void close() {}

    @Override
    public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
        if (!counted(metric, name)) return;
        Map<String, String> vars = group.getAllVariables();
        SAMPLES.added(vars.get("<job_id>"), vars.get("<operator_name>"), (Histogram) metric);
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
        if (!counted(metric, name)) return;
        Map<String, String> vars = group.getAllVariables();
        SAMPLES.removed(vars.get("<job_id>"), vars.get("<operator_name>"), (Histogram) metric);
    }

    private static boolean counted(Metric metric, String name) {
        return metric instanceof Histogram && name.endsWith("Latency")
                && name.matches("(value|list|map|reducing|aggregating|state)[A-Z].*")
                && !name.contains("IteratorHasNext") && !name.contains("IteratorNext");
    }
}
