package io.tally.config;

import io.tally.attribution.AttributionSettings;
import io.tally.attribution.Model;
import io.tally.event.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ConfigLoaderTest {
    private static final Map<String, String> NO_ENV = Map.of();

    @TempDir
    Path dir;

    private Path file;

    // ---- defaults ----

    @Test
    void defaultsAreTheContracts() {
        TallyConfig c = new TallyConfig();
        AttributionSettings a = c.attribution;
        assertThat(a.primaryModel).isEqualTo(Model.LAST_CLICK);
        assertThat(a.clickWindow).isEqualTo(Duration.ofDays(7));
        assertThat(a.viewWindow).isEqualTo(Duration.ofDays(1));
        assertThat(a.halfLife).isEqualTo(Duration.ofDays(1));
        assertThat(a.customerHorizon).isEqualTo(Duration.ofDays(365));
        assertThat(a.settlementWindow).isEqualTo(Duration.ofDays(30));
        assertThat(a.payViewThrough).isFalse();
        assertThat(a.dedup).containsExactly(
                Map.entry("views", Duration.ofMinutes(5)),
                Map.entry("engagements", Duration.ofMinutes(5)),
                Map.entry("clicks", Duration.ofHours(1)),
                Map.entry("orders", Duration.ofHours(72)),
                Map.entry("order-updates", Duration.ofHours(72)),
                Map.entry("spend", Duration.ofHours(72)),
                Map.entry("reviews", Duration.ofHours(72)));
        assertThat(c.kpis.windows).containsExactly(Duration.ofMinutes(1), Duration.ofHours(1), Duration.ofDays(1));
        assertThat(c.kpis.updateInterval).isEqualTo(Duration.ofSeconds(10));
        assertThat(c.time.watermarkBound).isEqualTo(Duration.ofSeconds(5));
        for (Stream s : Stream.values()) assertThat(c.topic(s)).isEqualTo("tally." + s.wireName());
    }

    @Test
    void defaultsAreValid() {
        TallyConfig c = new TallyConfig();
        assertThat(ConfigLoader.validate(c, "defaults")).isSameAs(c);
    }

    @Test
    void anEmptyFileGivesTheDefaults() throws IOException {
        TallyConfig loaded = load("# nothing but a comment\n");
        assertThat(ConfigLoader.describe(loaded)).isEqualTo(ConfigLoader.describe(new TallyConfig()));
    }

    // ---- merging onto the defaults ----

    @Test
    void aNestedKeyOverridesOnlyItself() throws IOException {
        TallyConfig c = load("attribution:\n  clickWindow: 3d\n");
        assertThat(c.attribution.clickWindow).isEqualTo(Duration.ofDays(3));
        assertThat(c.attribution.viewWindow).isEqualTo(Duration.ofDays(1));
        assertThat(c.attribution.shadowModels).hasSize(4);
        assertThat(c.attribution.dedup).hasSize(7);
        assertThat(c.kafka.bootstrapServers).isEqualTo("localhost:9092");
    }

    @Test
    void mapsMergeKeyByKey() throws IOException {
        TallyConfig c = load("topics:\n  views: raw.views\nattribution:\n  dedup:\n    clicks: 2h\n");
        assertThat(c.topic(Stream.VIEWS)).isEqualTo("raw.views");
        assertThat(c.topic(Stream.CLICKS)).isEqualTo("tally.clicks");
        assertThat(c.topics).hasSize(Stream.values().length);
        assertThat(c.attribution.dedupHorizon(Stream.CLICKS)).isEqualTo(Duration.ofHours(2));
        assertThat(c.attribution.dedupHorizon(Stream.VIEWS)).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.attribution.dedup).hasSize(7);
    }

    @Test
    void listsReplaceTheDefault() throws IOException {
        TallyConfig c = load("kpis:\n  windows: [5m]\nattribution:\n  shadowModels: [LINEAR]\n");
        assertThat(c.kpis.windows).containsExactly(Duration.ofMinutes(5));
        assertThat(c.attribution.shadowModels).containsExactly(Model.LINEAR);
    }

    @Test
    void anEmptyListOrMapMeansNone() throws IOException {
        assertThat(load("attribution:\n  shadowModels: []\n").attribution.shadowModels).isEmpty();
        assertThat(load("attribution:\n  shadowModels:\n").attribution.shadowModels).isEmpty();
        assertThat(load("kafka:\n  properties:\n    # all commented out\n").kafka.properties).isEmpty();
    }

    @Test
    void anEmptySectionKeepsItsDefaults() throws IOException {
        TallyConfig c = load("checkpoints:\n  # interval: 1m\n");
        assertThat(c.checkpoints.interval).isEqualTo(Duration.ofSeconds(30));
    }

    @Test
    void readsDurationsModelsAndScalars() throws IOException {
        TallyConfig c = load("job: {name: j, parallelism: 4}\n"
                + "attribution: {primaryModel: TIME_DECAY, shadowModels: [LAST_CLICK], halfLife: 2h, viewWindow: 60000, payViewThrough: true}\n"
                + "checkpoints: {stateBackend: hashmap, incremental: false}\n"
                + "time: {watermarkBound: 0s, sourceIdleness: 0}\n");
        assertThat(c.job.parallelism).isEqualTo(4);
        assertThat(c.attribution.primaryModel).isEqualTo(Model.TIME_DECAY);
        assertThat(c.attribution.halfLife).isEqualTo(Duration.ofHours(2));
        assertThat(c.attribution.viewWindow).isEqualTo(Duration.ofMinutes(1));
        assertThat(c.attribution.payViewThrough).isTrue();
        assertThat(c.checkpoints.stateBackend).isEqualTo("hashmap");
        assertThat(c.checkpoints.incremental).isFalse();
        assertThat(c.time.watermarkBound).isZero();
        assertThat(c.time.sourceIdleness).isZero();
    }

    @Test
    void onlyTrueAndFalseAreBooleans() throws IOException {
        assertThat(load("kafka:\n  groupId: off\n  properties: {enable.idempotence: yes}\n").kafka.groupId).isEqualTo("off");
        assertThat(load("kafka:\n  properties: {enable.idempotence: yes}\n").kafka.properties)
                .containsEntry("enable.idempotence", "yes");
        assertThat(failure("checkpoints:\n  incremental: yes\n")).endsWith("checkpoints.incremental: 'yes' is not true or false");
    }

    // ---- errors name the file and the key ----

    @Test
    void unknownTopLevelKeyFails() {
        assertThat(failure("atribution:\n  clickWindow: 3d\n"))
                .startsWith(file + ": unknown key 'atribution'")
                .contains("attribution");
    }

    @Test
    void unknownNestedKeyFails() {
        assertThat(failure("attribution:\n  clickWindo: 3d\n"))
                .startsWith(file + ": unknown key 'attribution.clickWindo'")
                .contains("clickWindow");
    }

    @Test
    void unknownStreamInTopicsOrDedupFails() {
        assertThat(failure("topics:\n  view: tally.views\n")).startsWith(file + ": unknown key 'topics.view'");
        assertThat(failure("attribution:\n  dedup:\n    order_updates: 1h\n"))
                .startsWith(file + ": unknown key 'attribution.dedup.order_updates'");
        // a stream of the contract that is not deduplicated by id
        assertThat(failure("attribution:\n  dedup:\n    products: 1h\n"))
                .startsWith(file + ": unknown key 'attribution.dedup.products'");
    }

    @Test
    void badDurationFails() {
        assertThat(failure("attribution:\n  clickWindow: seven days\n"))
                .startsWith(file + ": attribution.clickWindow: 'seven days' is not a duration (");
        assertThat(failure("attribution:\n  dedup:\n    views: [5m]\n"))
                .isEqualTo(file + ": attribution.dedup.views: expected a duration such as 5s or 7d");
        assertThat(failure("kpis:\n  windows: [1m, 1w]\n")).startsWith(file + ": kpis.windows[1]: '1w' is not a duration");
        assertThat(failure("kpis:\n  updateInterval: {seconds: 10}\n"))
                .isEqualTo(file + ": kpis.updateInterval: expected a duration such as 5s or 7d");
        assertThat(failure("kpis:\n  updateInterval: 1.5\n")).startsWith(file + ": kpis.updateInterval: '1.5' is not a duration");
    }

    @Test
    void badEnumFails() {
        assertThat(failure("attribution:\n  primaryModel: LAST\n")).isEqualTo(file + ": attribution.primaryModel: 'LAST'"
                + " is not one of LAST_CLICK, FIRST_CLICK, LINEAR, TIME_DECAY, POSITION_BASED");
        assertThat(failure("attribution:\n  shadowModels: [LINEAR, last_click]\n"))
                .startsWith(file + ": attribution.shadowModels[1]: 'last_click' is not one of");
    }

    @ParameterizedTest
    @ValueSource(strings = {"none", "gzip", "snappy", "lz4", "zstd"})
    void compressionIsOneOfKafkasCodecs(String codec) throws IOException {
        TallyConfig c = load("kafka:\n  compression: " + codec + "\n");
        assertThat(c.kafka.compression.kafkaName()).isEqualTo(codec);
        assertThat(ConfigLoader.describe(c)).contains("compression: " + codec + "\n");
    }

    @Test
    void compressionDefaultsToLz4() {
        assertThat(new TallyConfig().kafka.compression).isEqualTo(Compression.LZ4);
    }

    @Test
    void compressionOutsideKafkasCodecsFails() {
        String codecs = "' is not one of none, gzip, snappy, lz4, zstd";
        assertThat(failure("kafka:\n  compression: brotli\n"))
                .isEqualTo(file + ": kafka.compression: 'brotli" + codecs);
        assertThat(failure("kafka:\n  compression: LZ4\n")).isEqualTo(file + ": kafka.compression: 'LZ4" + codecs);
        assertThat(failure("kafka:\n  compression: 4\n")).startsWith(file + ": kafka.compression: ");
        assertThat(failure("kafka:\n  compression:\n")).isEqualTo(file + ": kafka.compression: has no value (write one,"
                + " or leave the key out to keep the default)");
        assertThat(failure("kafka:\n  properties:\n    compression.type: zstd\n"))
                .isEqualTo(file + ": kafka.properties.compression.type: set kafka.compression instead");
    }

    @Test
    void compressionSetToNullInCodeFailsValidation() {
        TallyConfig c = new TallyConfig();
        c.kafka.compression = null;
        assertThatThrownBy(() -> ConfigLoader.validate(c, "code")).isInstanceOf(ConfigException.class)
                .hasMessage("code: kafka.compression: has no value");
    }

    @Test
    void badNumberOrBooleanFails() {
        assertThat(failure("job:\n  parallelism: four\n"))
                .isEqualTo(file + ": job.parallelism: 'four' is not a whole number");
        assertThat(failure("job:\n  parallelism: 2.5\n")).startsWith(file + ": job.parallelism: ");
        assertThat(failure("checkpoints:\n  incremental: maybe\n"))
                .isEqualTo(file + ": checkpoints.incremental: 'maybe' is not true or false");
    }

    @Test
    void wrongShapeFails() {
        assertThat(failure("kafka: localhost:9092\n")).startsWith(file + ": kafka: expected a mapping of keys");
        assertThat(failure("kafka:\n  properties: [a, b]\n"))
                .startsWith(file + ": kafka.properties: expected a mapping of keys to values");
        assertThat(failure("kafka:\n  properties:\n    sasl: {mechanism: PLAIN}\n"))
                .startsWith(file + ": kafka.properties.sasl: expected a single value");
        assertThat(failure("- a\n- b\n")).startsWith(file + ": expected a mapping of keys at the top level");
    }

    @Test
    void aKeyWithoutValueFailsForASingleValue() {
        assertThat(failure("job:\n  name:\n")).startsWith(file + ": job.name: has no value");
        assertThat(failure("kafka:\n  properties:\n    security.protocol:\n"))
                .startsWith(file + ": kafka.properties.security.protocol: has no value");
    }

    @Test
    void duplicateKeyFails() {
        assertThat(failure("job:\n  name: a\n  name: b\n")).startsWith(file + ": ").contains("name");
    }

    @Test
    void invalidYamlFailsWithItsLine() {
        assertThat(failure("job:\n  name: [unclosed\n")).startsWith(file + ": line ").contains("not valid YAML");
    }

    @Test
    void missingFileFails() {
        Path missing = dir.resolve("nope.yaml");
        assertThatThrownBy(() -> ConfigLoader.load(missing, NO_ENV))
                .isInstanceOf(ConfigException.class)
                .hasMessage(missing + ": no such file");
    }

    // ---- environment substitution ----

    @Test
    void substitutesEnvironmentVariables() throws IOException {
        String yaml = "kafka:\n  bootstrapServers: ${BROKERS}\n  groupId: g-${REGION}-1\n";
        TallyConfig c = load(yaml, Map.of("BROKERS", "b1:9093,b2:9093", "REGION", "eu"));
        assertThat(c.kafka.bootstrapServers).isEqualTo("b1:9093,b2:9093");
        assertThat(c.kafka.groupId).isEqualTo("g-eu-1");
    }

    @Test
    void usesTheDefaultWhenTheVariableIsUnsetOrEmpty() throws IOException {
        String yaml = "kafka:\n  bootstrapServers: ${BROKERS:-localhost:9092}\n";
        assertThat(load(yaml, NO_ENV).kafka.bootstrapServers).isEqualTo("localhost:9092");
        assertThat(load(yaml, Map.of("BROKERS", "")).kafka.bootstrapServers).isEqualTo("localhost:9092");
        assertThat(load(yaml, Map.of("BROKERS", "k:1")).kafka.bootstrapServers).isEqualTo("k:1");
        assertThat(load("kafka:\n  groupId: g${SUFFIX:-}\n", NO_ENV).kafka.groupId).isEqualTo("g");
    }

    @Test
    void substitutedTextFeedsTypedValues() throws IOException {
        TallyConfig c = load("job:\n  parallelism: ${P:-2}\ntime:\n  watermarkBound: ${BOUND}\n", Map.of("BOUND", "10s"));
        assertThat(c.job.parallelism).isEqualTo(2);
        assertThat(c.time.watermarkBound).isEqualTo(Duration.ofSeconds(10));
    }

    @Test
    void anEnvironmentValueIsNotSubstitutedAgain() throws IOException {
        TallyConfig c = load("kafka:\n  properties:\n    sasl.jaas.config: ${JAAS}\n  groupId: $${LITERAL}\n",
                Map.of("JAAS", "password=\"${NOT_A_VAR}\";"));
        assertThat(c.kafka.properties).containsEntry("sasl.jaas.config", "password=\"${NOT_A_VAR}\";");
        assertThat(c.kafka.groupId).isEqualTo("${LITERAL}");
    }

    @Test
    void anUnsetVariableWithoutDefaultFailsNamingVariableKeyAndFile() {
        assertThatThrownBy(() -> load("kafka:\n  properties:\n    sasl.jaas.config: ${KAFKA_SASL_JAAS_CONFIG}\n", NO_ENV))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith(file + ": kafka.properties.sasl.jaas.config: environment variable"
                        + " KAFKA_SASL_JAAS_CONFIG is not set");
        assertThatThrownBy(() -> load("kpis:\n  windows: [1m, '${W}']\n", NO_ENV))
                .hasMessageStartingWith(file + ": kpis.windows[1]: environment variable W is not set");
    }

    @Test
    void aMalformedReferenceFails() {
        assertThat(failure("kafka:\n  groupId: ${GROUP\n")).startsWith(file + ": kafka.groupId: unterminated '${'");
        assertThat(failure("kafka:\n  groupId: ${GROUP ID}\n"))
                .startsWith(file + ": kafka.groupId: '${GROUP ID}' is not a variable reference");
    }

    // ---- describe and Kafka client properties ----

    @Test
    void describeRedactsSecretsAndShowsTheRest() throws IOException {
        TallyConfig c = load("kafka:\n  properties:\n"
                + "    security.protocol: SASL_SSL\n"
                + "    sasl.mechanism: SCRAM-SHA-512\n"
                + "    sasl.jaas.config: ${JAAS}\n"
                + "    ssl.key.password: ${KEY_PASSWORD}\n"
                + "    ssl.truststore.password: ${TRUST_PASSWORD}\n"
                + "    sasl.oauthbearer.token.endpoint.url: https://idp/token-secret-path\n"
                + "    client.SECRET: ${CLIENT_SECRET}\n",
                Map.of("JAAS", "org.apache.kafka.common.security.scram.ScramLoginModule required password=\"p4ss\";",
                        "KEY_PASSWORD", "k3y-pass", "TRUST_PASSWORD", "hunter2-trust", "CLIENT_SECRET", "s3cr3t-value"));
        String text = ConfigLoader.describe(c);
        assertThat(text)
                .contains("security.protocol: SASL_SSL", "sasl.mechanism: SCRAM-SHA-512", "clickWindow: 7d")
                .doesNotContain("p4ss", "k3y-pass", "hunter2-trust", "token-secret-path", "s3cr3t-value");
        assertThat(text.lines().filter(l -> l.contains(ConfigLoader.REDACTED))).hasSize(5);
        // the configuration itself still holds the secrets, for the Kafka clients
        assertThat(ConfigLoader.kafkaClientProperties(c).getProperty("ssl.key.password")).isEqualTo("k3y-pass");
    }

    @Test
    void aSecretWrittenIntoTheFileIsRefusedNamingTheKey() {
        for (String property : List.of("sasl.jaas.config", "ssl.truststore.password", "ssl.key.password",
                "sasl.oauthbearer.client.credentials.client.secret")) {
            assertThat(failure("kafka:\n  properties:\n    " + property + ": hunter2\n"))
                    .startsWith(file + ": kafka.properties." + property + ": a secret may not be written in the file")
                    .contains("${KAFKA_" + property.toUpperCase(java.util.Locale.ROOT).replace('.', '_') + "}")
                    .doesNotContain("hunter2");
        }
    }

    @Test
    void secretsFromTheEnvironmentAndNonSecretLiteralsAreAccepted() throws IOException {
        TallyConfig c = load("kafka:\n  properties:\n"
                + "    sasl.jaas.config: org.apache.kafka.common.security.plain.PlainLoginModule required"
                + " username=\"tally\" password=\"${KAFKA_PASSWORD}\";\n"
                + "    ssl.truststore.password: ${TRUST}\n"
                + "    ssl.keystore.location: /etc/tally/keystore.jks\n"
                + "    sasl.oauthbearer.token.endpoint.url: https://idp/token\n",
                Map.of("KAFKA_PASSWORD", "pw", "TRUST", "tr"));
        Properties p = ConfigLoader.kafkaClientProperties(c);
        assertThat(p.getProperty("sasl.jaas.config")).endsWith("password=\"pw\";");
        assertThat(p.getProperty("ssl.keystore.location")).isEqualTo("/etc/tally/keystore.jks");
    }

    @Test
    void describeIsLoadableYamlOfTheSameConfiguration() throws IOException {
        TallyConfig c = load("job: {name: x, parallelism: 3}\nattribution: {shadowModels: [LINEAR]}\n"
                + "alerts:\n  rules:\n    - {ruleId: r, ts: 0, dimension: ALL, op: '>', metric: cpa, threshold: {metric: marginPerOrder},"
                + " window: 1h}\n");
        String text = ConfigLoader.describe(c);
        Path copy = dir.resolve("described.yaml");
        Files.writeString(copy, text, StandardCharsets.UTF_8);
        TallyConfig reloaded = ConfigLoader.load(copy, NO_ENV);
        assertThat(ConfigLoader.describe(reloaded)).isEqualTo(text);
        assertThat(reloaded.alerts.rules.get(0)).containsEntry("op", ">").containsEntry("threshold", Map.of("metric", "marginPerOrder"));
    }

    @Test
    void kafkaClientPropertiesHoldBootstrapServersAndTheExtras() throws IOException {
        TallyConfig c = load("kafka:\n  bootstrapServers: ${B}\n  properties:\n    security.protocol: SSL\n"
                + "    ssl.truststore.password: ${T}\n    linger.ms: 5\n", Map.of("B", "b:9093", "T", "tp"));
        Properties p = ConfigLoader.kafkaClientProperties(c);
        assertThat(p).containsOnly(Map.entry("bootstrap.servers", "b:9093"), Map.entry("security.protocol", "SSL"),
                Map.entry("ssl.truststore.password", "tp"), Map.entry("linger.ms", "5"));
    }

    // ---- validation ----

    @Test
    void validationNamesEachBrokenRule() {
        assertProblem("job:\n  parallelism: -1\n", "job.parallelism: must be 0");
        assertProblem("job:\n  name: ' '\n", "job.name: must not be empty");
        assertProblem("attribution:\n  clickWindow: 0s\n", "attribution.clickWindow: must be longer than 0");
        assertProblem("attribution:\n  viewWindow: -5\n", "attribution.viewWindow: must be longer than 0");
        assertProblem("attribution:\n  dedup:\n    views: 0s\n", "attribution.dedup.views: must be longer than 0");
        assertProblem("time:\n  watermarkBound: -1\n", "time.watermarkBound: must not be negative");
        assertProblem("kpis:\n  windows: []\n", "kpis.windows: needs at least one window size");
        assertProblem("kpis:\n  windows: [1m, 0s]\n", "kpis.windows[1]: must be longer than 0");
        assertProblem("kpis:\n  windows: [1h, 60m]\n", "kpis.windows[1]: 1h is listed twice");
        assertProblem("kpis:\n  updateInterval: 0s\n", "kpis.updateInterval: must be longer than 0");
        assertProblem("checkpoints:\n  stateBackend: memory\n",
                "checkpoints.stateBackend: 'memory' is not one of hashmap, rocksdb");
        assertProblem("checkpoints:\n  interval: 0s\n", "checkpoints.interval: must be longer than 0");
        assertProblem("kafka:\n  startingOffsets: newest\n", "kafka.startingOffsets: 'newest' is not one of earliest, latest");
        assertProblem("kafka:\n  transactionTimeout: 1h\n", "kafka.transactionTimeout: 1h is above the broker's default");
        assertProblem("kafka:\n  transactionTimeout: 30s\n", "kafka.transactionTimeout: must be longer than checkpoints.interval (30s)");
        assertProblem("kafka:\n  properties:\n    bootstrap.servers: x:1\n",
                "kafka.properties.bootstrap.servers: set kafka.bootstrapServers instead");
        assertProblem("attribution:\n  settlementWindow: 120d\n",
                "attribution.orderMemory: must be at least attribution.settlementWindow (120d)");
        assertProblem("attribution:\n  shadowModels: [LINEAR, LINEAR]\n", "attribution.shadowModels[1]: LINEAR is listed twice");
        assertProblem("topics:\n  kpis: tally.alerts\n", "topics.alerts: topic 'tally.alerts' is also the topic of kpis");
        assertProblem("topics:\n  views: 'tally views'\n", "topics.views: 'tally views' is not a Kafka topic name");
        assertProblem("alerts:\n  rules:\n    - {metric: cpa}\n", "alerts.rules[0]: ruleId: missing");
    }

    @Test
    void zeroIsAllowedWhereItMeansNothingOrDisabled() throws IOException {
        TallyConfig c = load("job: {parallelism: 0}\ntime: {watermarkBound: 0s, sourceIdleness: 0s}\n"
                + "checkpoints: {minPause: 0s}\n");
        assertThat(c.time.sourceIdleness).isZero();
    }

    @Test
    void validationReportsEveryProblemAtOnce() {
        String message = failure("kpis:\n  windows: []\n  updateInterval: 0s\njob:\n  parallelism: -2\n");
        assertThat(message.lines()).hasSize(3).allMatch(line -> line.startsWith(file + ": "));
    }

    @Test
    void validationOfAConfigurationBuiltInCode() {
        TallyConfig c = new TallyConfig();
        c.attribution.dedup.put("kpis", Duration.ofMinutes(1));
        c.topics.put("clickz", "x");
        c.kpis.windows = List.of();
        assertThatThrownBy(() -> ConfigLoader.validate(c, "test"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("test: attribution.dedup.kpis: is not a deduplicated stream")
                .hasMessageContaining("test: topics.clickz: is not a stream")
                .hasMessageContaining("test: kpis.windows: needs at least one window size");
    }

    // ---- helpers ----

    private TallyConfig load(String yaml) throws IOException {
        return load(yaml, NO_ENV);
    }

    private TallyConfig load(String yaml, Map<String, String> env) throws IOException {
        file = dir.resolve("job.yaml");
        Files.writeString(file, yaml, StandardCharsets.UTF_8);
        return ConfigLoader.load(file, env);
    }

    /** The message of the ConfigException that loading {@code yaml} must throw. */
    private String failure(String yaml) {
        try {
            TallyConfig c = load(yaml);
            throw new AssertionError("loaded without error: " + ConfigLoader.describe(c));
        } catch (ConfigException e) {
            return e.getMessage();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private void assertProblem(String yaml, String expected) {
        assertThat(failure(yaml)).as(yaml).contains(file + ": " + expected);
    }
}
