package io.tally.bench;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.state.rocksdb.RocksDBOptions;
import org.apache.flink.state.rocksdb.RocksDBOptionsFactory;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.DBOptions;
import org.rocksdb.Statistics;
import org.rocksdb.StatsLevel;
import org.rocksdb.TickerType;

import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Counts what RocksDB itself did for the jobs of the benchmark's MiniCluster (same JVM), timers included: an options
 * factory that gives every RocksDB instance statistics (no detailed timers) and keeps them, read when the phase is over.
 */
public final class RocksDbOperations implements RocksDBOptionsFactory {
    private static final long serialVersionUID = 1L;
    private static final List<Statistics> STATISTICS = new CopyOnWriteArrayList<>();

    /** The job option that installs this factory. */
    static Configuration counting() {
        Configuration conf = new Configuration();
        conf.set(RocksDBOptions.OPTIONS_FACTORY, RocksDbOperations.class.getName());
        return conf;
    }

    /** Forgets the instances counted so far (one phase at a time). */
    static void reset() {
        STATISTICS.clear();
    }

    /** Keys read (gets), keys written (puts, merges and deletes, timers' included) and seeks, over all instances. */
    static Map<String, Long> totals() {
        long read = 0;
        long written = 0;
        long seeks = 0;
        for (Statistics s : STATISTICS) {
            read += s.getTickerCount(TickerType.NUMBER_KEYS_READ);
            written += s.getTickerCount(TickerType.NUMBER_KEYS_WRITTEN);
            seeks += s.getTickerCount(TickerType.NUMBER_DB_SEEK);
        }
        return Map.of("keysRead", read, "keysWritten", written, "seeks", seeks);
    }

    @Override
    public DBOptions createDBOptions(DBOptions currentOptions, Collection<AutoCloseable> handlesToClose) {
        // Not handed to Flink to close: it is read after the job, when its RocksDB instances are gone.
        Statistics statistics = new Statistics();
        statistics.setStatsLevel(StatsLevel.EXCEPT_DETAILED_TIMERS);
        STATISTICS.add(statistics);
        return currentOptions.setStatistics(statistics);
    }

    @Override
    public ColumnFamilyOptions createColumnOptions(ColumnFamilyOptions currentOptions,
                                                   Collection<AutoCloseable> handlesToClose) {
        return currentOptions;
    }
}
