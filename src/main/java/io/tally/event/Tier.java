package io.tally.event;

/** Creator tier by followers of the creator version in force at the event's ts (CONTRACT section 2). */
public enum Tier {
    NANO,
    MICRO,
    MID,
    MACRO,
    MEGA,
    UNKNOWN;

    public static Tier ofFollowers(long followers) {
        if (followers < 10_000) return NANO;
        if (followers < 100_000) return MICRO;
        if (followers < 500_000) return MID;
        if (followers < 1_000_000) return MACRO;
        return MEGA;
    }

    /** The tier of a creator version; UNKNOWN when there is none. */
    public static Tier of(Creator creatorInForce) {
        return creatorInForce == null ? UNKNOWN : ofFollowers(creatorInForce.followers);
    }
}
