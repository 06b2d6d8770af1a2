package io.tally.bench;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.Metric;
import org.apache.flink.metrics.MetricConfig;
import org.apache.flink.metrics.MetricGroup;
import org.apache.flink.metrics.reporter.MetricReporter;
import org.apache.flink.metrics.reporter.MetricReporterFactory;

import java.util.Map;
import java.util.Properties;

/**
 * A metric reporter of the benchmark's MiniCluster (same JVM): counts the records each job's sources have emitted,
 * so the benchmark knows when a bounded job has read all its input and can checkpoint at once, instead of the job
 * waiting for the next periodic checkpoint to commit its output and finish.
 */
public final class SourceRecords implements MetricReporter, MetricReporterFactory {
    private static final MetricTotals<Counter> RECORDS = new MetricTotals<>(Counter::getCount);

    /** Records emitted so far by the sources of the job. */
    static long of(String jobId) {
        return RECORDS.total(jobId);
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
        if (job != null) RECORDS.added(job, "", (Counter) metric);
    }

    @Override
    public void notifyOfRemovedMetric(Metric metric, String name, MetricGroup group) {
        String job = sourceJob(metric, name, group);
        if (job != null) RECORDS.removed(job, "", (Counter) metric);
    }

    private static String sourceJob(Metric metric, String name, MetricGroup group) {
        if (!"numRecordsOut".equals(name) || !(metric instanceof Counter)) return null;
        Map<String, String> vars = group.getAllVariables();
        String operator = vars.get("<operator_name>");
        if (operator == null || !operator.startsWith("Source")) return null;
        return vars.get("<job_id>");
    }
}
