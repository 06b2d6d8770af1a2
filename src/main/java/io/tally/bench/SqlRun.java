package io.tally.bench;

import io.tally.config.TallyConfig;
import io.tally.event.Stream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.table.api.bridge.java.StreamTableEnvironment;

import java.util.Map;

/** The SQL phase: {@link SqlBaseline}'s statements over the preloaded topics, bounded, in the given environment. */
final class SqlRun {
    static final String ATTRIBUTIONS_TOPIC = "bench.sql.attributions";
    static final String KPIS_TOPIC = "bench.sql.kpis";
    static final Stream[] INPUTS = {Stream.VIEWS, Stream.ENGAGEMENTS, Stream.CLICKS, Stream.ORDERS};

    private SqlRun() {}

    /** Of the preloaded records, how many the SQL job reads. */
    static long records(Map<Stream, Long> preloaded) {
        long records = 0;
        for (Stream s : INPUTS) records += preloaded.getOrDefault(s, 0L);
        return records;
    }

    /** Adds the SQL job to env. */
    static void build(StreamExecutionEnvironment env, TallyConfig config) {
        StreamTableEnvironment tables = StreamTableEnvironment.create(env);
        new SqlBaseline(SqlBaseline.Settings.of(config, ATTRIBUTIONS_TOPIC, KPIS_TOPIC, true))
                .statements(tables).attachAsDataStream();
    }
}
