package io.tally.bench;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A metric reporter of the benchmark's MiniCluster (same JVM): counts the records each job's sources have emitted,
 * so the benchmark knows when a bounded job has read all its input and can checkpoint at once, instead of the job
 * waiting for the next periodic checkpoint to commit its output and finish.
 */
public final class SourceRecords implements MetricReporter, MetricReporterFactory {
    private static final Map<String, Map<Counter, Boolean>> LIVE = new ConcurrentHashMap<>();
    private static final Map<String, AtomicLong> REMOVED = new ConcurrentHashMap<>();

    /** Records emitted so far by the sources of the job. */
    static long of(String jobId) {
        long n = REMOVED.getOrDefault(jobId, new AtomicLong()).get();
        for (Counter c : LIVE.getOrDefault(jobId, Map.of()).keySet()) n += c.getCount();
        return n;
    }

    @Override
    public MetricReporter createMetricReporter(Properties properties) {
        return new SourceRecords();
    }

    @Override
    public void open(MetricConfig config) {}

    @Override
    public void close() {}

    @Override
    public void notifyOfAddedMetric(Metric metric, String name, MetricGroup group) {
        String job = sourceJob(metric, name, group);
        if (job != null) LIVE.computeIfAbsent(job, k -> new ConcurrentHashMap<>()).put((Counter) metric, true);
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
        String job = sourceJob(metric, name, group);
        if (job == null) return;
        Map<Counter, Boolean> live = LIVE.get(job);
        if (live != null && live.remove(metric) != null) {
            REMOVED.computeIfAbsent(job, k -> new AtomicLong()).addAndGet(((Counter) metric).getCount());
        }
    }

    private static String sourceJob(Metric metric, String name, MetricGroup group) {
        if (!"numRecordsOut".equals(name) || !(metric instanceof Counter)) return null;
        Map<String, String> vars = group.getAllVariables();
        String operator = vars.get("<operator_name>");
        if (operator == null || !operator.startsWith("Source")) return null;
        return vars.get("<job_id>");
    }
}
