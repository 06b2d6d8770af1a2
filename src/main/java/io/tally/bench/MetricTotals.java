package io.tally.bench;

import org.apache.flink.metrics.Metric;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.ToLongFunction;

/**
 * Counts read off the metrics of tasks that come and go, per job and label: what the live metrics say now plus the
 * last reading of the removed ones, so that a figure survives its tasks (a finished job, a restart).
 */
final class MetricTotals<M extends Metric> {
    private final ToLongFunction<M> count;
    private final Map<String, Map<String, Map<M, Boolean>>> live = new ConcurrentHashMap<>();
    private final Map<String, Map<String, AtomicLong>> removed = new ConcurrentHashMap<>();

    MetricTotals(ToLongFunction<M> count) {
        this.count = count;
    }

    void added(String job, String label, M metric) {
        live.computeIfAbsent(job, k -> new ConcurrentHashMap<>())
                .computeIfAbsent(label, k -> new ConcurrentHashMap<>()).put(metric, true);
    }

    void removed(String job, String label, M metric) {
        Map<M, Boolean> metrics = live.getOrDefault(job, Map.of()).get(label);
        if (metrics != null && metrics.remove(metric) != null) {
            removed.computeIfAbsent(job, k -> new ConcurrentHashMap<>())
                    .computeIfAbsent(label, k -> new AtomicLong()).addAndGet(count.applyAsLong(metric));
        }
    }

    /** The job's counts so far, by label. */
    Map<String, Long> byLabel(String job) {
        Map<String, Long> counts = new TreeMap<>();
        removed.getOrDefault(job, Map.of()).forEach((label, n) -> counts.merge(label, n.get(), Long::sum));
        live.getOrDefault(job, Map.of()).forEach((label, metrics) -> {
            for (M m : metrics.keySet()) counts.merge(label, count.applyAsLong(m), Long::sum);
        });
        return counts;
    }

    /** The job's count so far, all labels together. */
    long total(String job) {
        long n = 0;
        for (long c : byLabel(job).values()) n += c;
        return n;
    }
}
