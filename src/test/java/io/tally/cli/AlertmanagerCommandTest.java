package io.tally.cli;

import org.junit.jupiter.api.Test;

import java.io.PrintStream;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/** The alertmanager command's arguments: a wrong one fails at once, naming the option. */
class AlertmanagerCommandTest {

    @Test
    void eachAlertmanagerGetsItsOwnConsumerGroupByDefault() {
        assertThat(AlertmanagerCommand.defaultGroup(URI.create("http://alertmanager:9093")))
                .isEqualTo("tally-alertmanager@alertmanager:9093");
        assertThat(AlertmanagerCommand.defaultGroup(URI.create("https://am.example.com/prefix")))
                .isEqualTo("tally-alertmanager@am.example.com:443");
    }

    @Test
    void aLabelThatIsNotAPrometheusLabelNameIsRefused() {
        assertThat(errorOf("--label", "bad-name=x")).contains("--label").contains("bad-name");
    }

    @Test
    void aResendThatIsNotAPositiveDurationIsRefused() {
        assertThat(errorOf("--resend", "0s")).contains("--resend");
        assertThat(errorOf("--resend", "soon")).contains("--resend");
    }

    @Test
    void anAlertmanagerUrlMustBeHttp() {
        assertThat(errorOf("--url", "ftp://alertmanager:9093")).contains("--url");
    }

    /** Runs the command with these arguments after valid required ones; returns what it printed on stderr. */
    private static String errorOf(String... args) {
        String[] all = new String[4 + args.length];
        all[0] = "alertmanager";
        all[1] = "--kafka=127.0.0.1:1";
        boolean url = args[0].equals("--url");
        all[2] = url ? args[0] : "--url";
        all[3] = url ? args[1] : "http://127.0.0.1:1";
        int n = 4;
        for (int i = url ? 2 : 0; i < args.length; i++) all[n++] = args[i];
        PrintStream err = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try {
            assertThat(Main.execute(java.util.Arrays.copyOf(all, n))).isNotZero();
        } finally {
            System.setErr(err);
        }
        return captured.toString(StandardCharsets.UTF_8);
    }
}
