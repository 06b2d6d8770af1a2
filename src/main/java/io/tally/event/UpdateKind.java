package io.tally.event;

public enum UpdateKind {
    CANCEL,
    REFUND
}
