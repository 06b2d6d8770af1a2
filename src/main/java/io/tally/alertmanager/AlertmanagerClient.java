package io.tally.alertmanager;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/** Posts alerts to Alertmanager's v2 API. */
public final class AlertmanagerClient {
    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Alertmanager refused the alerts themselves (400, 422): sending them again cannot help. */
    public static final class Rejected extends Exception {
        Rejected(String message) {
            super(message);
        }
    }

    private final URI alerts;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

    /** @param base Alertmanager's address, e.g. {@code http://alertmanager:9093} (a path prefix is kept) */
    public AlertmanagerClient(URI base) {
        String s = base.toString();
        this.alerts = URI.create((s.endsWith("/") ? s : s + "/") + "api/v2/alerts");
    }

    public URI alertsEndpoint() {
        return alerts;
    }

    /**
     * Posts the alerts in one request, in order. Throws {@link IOException} when Alertmanager cannot be reached or
     * answers with any other error (worth retrying), {@link Rejected} when it refuses the content.
     */
    public void post(List<PostableAlert> batch) throws IOException, Rejected, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(alerts)
                .timeout(TIMEOUT)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(body(batch)))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        int status = response.statusCode();
        if (status / 100 == 2) return;
        String message = "Alertmanager answered " + status + " to " + alerts + ": " + response.body().strip();
        if (status == 400 || status == 422) throw new Rejected(message);
        throw new IOException(message);
    }

    private static byte[] body(List<PostableAlert> batch) {
        try {
            return JSON.writeValueAsBytes(batch);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write alerts", e);
        }
    }
}
