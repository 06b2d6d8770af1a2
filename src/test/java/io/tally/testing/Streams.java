package io.tally.testing;

import io.tally.event.Stream;

/**
 * {@link Stream} by wire name, for tests reading data sets and configurations keyed by it; the jobs themselves never
 * look a stream up by name, so this lives with the tests.
 */
public final class Streams {
    private Streams() {}

    /** The stream whose {@link Stream#wireName()} is {@code name}; fails on any other, so a misspelt name is not skipped. */
    public static Stream ofWireName(String name) {
        for (Stream s : Stream.values()) {
            if (s.wireName().equals(name)) return s;
        }
        throw new IllegalArgumentException("unknown stream '" + name + "'");
    }
}
