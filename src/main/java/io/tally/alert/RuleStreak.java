package io.tally.alert;

/** Where one rule stands for one key: the current streak of breaching slots and whether its alert is firing. */
public class RuleStreak {
    /** ts of the rule version the streak was counted under; a new version starts over. */
    public long ruleVersionTs;
    /** Consecutive breaching slots so far (0: none). */
    public int length;
    /** windowStart of the first slot of the streak. */
    public long streakStart;
    public boolean firing;
    /** The firing alert's id, and what it was raised with, for the RESOLVED record. */
    public String alertId;
    public String metric;
    public String op;

    public RuleStreak() {}

    public boolean isIdle() {
        return length == 0 && !firing;
    }
}
