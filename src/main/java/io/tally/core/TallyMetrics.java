package io.tally.core;

import io.tally.event.Stream;
import org.apache.flink.metrics.MetricGroup;

/**
 * Tally's own metrics, in one metric group {@code tally} under Flink's operator scope, with key-value groups that the
 * Prometheus reporter turns into labels. Every name is listed in README.md, section Operations.
 */
public final class TallyMetrics {
    public static final String GROUP = "tally";
    /** Label: the input stream's wire name. */
    public static final String STREAM = "stream";
    /** Label: a dead letter's reason. */
    public static final String REASON = "reason";
    /** Label: the touch an order line was credited to (CLICK, VIEW; NONE = organic). */
    public static final String TOUCH = "touch";

    /** Counter per stream: records parsed, valid and on time. */
    public static final String RECORDS_IN = "recordsIn";
    /**
     * Gauge per stream and parallel instance: wall clock minus the watermark the stream's greatest ts allows (ms; -1
     * before the first record). Live, it is how far results trail reality; in a backlog, how far behind the job is.
     */
    public static final String WATERMARK_LAG_MS = "watermarkLagMs";
    /** Counter per stream and reason: dead letters written. */
    public static final String DEAD_LETTERS = "deadLetters";
    /** Counter per touch: attributed order lines under the primary model. */
    public static final String ORDER_LINES = "orderLines";
    /** Counter: commission credited by attributions, in cents (reversals not subtracted). */
    public static final String COMMISSION_CENTS = "commissionCents";
    /** Counter: KPI contributions that arrived after their window's final record (dropped). */
    public static final String LATE_KPI_CONTRIBUTIONS = "lateKpiContributions";

    private TallyMetrics() {}

    public static MetricGroup group(MetricGroup operator) {
        return operator.addGroup(GROUP);
    }

    public static MetricGroup stream(MetricGroup operator, Stream stream) {
        return stream(operator, stream.wireName());
    }

    public static MetricGroup stream(MetricGroup operator, String streamWireName) {
        return group(operator).addGroup(STREAM, streamWireName);
    }
}
