package io.tally.kpi;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The {@code kpis} section of a job's configuration (CONTRACT section 4 defaults). Field names are the YAML keys. */
public class KpiSettings implements Serializable {
    private static final long serialVersionUID = 1L;
    /** Tumbling window sizes, aligned to the epoch. */
    public List<Duration> windows = new ArrayList<>(List.of(Duration.ofMinutes(1), Duration.ofHours(1), Duration.ofDays(1)));
    /** Least processing time between two non-final updates of an open window. */
    public Duration updateInterval = Duration.ofSeconds(10);
}
