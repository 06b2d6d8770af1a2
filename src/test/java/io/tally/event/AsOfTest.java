package io.tally.event;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class AsOfTest {
    @Test
    void findsTheVersionWithTheGreatestTsAtOrBefore() {
        List<Long> versions = List.of(10L, 20L, 30L);
        assertThat(AsOf.find(versions, v -> v, 9)).isNull();
        assertThat(AsOf.find(versions, v -> v, 10)).isEqualTo(10L);
        assertThat(AsOf.find(versions, v -> v, 29)).isEqualTo(20L);
        assertThat(AsOf.find(versions, v -> v, 99)).isEqualTo(30L);
    }

    @Test
    void insertKeepsTsOrderReplacesSameTsAndDropsVersionsNoLookupCanReach() {
        List<long[]> versions = AsOf.insert(null, new long[] {20, 1}, v -> v[0], Long.MIN_VALUE);
        versions = AsOf.insert(versions, new long[] {10, 1}, v -> v[0], Long.MIN_VALUE);
        versions = AsOf.insert(versions, new long[] {20, 2}, v -> v[0], Long.MIN_VALUE);
        assertThat(versions).extracting(v -> v[0] * 10 + v[1]).containsExactly(101L, 202L);
        // With the watermark at 25 the version at 10 can no longer be in force for any pending lookup.
        versions = AsOf.insert(versions, new long[] {30, 1}, v -> v[0], 25);
        assertThat(versions).extracting(v -> v[0]).containsExactly(20L, 30L);
    }
}
