package io.tally.core;

import io.tally.io.DeadLetter;
import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

import java.util.HashMap;
import java.util.Map;

/**
 * Counts every dead letter of a job, by stream and reason, on its way to the sink: the counter
 * {@code tally.deadLetters} with labels {@code stream} and {@code reason} (see {@link TallyMetrics}).
 */
public class CountDeadLetters extends RichMapFunction<DeadLetter, DeadLetter> {
    private static final long serialVersionUID = 1L;

    private transient Map<String, Counter> counters;

    @Override
    public DeadLetter map(DeadLetter d) {
        if (counters == null) counters = new HashMap<>();
        String name = d.stream + "." + d.reason.name();
        Counter c = counters.get(name);
        if (c == null) {
            MetricGroup group = TallyMetrics.stream(getRuntimeContext().getMetricGroup(), d.stream)
                    .addGroup(TallyMetrics.REASON, d.reason.name());
            c = group.counter(TallyMetrics.DEAD_LETTERS);
            counters.put(name, c);
        }
        c.inc();
        return d;
    }
}
