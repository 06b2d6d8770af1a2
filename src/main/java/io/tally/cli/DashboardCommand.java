package io.tally.cli;

import io.tally.config.ConfigLoader;
import io.tally.config.TallyConfig;
import io.tally.dashboard.DashboardServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;

@Command(name = "dashboard", mixinStandardHelpOptions = true,
        description = {"Serves the program's live KPIs and alerts to a browser, read from Tally's output topics",
                "(read_committed). Read-only; binds to 127.0.0.1 unless --bind says otherwise."})
public class DashboardCommand implements Callable<Integer> {
    @Option(names = "--kafka", required = true, paramLabel = "HOST:PORT", description = "The Kafka cluster Tally writes to.")
    String kafka;

    @Option(names = "--port", defaultValue = "8080", description = "HTTP port (default ${DEFAULT-VALUE}; 0: any free port).")
    int port;

    @Option(names = "--bind", defaultValue = "127.0.0.1", paramLabel = "HOST",
            description = "Address to listen on (default ${DEFAULT-VALUE}; put a proxy with authentication in front"
                    + " before opening it wider).")
    String bind;

    @Option(names = "--config", paramLabel = "FILE", description = "A jobs/*.yaml configuration: topics and client settings.")
    Path config;

    @Override
    public Integer call() throws Exception {
        TallyConfig cfg = Configs.load(config);
        cfg.kafka.bootstrapServers = kafka;
        Map<String, Object> client = new HashMap<>();
        ConfigLoader.kafkaClientProperties(cfg).forEach((k, v) -> client.put((String) k, v));
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(stop::countDown, "tally-dashboard-stop"));
        try (DashboardServer server = DashboardServer.open(client, cfg, bind, port)) {
            System.out.println("tally dashboard: " + server.url() + " (topics of " + kafka + ")");
            stop.await();
        }
        return 0;
    }
}
