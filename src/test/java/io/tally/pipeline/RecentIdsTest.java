package io.tally.pipeline;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;

/** {@link RecentIds}: never "not seen" for an id that was added within the asked range. */
class RecentIdsTest {
    private static final long SLICE = 150_000;
    private static final long T = 1_740_830_400_000L;

    @Test
    void everyAddedIdIsReportedAsPossiblySeenWithinItsRange() {
        RecentIds ids = new RecentIds(SLICE);
        int n = 3 * RecentIds.IDS_PER_FILTER + 17; // several filters in one slice
        for (int i = 0; i < n; i++) ids.add(RecentIds.hash("w-" + i), T + i % 1000);
        for (int i = 0; i < n; i++) {
            assertThat(ids.mightContain(RecentIds.hash("w-" + i), T + i % 1000, T + i % 1000)).as("w-" + i).isTrue();
        }
        assertThat(ids.filters()).isEqualTo(4);
    }

    @Test
    void anIdAddedOutsideTheRangeOrNeverAddedIsMostlyRuledOut() {
        RecentIds ids = new RecentIds(SLICE);
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < RecentIds.IDS_PER_FILTER; i++) ids.add(RecentIds.hash("id-" + random.nextLong()), T);
        int maybe = 0;
        for (int i = 0; i < 100_000; i++) {
            if (ids.mightContain(RecentIds.hash("other-" + i), T - SLICE, T + SLICE)) maybe++;
        }
        assertThat(maybe).as("false positives among 100,000").isLessThan(2_000);
        ids.add(RecentIds.hash("late"), T + 3 * SLICE);
        assertThat(ids.mightContain(RecentIds.hash("late"), T - SLICE, T + SLICE)).isFalse();
        assertThat(ids.mightContain(RecentIds.hash("late"), T + 3 * SLICE, T + 3 * SLICE)).isTrue();
    }

    @Test
    void slicesThatEndBeforeTheForgottenTimeAreDropped() {
        RecentIds ids = new RecentIds(SLICE);
        ids.add(RecentIds.hash("a"), T);
        ids.add(RecentIds.hash("b"), T + SLICE);
        ids.forgetUntil(T + SLICE - 1); // T's slice ends at T + SLICE (T is a multiple of SLICE)
        assertThat(ids.filters()).isEqualTo(2);
        ids.forgetUntil(T + SLICE);
        assertThat(ids.filters()).isEqualTo(1);
        assertThat(ids.mightContain(RecentIds.hash("b"), T + SLICE, T + SLICE)).isTrue();
    }
}
