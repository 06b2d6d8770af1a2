package io.tally.reference;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tally.attribution.Attribution;
import io.tally.event.Stream;
import io.tally.io.DeadLetterReason;
import io.tally.io.Json;
import io.tally.reference.ReferenceAttribution.Letter;
import io.tally.reference.ReferenceAttribution.Result;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Compares a replay's output files with the reference: attribution records field by field (money and rates as
 * decimals, weights within 1e-9), dead letters by (stream, reason, id). On a mismatch the failure shows the first
 * differing records, readably.
 */
final class ReferenceComparison {
    /** Dead-letter reasons the reference predicts; every other reason must not occur on generated (valid) data. */
    static final Set<DeadLetterReason> PREDICTED = EnumSet.of(DeadLetterReason.DUPLICATE,
            DeadLetterReason.UNKNOWN_ORDER, DeadLetterReason.AFTER_SETTLEMENT, DeadLetterReason.ALREADY_REVERSED);
    private static final double WEIGHT_TOLERANCE = 1e-9;
    private static final int SHOWN_DIFFERENCES = 8;
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {};

    private ReferenceComparison() {}

    /** Asserts that a replay's output directory holds exactly what the reference predicts. */
    static void assertAgrees(Result expected, Path out) {
        String problems = String.join("\n", nonNull(
                diff("attributions", canonical(toMaps(expected.primary)),
                        canonical(read(out.resolve("attributions.jsonl")))),
                diff("attributions-shadow", canonical(toMaps(expected.shadow)),
                        canonical(read(out.resolve("attributions-shadow.jsonl")))),
                diffLetters(expected.deadLetters, out.resolve("dead-letters.jsonl"))));
        if (!problems.isEmpty()) fail("replay disagrees with the reference implementation:\n" + problems);
    }

    /** Asserts that two output directories hold byte-identical files of the same names. */
    static void assertSameFiles(Path a, Path b) throws IOException {
        List<String> names = List.of(list(a));
        assertThat(list(b)).as("files of %s vs %s", a, b).containsExactlyElementsOf(names);
        for (String name : names) {
            byte[] x = Files.readAllBytes(a.resolve(name));
            byte[] y = Files.readAllBytes(b.resolve(name));
            if (!Arrays.equals(x, y)) {
                List<String> lx = Files.readAllLines(a.resolve(name), StandardCharsets.UTF_8);
                List<String> ly = Files.readAllLines(b.resolve(name), StandardCharsets.UTF_8);
                int i = 0;
                while (i < lx.size() && i < ly.size() && lx.get(i).equals(ly.get(i))) i++;
                fail(name + " differs between " + a + " and " + b + " at line " + (i + 1) + ":\n  "
                        + (i < lx.size() ? lx.get(i) : "<end>") + "\n  " + (i < ly.size() ? ly.get(i) : "<end>"));
            }
        }
    }

    private static String[] list(Path dir) throws IOException {
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            return files.map(p -> p.getFileName().toString()).sorted().toArray(String[]::new);
        }
    }

    // ---- attributions ----

    /** Records (maps of their JSON) by a key that is unique per record. */
    static TreeMap<String, Map<String, Object>> canonical(List<Map<String, Object>> records) {
        TreeMap<String, Map<String, Object>> byKey = new TreeMap<>();
        for (Map<String, Object> r : records) {
            String key = key(r);
            while (byKey.containsKey(key)) key += " (again)"; // a repeated record is a difference too
            byKey.put(key, r);
        }
        return byKey;
    }

    /** Reference records as the maps of the JSON the pipeline would write for them. */
    static List<Map<String, Object>> toMaps(List<Attribution> records) {
        List<Map<String, Object>> maps = new ArrayList<>();
        for (Attribution a : records) maps.add(parse(Json.write(a)));
        return maps;
    }

    static List<Map<String, Object>> read(Path file) {
        try {
            List<Map<String, Object>> maps = new ArrayList<>();
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (!line.isBlank()) maps.add(parse(line));
            }
            return maps;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Map<String, Object> parse(String json) {
        try {
            return JSON.readValue(json, MAP);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String key(Map<String, Object> r) {
        return r.get("orderId") + "/" + r.get("lineId") + " " + r.get("model")
                + (Boolean.TRUE.equals(r.get("reversal")) ? " reversal " + r.get("updateEventId") : " original")
                + " " + r.get("creatorId") + "/" + r.get("contentId") + " ts " + r.get("ts");
    }

    /** A readable description of the differences, or null when there is none. */
    static String diff(String what, TreeMap<String, Map<String, Object>> expected,
                       TreeMap<String, Map<String, Object>> actual) {
        List<String> shown = new ArrayList<>();
        int differences = 0;
        Set<String> keys = new TreeSet<>(expected.keySet());
        keys.addAll(actual.keySet());
        for (String key : keys) {
            Map<String, Object> e = expected.get(key);
            Map<String, Object> a = actual.get(key);
            String d;
            if (a == null) d = "  missing  " + key + "\n    expected " + e;
            else if (e == null) d = "  extra    " + key + "\n    actual   " + a;
            else d = fieldDiff(key, e, a);
            if (d != null && differences++ < SHOWN_DIFFERENCES) shown.add(d);
        }
        if (differences == 0) return null;
        return what + ": " + differences + " of " + keys.size() + " records differ (expected " + expected.size()
                + ", actual " + actual.size() + "); the first ones:\n" + String.join("\n", shown);
    }

    private static String fieldDiff(String key, Map<String, Object> e, Map<String, Object> a) {
        Set<String> fields = new TreeSet<>(e.keySet());
        fields.addAll(a.keySet());
        List<String> differing = new ArrayList<>();
        for (String f : fields) {
            if (!sameValue(f, e.get(f), a.get(f))) differing.add(f + ": expected " + e.get(f) + ", actual " + a.get(f));
        }
        if (differing.isEmpty()) return null;
        return "  differs  " + key + "\n    " + String.join("\n    ", differing) + "\n    expected " + e
                + "\n    actual   " + a;
    }

    private static boolean sameValue(String field, Object e, Object a) {
        if (e == null || a == null) return e == a;
        if (e instanceof Number && a instanceof Number) {
            if (field.equals("weight")) {
                return Math.abs(((Number) e).doubleValue() - ((Number) a).doubleValue()) <= WEIGHT_TOLERANCE;
            }
            return new BigDecimal(e.toString()).compareTo(new BigDecimal(a.toString())) == 0;
        }
        return Objects.equals(e, a);
    }

    // ---- dead letters ----

    /** The dead letters of a replay as "stream reason id", for the predicted reasons; others as raw lines. */
    private static String diffLetters(List<Letter> expected, Path file) {
        List<String> want = new ArrayList<>();
        for (Letter l : expected) want.add(l.stream() + " " + l.reason() + " " + l.id());
        List<String> got = new ArrayList<>();
        List<String> unpredicted = new ArrayList<>();
        for (Map<String, Object> d : read(file)) {
            DeadLetterReason reason = DeadLetterReason.valueOf((String) d.get("reason"));
            if (!PREDICTED.contains(reason)) {
                unpredicted.add(d.toString());
                continue;
            }
            Map<String, Object> payload = parse((String) d.get("payload"));
            Object id = Stream.ORDERS.wireName().equals(d.get("stream")) ? payload.get("orderId") : payload.get("eventId");
            got.add(d.get("stream") + " " + reason + " " + id);
        }
        want.sort(null);
        got.sort(null);
        List<String> problems = new ArrayList<>();
        if (!want.equals(got)) {
            problems.add("dead letters: expected " + want.size() + ", actual " + got.size()
                    + "\n    missing " + minus(want, got) + "\n    extra   " + minus(got, want));
        }
        if (!unpredicted.isEmpty()) problems.add("dead letters of unexpected reasons: " + unpredicted);
        return problems.isEmpty() ? null : String.join("\n", problems);
    }

    private static List<String> minus(List<String> a, List<String> b) {
        List<String> rest = new ArrayList<>(a);
        for (String x : b) rest.remove(x);
        return rest;
    }

    private static List<String> nonNull(String... parts) {
        List<String> list = new ArrayList<>();
        for (String p : parts) if (p != null) list.add(p);
        return list;
    }
}
