package io.tally.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.UUID;

/**
 * The few calls of Flink's REST API (https://nightlies.apache.org/flink/flink-docs-release-2.2/docs/ops/rest_api/)
 * the cluster test needs, with JDK's HttpClient and Jackson: what {@code flink run} and {@code flink stop} do.
 */
final class FlinkRest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;

    FlinkRest(int port) {
        this.base = URI.create("http://localhost:" + port);
    }

    JsonNode get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    /** GET, or empty while nothing listens on the port yet (the JobManager is starting). */
    Optional<JsonNode> getIfUp(String path) throws IOException, InterruptedException {
        try {
            return Optional.of(get(path));
        } catch (ConnectException | Unavailable e) {
            return Optional.empty();
        }
    }

    /** 503: the JobManager is up but not serving yet (e.g. "an ongoing leader election" right after start). */
    static final class Unavailable extends IOException {
        Unavailable(String message) {
            super(message);
        }
    }

    JsonNode post(String path, Object body) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
    }

    /** POST /jars/upload (multipart, field {@code jarfile}); returns the jar's id for /jars/{id}/run. */
    String uploadJar(Path jar) throws IOException, InterruptedException {
        String boundary = "----tally-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.write(("--" + boundary + "\r\n"
                + "Content-Disposition: form-data; name=\"jarfile\"; filename=\"" + jar.getFileName() + "\"\r\n"
                + "Content-Type: application/x-java-archive\r\n\r\n").getBytes(StandardCharsets.UTF_8));
        body.write(Files.readAllBytes(jar));
        body.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        JsonNode answer = send(HttpRequest.newBuilder(base.resolve("/jars/upload"))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
        if (!"success".equals(answer.path("status").asText())) {
            throw new IOException("jar upload failed: " + answer);
        }
        // "filename" is the stored path; its last segment is the id.
        return Path.of(answer.get("filename").asText()).getFileName().toString();
    }

    private JsonNode send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpRequest r = request.timeout(TIMEOUT).build();
        HttpResponse<String> response = http.send(r, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 503) {
            throw new Unavailable(r.method() + " " + r.uri().getPath() + " answered 503: " + response.body());
        }
        if (response.statusCode() / 100 != 2) {
            throw new IOException(r.method() + " " + r.uri().getPath() + " answered " + response.statusCode() + ": "
                    + response.body());
        }
        return response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
    }
}
