package io.tally.bench;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The benchmark's figures are medians of its rounds: one slow or fast run on a shared machine does not set them. */
class BenchmarkTest {
    @Test
    void anOddNumberOfRoundsGivesTheMiddleRun() {
        assertThat(Benchmark.median(List.of(55_000.0, 38_000.0, 41_000.0))).isEqualTo(41_000.0);
    }

    @Test
    void anEvenNumberOfRoundsGivesTheMeanOfTheMiddleTwo() {
        assertThat(Benchmark.median(List.of(4.0, 1.0, 3.0, 2.0))).isEqualTo(2.5);
    }

    @Test
    void aSkippedPhaseHasNoFigure() {
        assertThat(Benchmark.median(List.of())).isZero();
    }
}
