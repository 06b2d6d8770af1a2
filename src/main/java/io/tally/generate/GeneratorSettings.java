package io.tally.generate;

import java.time.Instant;

/**
 * Everything that shapes a simulated affiliate program, with its defaults in one place. Same settings (and, without
 * {@link #liveClock}, the same seed and start) give byte-identical output.
 */
public class GeneratorSettings {
    /** Contract default of the watermark bound: {@link #disorderMs} must stay below it or replays drop LATE events. */
    public static final long WATERMARK_BOUND_MS = 5_000;
    /** Invalid-line rate of {@link #live}: a trickle of dead letters for the demo. */
    public static final double LIVE_INVALID_RATE = 0.001;

    /** Seed of the only random generator the simulation uses. */
    public long seed = 42;
    /** Event time of the reference data and start of the simulated clock (2026-01-01T00:00Z). */
    public long startTs = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
    /** When true, {@link Generator} starts its clock at the wall-clock time of its construction instead of startTs. */
    public boolean liveClock = false;

    public int merchants = 20;
    public int productsPerMerchant = 25;
    public int creators = 300;
    public int users = 50_000;
    public int contentsPerCreator = 8;

    /** Approximate density of event time: events (all streams) per simulated second. */
    public double eventsPerSimulatedSecond = 2_000;

    /**
     * Sparse simulated history before the dense traffic: for this long from the start, the density is
     * {@link #backfillEventsPerSimulatedSecond}; a quiet spell of 13 hours follows (nothing but follow-ups of
     * earlier clicks), then the density is {@link #eventsPerSimulatedSecond}. With {@link #liveClock} the clock
     * starts that long before the wall clock (rounded down to the hour, so the scenarios meet whole windows) and the
     * history goes out as fast as the broker takes it: {@code tally local} shows every scenario's alerts within
     * minutes. 0: no history.
     */
    public long backfillMs = 0;
    /** Density of event time during the backfill: sparse, so that hours of history are sent in seconds. */
    public double backfillEventsPerSimulatedSecond = 5;

    /** Share of events re-sent exactly (same eventId, same ts) shortly after the original. */
    public double duplicates = 0.002;
    /** Share of raw lines that are malformed JSON, miss a required field or hold a value out of its domain. */
    public double invalid = 0.0;
    /** Largest time by which an event is emitted after a later-stamped one (per stream and across streams). */
    public long disorderMs = 2_000;

    /**
     * The deliberate alert scenarios (viral content, clicked out-of-stock product, CPA above margin, broken link, tier
     * moves, bad reviews of a promoted product).
     */
    public boolean scenarios = true;
    /** Emit demo alert rules for those scenarios on the alert-rules stream (ids start with {@code sim-}). */
    public boolean alertRules = true;

    public GeneratorSettings() {}

    /**
     * Settings for {@code tally local}: event time follows the wall clock at the given rate, with a trickle of
     * invalid lines so the dead-letter stream shows something.
     */
    public static GeneratorSettings live(double eventsPerSecond) {
        GeneratorSettings s = new GeneratorSettings();
        s.liveClock = true;
        s.eventsPerSimulatedSecond = eventsPerSecond;
        s.invalid = LIVE_INVALID_RATE;
        return s;
    }

    /**
     * {@link #live} after {@code backfillMs} of sparse simulated history (see {@link #backfillMs}), sent first and
     * at once, so the default alert rules' scenarios (the last one ends 17 h after the start) play out within
     * minutes of wall time.
     */
    public static GeneratorSettings live(double eventsPerSecond, long backfillMs) {
        GeneratorSettings s = live(eventsPerSecond);
        s.backfillMs = backfillMs;
        return s;
    }

    public GeneratorSettings copy() {
        GeneratorSettings s = new GeneratorSettings();
        s.seed = seed;
        s.startTs = startTs;
        s.liveClock = liveClock;
        s.merchants = merchants;
        s.productsPerMerchant = productsPerMerchant;
        s.creators = creators;
        s.users = users;
        s.contentsPerCreator = contentsPerCreator;
        s.eventsPerSimulatedSecond = eventsPerSimulatedSecond;
        s.backfillMs = backfillMs;
        s.backfillEventsPerSimulatedSecond = backfillEventsPerSimulatedSecond;
        s.duplicates = duplicates;
        s.invalid = invalid;
        s.disorderMs = disorderMs;
        s.scenarios = scenarios;
        s.alertRules = alertRules;
        return s;
    }

    /**
     * @throws IllegalArgumentException naming the first setting out of range
     */
    public void validate() {
        require(startTs >= 0, "startTs must be >= 0");
        require(merchants >= 2 && merchants <= 999, "merchants must be in [2, 999]");
        require(productsPerMerchant >= 4 && productsPerMerchant <= 999, "productsPerMerchant must be in [4, 999]");
        require(creators >= 10 && creators <= 9_999, "creators must be in [10, 9999]");
        require(users >= 100 && users <= 9_999_999, "users must be in [100, 9999999]");
        require(contentsPerCreator >= 1 && contentsPerCreator <= 99, "contentsPerCreator must be in [1, 99]");
        require(eventsPerSimulatedSecond >= 0.1 && eventsPerSimulatedSecond <= 1_000_000,
                "eventsPerSimulatedSecond must be in [0.1, 1000000]");
        require(backfillMs >= 0 && backfillMs <= 30L * 24 * 3_600_000, "backfillMs must be in [0, 30 days]");
        require(backfillEventsPerSimulatedSecond >= 0.1 && backfillEventsPerSimulatedSecond <= 1_000_000,
                "backfillEventsPerSimulatedSecond must be in [0.1, 1000000]");
        require(duplicates >= 0 && duplicates <= 0.5, "duplicates must be in [0, 0.5]");
        require(invalid >= 0 && invalid <= 0.5, "invalid must be in [0, 0.5]");
        require(disorderMs >= 0 && disorderMs < WATERMARK_BOUND_MS,
                "disorderMs must be >= 0 and below the watermark bound of " + WATERMARK_BOUND_MS + " ms");
    }

    private static void require(boolean ok, String message) {
        if (!ok) throw new IllegalArgumentException(message);
    }

    @Override
    public String toString() {
        return "GeneratorSettings{seed=" + seed + " startTs=" + startTs + (liveClock ? " liveClock" : "")
                + " merchants=" + merchants + " productsPerMerchant=" + productsPerMerchant + " creators=" + creators
                + " users=" + users + " contentsPerCreator=" + contentsPerCreator + " eventsPerSimulatedSecond="
                + eventsPerSimulatedSecond + (backfillMs > 0 ? " backfillMs=" + backfillMs
                + " backfillEventsPerSimulatedSecond=" + backfillEventsPerSimulatedSecond : "") + " duplicates=" + duplicates + " invalid=" + invalid + " disorderMs="
                + disorderMs + " scenarios=" + scenarios + " alertRules=" + alertRules + "}";
    }
}
