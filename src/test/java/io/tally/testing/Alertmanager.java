package io.tally.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A real Prometheus Alertmanager (Debian's prometheus-alertmanager) on a free loopback port, with its data in a
 * directory of the test's, routing every alert at once to a webhook that the test reads. It can be stopped and
 * started again on the same port and data, as an operator restarts it.
 */
public final class Alertmanager implements AutoCloseable {
    private static final Path BINARY = Path.of("/usr/bin/prometheus-alertmanager");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final Duration START = Duration.ofSeconds(30);

    private final Path dir;
    private final int port;
    private final HttpServer webhook;
    private final BlockingQueue<JsonNode> notifications = new LinkedBlockingQueue<>();
    private final HttpServer front;
    private final List<JsonNode> taken = new java.util.concurrent.CopyOnWriteArrayList<>();
    private Process process;

    /** Skips the test where Alertmanager is not installed, except in CI (CI=true), where it must be. */
    public static void assumeInstalled() {
        if (!"true".equals(System.getenv("CI"))) assumeTrue(Files.isExecutable(BINARY), "no prometheus-alertmanager here");
    }

    public Alertmanager(Path dir) throws IOException {
        this.dir = dir;
        this.port = freePort();
        this.webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        webhook.createContext("/hook", exchange -> {
            try (exchange) {
                notifications.add(JSON.readTree(exchange.getRequestBody()));
                exchange.sendResponseHeaders(200, -1);
            }
        });
        webhook.start();
        // In front of the API: forwards each POST of alerts and notes the alerts Alertmanager took (2xx), so a test
        // sees what was delivered even when Alertmanager itself forgets it (it keeps alerts in memory only).
        this.front = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        front.createContext("/api/v2/alerts", exchange -> {
            try (exchange) {
                byte[] body = exchange.getRequestBody().readAllBytes();
                int status;
                byte[] answer;
                try {
                    HttpResponse<byte[]> r = HTTP.send(HttpRequest.newBuilder(url().resolve("/api/v2/alerts"))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                            HttpResponse.BodyHandlers.ofByteArray());
                    status = r.statusCode();
                    answer = r.body();
                } catch (IOException | InterruptedException down) {
                    status = 502;
                    answer = down.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
                }
                if (status / 100 == 2) JSON.readTree(body).forEach(taken::add);
                exchange.sendResponseHeaders(status, answer.length == 0 ? -1 : answer.length);
                if (answer.length > 0) exchange.getResponseBody().write(answer);
            }
        });
        front.start();
        // Every label groups: one notification per alert. Resolved alerts are notified too.
        Files.writeString(dir.resolve("alertmanager.yml"), """
                route:
                  receiver: test
                  group_by: ['...']
                  group_wait: 0s
                  group_interval: 1s
                  repeat_interval: 1h
                receivers:
                  - name: test
                    webhook_configs:
                      - url: http://127.0.0.1:%d/hook
                        send_resolved: true
                """.formatted(webhook.getAddress().getPort()));
    }

    public URI url() {
        return URI.create("http://127.0.0.1:" + port);
    }

    /** Where to post alerts so that {@link #taken()} sees them: forwards to {@link #url()}. */
    public URI frontUrl() {
        return URI.create("http://127.0.0.1:" + front.getAddress().getPort());
    }

    /** Every alert posted through {@link #frontUrl()} that Alertmanager took, in the order taken. */
    public List<JsonNode> taken() {
        return List.copyOf(taken);
    }

    /** Starts Alertmanager and returns once it is ready. */
    public Alertmanager start() throws IOException, InterruptedException {
        process = new ProcessBuilder(BINARY.toString(),
                "--config.file=" + dir.resolve("alertmanager.yml"),
                "--storage.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port,
                "--cluster.listen-address=")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("alertmanager.log").toFile()))
                .start();
        long deadline = System.nanoTime() + START.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) throw new IllegalStateException("Alertmanager exited: " + log());
            try {
                if (get("/-/ready").statusCode() == 200) return this;
            } catch (IOException notYet) {
                // not listening yet
            }
            process.waitFor(100, TimeUnit.MILLISECONDS);
        }
        throw new IllegalStateException("Alertmanager not ready within " + START + ": " + log());
    }

    /** Stops it as an operator does (SIGTERM: it saves its notification log; alerts live in memory only). */
    public void stop() throws InterruptedException {
        if (process == null) return;
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
        process = null;
    }

    /** The alerts Alertmanager holds as active now ({@code GET /api/v2/alerts}; resolved ones are not listed). */
    public List<JsonNode> alerts() throws IOException, InterruptedException {
        HttpResponse<String> r = get("/api/v2/alerts");
        if (r.statusCode() != 200) throw new IllegalStateException("GET alerts: " + r.statusCode() + " " + r.body());
        List<JsonNode> alerts = new ArrayList<>();
        JSON.readTree(r.body()).forEach(alerts::add);
        return alerts;
    }

    /** The next notification the webhook received (an Alertmanager webhook payload), or null after the timeout. */
    public JsonNode nextNotification(Duration timeout) throws InterruptedException {
        return notifications.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    public String log() {
        try {
            Path log = dir.resolve("alertmanager.log");
            return Files.exists(log) ? Files.readString(log) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(url().resolve(path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        stop();
        webhook.stop(0);
        front.stop(0);
    }
}
