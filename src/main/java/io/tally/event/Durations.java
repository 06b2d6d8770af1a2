package io.tally.event;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as the contract and the configuration write them: {@code 500ms}, {@code 5s}, {@code 1m}, {@code 72h}, {@code 7d}. */
public final class Durations {
    private static final Pattern FORMAT = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private Durations() {}

    /**
     * Parses a duration such as {@code 7d}.
     *
     * @throws IllegalArgumentException naming the expected form
     */
    public static Duration parse(String text) {
        Matcher m = FORMAT.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration (expected a whole number followed by"
                    + " ms, s, m, h or d, e.g. 5s or 7d)");
        }
        try {
            long n = Long.parseLong(m.group(1));
            Duration d = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n); // "d": FORMAT allows nothing else
            };
            d.toMillis(); // everything downstream works in epoch milliseconds
            return d;
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("'" + text + "' is too large a duration");
        }
    }

    /** The shortest exact form: 86400000 ms -> {@code 1d}, 90 s -> {@code 90s}. */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms != 0 && ms % 86_400_000L == 0) return ms / 86_400_000L + "d";
        if (ms != 0 && ms % 3_600_000L == 0) return ms / 3_600_000L + "h";
        if (ms != 0 && ms % 60_000L == 0) return ms / 60_000L + "m";
        if (ms != 0 && ms % 1_000L == 0) return ms / 1_000L + "s";
        return ms + "ms";
    }
}
