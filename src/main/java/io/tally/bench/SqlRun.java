package io.tally.bench;

import io.tally.config.TallyConfig;
import io.tally.event.Stream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/** The SQL phase: {@link SqlBaseline}'s statements over the preloaded topics, bounded. */
final class SqlRun {
    static final String ATTRIBUTIONS_TOPIC = "bench.sql.attributions";
    static final String KPIS_TOPIC = "bench.sql.kpis";
    static final Stream[] INPUTS = {Stream.VIEWS, Stream.ENGAGEMENTS, Stream.CLICKS, Stream.ORDERS};

    private SqlRun() {}

    /** Adds the SQL job to env; returns the number of input topics it reads. */
    static long build(StreamExecutionEnvironment env, TallyConfig config) {
        throw new UnsupportedOperationException("the SQL baseline is not wired in yet");
    }
}
