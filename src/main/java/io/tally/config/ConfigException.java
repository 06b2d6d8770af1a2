package io.tally.config;

/**
 * A configuration that cannot be used. The message names the file and the dotted key, e.g.
 * {@code jobs/attribution.yaml: attribution.clickWindow: 'seven days' is not a duration (...)}; validation reports
 * every problem it finds, one per line.
 */
public class ConfigException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }

    public ConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
