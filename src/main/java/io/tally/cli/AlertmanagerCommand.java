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
import java.util.concurrent.ExecutionException;
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

    @Option(names = "--group", paramLabel = "GROUP",
            description = "Consumer group whose committed offsets mark what was posted to this Alertmanager"
                    + " (default tally-alertmanager@HOST:PORT of --url: one group per Alertmanager).")
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
        String topic = cfg.topic(Stream.ALERTS);
        String groupId = group != null ? group : defaultGroup(url);
        AlertmanagerAlerts alerts = new AlertmanagerAlerts(labels, generatorUrl == null ? null : generatorUrl.toString());
        AlertmanagerBridge bridge = new AlertmanagerBridge(client, topic, groupId, new AlertmanagerClient(url), alerts,
                AlertmanagerBridge.Settings.every(every), Clock.systemUTC());
        // On SIGTERM the bridge finishes the post under way and closes its consumer before the JVM halts.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                bridge.close();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "tally-alertmanager-stop"));
        System.out.println("tally alertmanager: " + topic + " of " + kafka + " -> " + url + " (group " + groupId + ")");
        try {
            bridge.start().done().get();
        } catch (ExecutionException e) {
            // A failed bridge must end the process, so that its supervisor starts it again.
            throw new IllegalStateException("stopped: " + e.getCause(), e.getCause());
        }
        return 0;
    }

    /** One group per Alertmanager: two bridges to two Alertmanagers must not share committed offsets. */
    static String defaultGroup(URI url) {
        return "tally-alertmanager@" + url.getHost() + ":" + (url.getPort() != -1 ? url.getPort()
                : "https".equals(url.getScheme()) ? 443 : 80);
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
