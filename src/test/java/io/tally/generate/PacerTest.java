package io.tally.generate;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PacerTest {
    private static final long MS = 1_000_000;

    @Test
    void rateSpacesRecordsEvenlyAndSleepsOnlyInSteps() {
        Pacer pacer = Pacer.atRate(1_000); // one record per ms
        long t0 = 5_000 * MS;
        assertThat(pacer.waitMillis(0, 0, t0, 0)).isZero();
        assertThat(pacer.waitMillis(100, 0, t0 + 40 * MS, 0)).isEqualTo(60);
        assertThat(pacer.waitMillis(100, 0, t0 + 99 * MS, 0)).as("below the least wait: send now").isZero();
        assertThat(pacer.waitMillis(100, 0, t0 + 150 * MS, 0)).as("behind: no wait").isZero();
    }

    @Test
    void farBehindStartsOverInsteadOfBursting() {
        Pacer pacer = Pacer.atRate(1_000);
        assertThat(pacer.waitMillis(0, 0, 0, 0)).isZero();
        assertThat(pacer.waitMillis(10, 0, 5_000 * MS, 0)).isZero();
        // The baseline is now (record 10, 5 s): record 110 is due 100 ms later.
        assertThat(pacer.waitMillis(110, 0, 5_000 * MS, 0)).isEqualTo(100);
    }

    @Test
    void unlimitedRateNeverWaits() {
        Pacer pacer = Pacer.atRate(0);
        assertThat(pacer.waitMillis(1_000_000, 0, 0, 0)).isZero();
    }

    @Test
    void eventTimeWaitsForTheWallClockToReachTs() {
        Pacer pacer = Pacer.atEventTime();
        assertThat(pacer.waitMillis(0, 10_500, 0, 10_000)).isEqualTo(500);
        assertThat(pacer.waitMillis(0, 10_001, 0, 10_000)).isZero();
        assertThat(pacer.waitMillis(0, 9_000, 0, 10_000)).isZero();
    }
}
