package io.tally.config;

import java.util.Map;
import java.util.regex.Pattern;

/**
 * Replaces {@code ${VAR}} and {@code ${VAR:-default}} in a configuration string with the environment's value, so
 * that broker addresses and secrets stay out of the files. As in the shell, the default also applies when the
 * variable is set but empty. {@code $${} writes a literal {@code ${}. Substitution is not recursive: a value taken
 * from the environment is used as it is.
 */
final class EnvSubstitution {
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private final Map<String, String> env;

    EnvSubstitution(Map<String, String> env) {
        this.env = env;
    }

    /**
     * @throws IllegalArgumentException for a malformed reference or an unset variable without default; the message
     *     names the variable
     */
    String apply(String text) {
        if (text.indexOf('$') < 0) return text;
        StringBuilder out = new StringBuilder(text.length());
        int i = 0;
        while (i < text.length()) {
            if (text.startsWith("$${", i)) {
                out.append("${");
                i += 3;
            } else if (text.startsWith("${", i)) {
                int end = text.indexOf('}', i + 2);
                if (end < 0) {
                    throw new IllegalArgumentException("unterminated '${' in '" + text + "' (write ${NAME} or ${NAME:-default})");
                }
                out.append(resolve(text.substring(i + 2, end)));
                i = end + 1;
            } else {
                out.append(text.charAt(i++));
            }
        }
        return out.toString();
    }

    private String resolve(String reference) {
        int sep = reference.indexOf(":-");
        String name = sep < 0 ? reference : reference.substring(0, sep);
        String fallback = sep < 0 ? null : reference.substring(sep + 2);
        if (!NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("'${" + reference + "}' is not a variable reference"
                    + " (write ${NAME} or ${NAME:-default})");
        }
        String value = env.get(name);
        if (value == null || (value.isEmpty() && fallback != null)) value = fallback;
        if (value == null) {
            throw new IllegalArgumentException("environment variable " + name + " is not set and has no default"
                    + " (set it, or write ${" + name + ":-default})");
        }
        return value;
    }
}
