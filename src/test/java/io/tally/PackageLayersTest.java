package io.tally;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The packages of src/main form layers, as README's Architecture section draws them: a package imports only packages
 * of the layers below its own, so there is no cycle and each capability can be read without those above it.
 */
class PackageLayersTest {
    /** Top to bottom; packages of one layer do not import each other. */
    static final List<List<String>> LAYERS = List.of(
            List.of("cli"),
            List.of("bench"),
            List.of("pipeline"),
            List.of("generate", "local"),
            List.of("dashboard", "alertmanager"),
            List.of("connect"),
            List.of("config"),
            List.of("alert"),
            List.of("kpi"),
            List.of("attribution"),
            List.of("core"),
            List.of("event"),
            List.of("io"));

    private static final Path MAIN = Path.of("src/main/java/io/tally");
    private static final Pattern IMPORT = Pattern.compile("^import (?:static )?io\\.tally\\.(\\w+)\\.", Pattern.MULTILINE);
    /** A fully qualified use in code, as in {@code io.tally.core.TallyMetrics.group(...)}. */
    private static final Pattern QUALIFIED = Pattern.compile("\\bio\\.tally\\.(\\w+)\\.[A-Z]");

    @Test
    void everyPackageImportsOnlyPackagesOfTheLayersBelowIt() throws IOException {
        List<String> violations = new ArrayList<>();
        List<Path> files;
        try (Stream<Path> walk = Files.walk(MAIN)) {
            files = walk.filter(p -> p.toString().endsWith(".java")).toList();
        }
        for (Path file : files) {
            String pkg = MAIN.relativize(file).getName(0).toString();
            int layer = layerOf(pkg);
            assertThat(layer).as("layer of package %s (%s)", pkg, file).isNotNegative();
            String source = Files.readString(file);
            for (Pattern p : List.of(IMPORT, QUALIFIED)) {
                Matcher m = p.matcher(source);
                while (m.find()) {
                    String used = m.group(1);
                    if (used.equals(pkg)) continue;
                    int usedLayer = layerOf(used);
                    if (usedLayer <= layer) violations.add(file + " (" + pkg + ") uses " + used);
                }
            }
        }
        assertThat(violations).isEmpty();
    }

    @Test
    void theLayersNameEveryPackage() throws IOException {
        List<String> packages;
        try (Stream<Path> list = Files.list(MAIN)) {
            packages = list.filter(Files::isDirectory).map(p -> p.getFileName().toString()).toList();
        }
        assertThat(LAYERS.stream().flatMap(List::stream)).containsExactlyInAnyOrderElementsOf(packages);
    }

    private static int layerOf(String pkg) {
        for (int i = 0; i < LAYERS.size(); i++) {
            if (LAYERS.get(i).contains(pkg)) return i;
        }
        return -1;
    }
}
