package io.tally.event;

public enum EngagementKind {
    LIKE,
    COMMENT,
    SHARE
}
