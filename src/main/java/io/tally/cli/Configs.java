package io.tally.cli;

import io.tally.config.ConfigLoader;
import io.tally.config.TallyConfig;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;

/** The configuration of a command: the given file over the defaults, or the defaults alone. */
final class Configs {
    private Configs() {}

    static TallyConfig load(Path file) {
        return file == null ? new TallyConfig() : ConfigLoader.load(file);
    }

    /** The default alert rules of the shipped {@code jobs/alerts.yaml} (bundled in the jar). */
    static List<Map<String, Object>> shippedAlertRules() {
        try (InputStream in = Configs.class.getResourceAsStream("/jobs/alerts.yaml")) {
            if (in == null) throw new IllegalStateException("jobs/alerts.yaml is not bundled in this jar");
            Path copy = Files.createTempFile("tally-alerts", ".yaml");
            try {
                Files.copy(in, copy, StandardCopyOption.REPLACE_EXISTING);
                return ConfigLoader.load(copy).alerts.rules;
            } finally {
                Files.deleteIfExists(copy);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
