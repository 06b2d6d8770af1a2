package io.tally.bench;

import io.tally.config.TallyConfig;

import java.time.Duration;
import java.util.Map;

/**
 * How big the state gets as simulated days of traffic go by. Horizons are shortened (at most two days) so that
 * they expire within the run: the size must level off once they do, which is what bounded state means; with
 * production horizons it levels off the same way, after the longest of them (90 days of order memory).
 */
final class StateGrowth {
    private StateGrowth() {}

    /** The configuration of the state-growth run: every horizon at most two days. */
    static TallyConfig shortHorizons(TallyConfig phase) {
        TallyConfig c = BenchConfigs.copy(phase);
        c.attribution.clickWindow = Duration.ofDays(1);
        c.attribution.viewWindow = Duration.ofDays(1);
        c.attribution.settlementWindow = Duration.ofDays(1);
        c.attribution.orderMemory = Duration.ofDays(2);
        c.attribution.customerHorizon = Duration.ofDays(2);
        for (Map.Entry<String, Duration> e : c.attribution.dedup.entrySet()) {
            if (e.getValue().compareTo(Duration.ofDays(1)) > 0) e.setValue(Duration.ofDays(1));
        }
        return c;
    }

    /** The horizons of {@link #shortHorizons}, for the report. */
    static Map<String, String> horizons(TallyConfig c) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        m.put("clickWindow", c.attribution.clickWindow.toString());
        m.put("viewWindow", c.attribution.viewWindow.toString());
        m.put("settlementWindow", c.attribution.settlementWindow.toString());
        m.put("orderMemory", c.attribution.orderMemory.toString());
        m.put("customerHorizon", c.attribution.customerHorizon.toString());
        m.put("longestDedup", c.attribution.dedup.values().stream().max(Duration::compareTo).orElse(Duration.ZERO)
                .toString());
        return m;
    }
}
