package io.tally.io;

import org.apache.flink.api.common.functions.RichMapFunction;
import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

import java.util.HashMap;
import java.util.Map;

/**
 * Counts every dead letter of a job, by stream and reason, on its way to the sink: the metrics
 * {@code deadLetters.<stream>.<reason>} (exported by the Prometheus reporter where one is configured).
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
            MetricGroup group = getRuntimeContext().getMetricGroup().addGroup("deadLetters").addGroup(d.stream);
            c = group.counter(d.reason.name());
            counters.put(name, c);
        }
        c.inc();
        return d;
    }
}
