package io.tally.generate;

import io.tally.event.View;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The history {@code tally local} sends before its live traffic: sparse, then a quiet spell, then dense; and with a
 * live clock, starting on a whole hour that long before now.
 */
class BackfillTest {
    private static final long MINUTE = 60_000;
    private static final long HOUR = 60 * MINUTE;

    @Test
    void sparseHistoryThenAQuietSpellThenDenseTraffic() {
        GeneratorSettings settings = new GeneratorSettings();
        settings.scenarios = false;
        settings.backfillMs = 3 * HOUR;
        settings.backfillEventsPerSimulatedSecond = 5;
        settings.eventsPerSimulatedSecond = 500;
        Generator generator = new Generator(settings);
        long start = generator.startTs();
        long quiet = start + settings.backfillMs;
        long dense = quiet + Generator.QUIET_BEFORE_DENSE;

        long viewsSparse = 0;
        long viewsQuiet = 0;
        long viewsDense = 0;
        for (GeneratedRecord r = generator.next(); r.ts() < dense + 10 * MINUTE; r = generator.next()) {
            if (!(r.record() instanceof View)) continue;
            if (r.ts() < quiet) viewsSparse++;
            else if (r.ts() < dense) viewsQuiet++;
            else viewsDense++;
        }
        double sparsePerMinute = viewsSparse / ((quiet - start) / (double) MINUTE);
        double densePerMinute = viewsDense / 10.0;
        assertThat(sparsePerMinute).isPositive();
        // Only follow-ups of earlier clicks (a shopper comparing before an order) fall in the quiet spell.
        double quietPerMinute = viewsQuiet / (double) (Generator.QUIET_BEFORE_DENSE / MINUTE);
        assertThat(quietPerMinute).as("views per minute in the quiet spell").isLessThan(sparsePerMinute / 20);
        assertThat(densePerMinute / sparsePerMinute).as("density ratio").isBetween(50.0, 200.0);
    }

    @Test
    void aLiveClockStartsTheHistoryOnAWholeHourBeforeNow() {
        long before = System.currentTimeMillis();
        Generator generator = new Generator(GeneratorSettings.live(100, 19 * HOUR));
        long start = generator.startTs();
        assertThat(start % HOUR).isZero();
        long history = 19 * HOUR + Generator.QUIET_BEFORE_DENSE;
        assertThat(start).isBetween(before - history - HOUR, before - history);
        // Its first records are history: a producer pacing by event time sends them at once.
        assertThat(generator.next().ts()).isLessThan(before);
    }

    @Test
    void withoutBackfillALiveClockStartsNow() {
        long before = System.currentTimeMillis();
        Generator generator = new Generator(GeneratorSettings.live(100));
        assertThat(generator.startTs()).isBetween(before, System.currentTimeMillis());
    }

    @Test
    void aBackfillOverAMonthIsRefused() {
        GeneratorSettings settings = new GeneratorSettings();
        settings.backfillMs = 31L * 24 * HOUR;
        assertThatThrownBy(settings::validate).hasMessageContaining("backfillMs");
        assertThat(Instant.ofEpochMilli(new GeneratorSettings().startTs)).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
    }
}
