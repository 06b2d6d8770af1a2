package io.tally.alert;

public enum AlertState {
    FIRING,
    RESOLVED
}
