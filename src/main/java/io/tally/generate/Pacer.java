package io.tally.generate;

/**
 * Decides how long a producer waits before its next record, so that it follows either a target rate (records per
 * second of wall time) or the event-time clock (a record goes out once the wall clock reaches its ts, for live
 * demos). Waits shorter than {@link #MIN_WAIT_MS} are skipped, so the producer sends in small bursts and sleeps
 * between them instead of spinning. Pure arithmetic on the times it is given: the caller sleeps.
 */
final class Pacer {
    static final long MIN_WAIT_MS = 2;
    /** A producer more than this far behind its rate does not try to catch up with a burst. */
    private static final long MAX_BACKLOG_NANOS = 1_000_000_000L;

    private final double nanosPerRecord;
    private final boolean eventTime;
    private long baselineNanos = Long.MIN_VALUE;
    private long baselineCount;

    private Pacer(double nanosPerRecord, boolean eventTime) {
        this.nanosPerRecord = nanosPerRecord;
        this.eventTime = eventTime;
    }

    /** At most {@code eventsPerSecond} records per second; unlimited when it is not positive. */
    static Pacer atRate(double eventsPerSecond) {
        return new Pacer(eventsPerSecond > 0 ? 1e9 / eventsPerSecond : 0, false);
    }

    /** A record is due when the wall clock (epoch ms) reaches its event time. */
    static Pacer atEventTime() {
        return new Pacer(0, true);
    }

    /**
     * Milliseconds to wait before sending the next record (0: send now).
     *
     * @param sent records sent so far
     * @param ts   event time of the next record
     * @param nowNanos  a monotonic clock ({@link System#nanoTime()})
     * @param nowMillis the wall clock ({@link System#currentTimeMillis()})
     */
    long waitMillis(long sent, long ts, long nowNanos, long nowMillis) {
        if (eventTime) return atLeastMin(ts - nowMillis);
        if (nanosPerRecord == 0) return 0;
        if (baselineNanos == Long.MIN_VALUE) {
            baselineNanos = nowNanos;
            baselineCount = sent;
        }
        long due = baselineNanos + (long) ((sent - baselineCount) * nanosPerRecord);
        if (nowNanos - due > MAX_BACKLOG_NANOS) {
            // Fell far behind (a slow broker): start over from here rather than flood it afterwards.
            baselineNanos = nowNanos;
            baselineCount = sent;
            return 0;
        }
        return atLeastMin((due - nowNanos) / 1_000_000);
    }

    private static long atLeastMin(long waitMs) {
        return waitMs >= MIN_WAIT_MS ? waitMs : 0;
    }
}
