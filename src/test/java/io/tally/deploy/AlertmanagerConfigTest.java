package io.tally.deploy;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The compose stack's Alertmanager configuration is one Alertmanager itself accepts (its amtool). */
class AlertmanagerConfigTest {
    private static final Path AMTOOL = Path.of("/usr/bin/amtool");

    @Test
    void amtoolAcceptsTheComposeStacksAlertmanagerConfiguration() throws Exception {
        if (!"true".equals(System.getenv("CI"))) assumeTrue(Files.isExecutable(AMTOOL), "no amtool here");
        Process p = new ProcessBuilder(AMTOOL.toString(), "check-config", "jobs/compose/alertmanager.yml")
                .redirectErrorStream(true).start();
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("SUCCESS");
    }
}
