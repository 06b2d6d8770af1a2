package io.tally.event;

public enum SpendKind {
    FLAT_FEE,
    SAMPLE,
    ADS
}
