package io.tally.cli;

import io.tally.alertmanager.AlertmanagerAlerts;
import io.tally.alertmanager.AlertmanagerBridge;
import io.tally.alertmanager.AlertmanagerClient;
import io.tally.config.ConfigLoader;
import io.tally.config.TallyConfig;
import io.tally.event.Durations;
import io.tally.event.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.regex.Pattern;

@Command(name = "alertmanager", mixinStandardHelpOptions = true,
        description = {"Posts Tally's alerts (FIRING, RESOLVED) from the alerts topic to Prometheus Alertmanager's v2 API,",
                "in order, retrying while Alertmanager is down; re-sends firing alerts while they last."})
public class AlertmanagerCommand implements Callable<Integer> {
    /** Prometheus's label names. */
    private static final Pattern LABEL = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");

    @Spec
    CommandSpec spec;

    @Option(names = "--kafka", required = true, paramLabel = "HOST:PORT", description = "The Kafka cluster Tally writes to.")
    String kafka;

    @Option(names = "--url", required = true, paramLabel = "URL", description = "Alertmanager, e.g. http://alertmanager:9093.")
    URI url;

    @Option(names = "--config", paramLabel = "FILE", description = "A jobs/*.yaml configuration: the alerts topic and client settings.")
    Path config;

    @Option(names = "--group", defaultValue = "tally-alertmanager",
            description = "Consumer group whose committed offsets mark what was posted (default ${DEFAULT-VALUE}).")
    String group;

    @Option(names = "--resend", defaultValue = "1m", paramLabel = "DURATION",
            description = "How often firing alerts are sent again (default ${DEFAULT-VALUE}); Alertmanager keeps one"
                    + " four times as long without news.")
    String resend;

    @Option(names = "--label", paramLabel = "NAME=VALUE", mapFallbackValue = "",
            description = "A label added to every alert, e.g. --label env=prod (repeatable).")
    Map<String, String> labels = new LinkedHashMap<>();

    @Option(names = "--generator-url", paramLabel = "URL", description = "Where responders see more, e.g. the dashboard.")
    URI generatorUrl;

    @Override
    public Integer call() throws Exception {
        Duration every = parseResend();
        for (String name : labels.keySet()) {
            if (!LABEL.matcher(name).matches()) {
                throw new ParameterException(spec.commandLine(), "--label: '" + name + "' is not a label name ([a-zA-Z_][a-zA-Z0-9_]*)");
            }
        }
        if (!"http".equals(url.getScheme()) && !"https".equals(url.getScheme())) {
            throw new ParameterException(spec.commandLine(), "--url: '" + url + "' must be an http or https URL");
        }
        TallyConfig cfg = Configs.load(config);
        cfg.kafka.bootstrapServers = kafka;
        Map<String, Object> client = new HashMap<>();
        ConfigLoader.kafkaClientProperties(cfg).forEach((k, v) -> client.put((String) k, v));
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "tally-alertmanager-stop"));
        String topic = cfg.topic(Stream.ALERTS);
        AlertmanagerAlerts alerts = new AlertmanagerAlerts(labels, generatorUrl == null ? null : generatorUrl.toString());
        try (AlertmanagerBridge bridge = new AlertmanagerBridge(client, topic, group, new AlertmanagerClient(url), alerts,
                AlertmanagerBridge.Settings.every(every), Clock.systemUTC()).start()) {
            System.out.println("tally alertmanager: " + topic + " of " + kafka + " -> " + url);
            stop.await();
        }
        return 0;
    }

    private Duration parseResend() {
        try {
            Duration d = Durations.parse(resend);
            if (d.isZero() || d.isNegative()) throw new IllegalArgumentException("must be positive");
            return d;
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--resend: '" + resend + "' " + e.getMessage());
        }
    }
}
