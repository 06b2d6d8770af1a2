package io.tally.event;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DurationsTest {

    @Test
    void parsesEveryUnit() {
        assertThat(Durations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThat(Durations.parse("5s")).isEqualTo(Duration.ofSeconds(5));
        assertThat(Durations.parse("1m")).isEqualTo(Duration.ofMinutes(1));
        assertThat(Durations.parse("72h")).isEqualTo(Duration.ofHours(72));
        assertThat(Durations.parse("7d")).isEqualTo(Duration.ofDays(7));
        assertThat(Durations.parse("0s")).isZero();
        assertThat(Durations.parse(" 30s ")).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void formatsTheShortestExactForm() {
        assertThat(Durations.format(Duration.ofDays(365))).isEqualTo("365d");
        assertThat(Durations.format(Duration.ofHours(72))).isEqualTo("3d");
        assertThat(Durations.format(Duration.ofMinutes(90))).isEqualTo("90m");
        assertThat(Durations.format(Duration.ofSeconds(90))).isEqualTo("90s");
        assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500ms");
        assertThat(Durations.format(Duration.ZERO)).isEqualTo("0ms");
    }

    @ParameterizedTest
    @ValueSource(strings = {"500ms", "1500ms", "5s", "90s", "1m", "90m", "1h", "25h", "1d", "7d", "365d"})
    void canonicalTextRoundTrips(String text) {
        assertThat(Durations.format(Durations.parse(text))).isEqualTo(text);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 999, 1_000, 59_999, 60_000, 3_600_000, 86_399_999, 86_400_000, 604_800_000L, 31_536_000_000L})
    void durationsRoundTrip(long millis) {
        Duration d = Duration.ofMillis(millis);
        assertThat(Durations.parse(Durations.format(d))).isEqualTo(d);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"5", "-1s", "1w", "1.5h", "s", "5 seconds", "5S", "1d2h", "  "})
    void rejectsWhatIsNotADuration(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a duration")
                .hasMessageContaining("e.g. 5s or 7d");
    }

    @ParameterizedTest
    @ValueSource(strings = {"99999999999999999999ms", "200000000000d", "9223372036854775807s"})
    void rejectsDurationsBeyondEpochMillis(String text) {
        assertThatThrownBy(() -> Durations.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("too large");
    }
}
