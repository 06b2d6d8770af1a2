package io.tally.alert;

import io.tally.core.DeadLetters;
import io.tally.event.AlertRule;
import io.tally.event.Durations;
import io.tally.event.Stream;
import io.tally.io.DeadLetterReason;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;

import java.time.Duration;
import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * What the parser cannot know about a streamed alert rule: its window must be one of the configured KPI sizes, or it
 * would never see a record. Such a rule goes to dead letters (INVALID_VALUE) instead of silently doing nothing.
 */
public class CheckAlertRule extends ProcessFunction<AlertRule, AlertRule> {
    private static final long serialVersionUID = 1L;

    private final long[] windowSizesMs;

    public CheckAlertRule(long[] windowSizesMs) {
        this.windowSizesMs = windowSizesMs.clone();
    }

    /** Null when the rule fits the KPI windows, else the problem. */
    public static String problem(AlertRule rule, long[] windowSizesMs) {
        if (!rule.enabled) return null;
        for (long size : windowSizesMs) {
            if (rule.windowMs == size) return null;
        }
        return "window: " + Durations.format(Duration.ofMillis(rule.windowMs)) + " is not a KPI window size ("
                + Arrays.stream(windowSizesMs).mapToObj(s -> Durations.format(Duration.ofMillis(s)))
                        .collect(Collectors.joining(", ")) + ")";
    }

    @Override
    public void processElement(AlertRule rule, Context ctx, Collector<AlertRule> out) {
        String problem = problem(rule, windowSizesMs);
        if (problem == null) out.collect(rule);
        else ctx.output(DeadLetters.TAG, DeadLetters.of(Stream.ALERT_RULES, DeadLetterReason.INVALID_VALUE, problem, rule));
    }
}
