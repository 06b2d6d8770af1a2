package io.tally.cli;

import io.tally.config.ConfigLoader;
import io.tally.config.TallyConfig;

import java.nio.file.Path;

/** The configuration of a command: the given file over the defaults, or the defaults alone. */
final class Configs {
    private Configs() {}

    static TallyConfig load(Path file) {
        return file == null ? new TallyConfig() : ConfigLoader.load(file);
    }
}
