package io.tally.deploy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.tally.config.ConfigLoader;
import io.tally.config.TallyConfig;
import io.tally.pipeline.Job;
import org.apache.flink.kubernetes.operator.api.FlinkDeployment;
import org.apache.flink.kubernetes.operator.api.spec.FlinkDeploymentSpec;
import org.apache.flink.kubernetes.operator.api.spec.JobSpec;
import org.apache.flink.kubernetes.operator.api.spec.UpgradeMode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * jobs/k8s/*.yaml parse into the Flink Kubernetes Operator's own FlinkDeployment classes (unknown fields fail) and
 * say what production needs: application mode with the cluster jar and the job's YAML, savepoint upgrades, RocksDB
 * incremental checkpoints and HA on durable storage, secrets from a Secret only.
 *
 * <p>The operator API here is 1.10.0, the newest that resolves on this machine kind; its FlinkVersion stops at
 * v1_20, so {@code flinkVersion} (v2_2 for Flink 2.2) is checked against pom.xml and left out of the binding.
 */
class KubernetesManifestsTest {
    private static final Path ROOT = Path.of("").toAbsolutePath();
    private static final YAMLMapper YAML = (YAMLMapper) new YAMLMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private static FlinkDeployment parse(String job) throws IOException {
        ObjectNode tree = (ObjectNode) YAML.readTree(ROOT.resolve("jobs/k8s/" + job + ".yaml").toFile());
        ObjectNode spec = (ObjectNode) tree.get("spec");
        String flinkVersion = spec.remove("flinkVersion").asText();
        Matcher m = Pattern.compile("<flink.version>(\\d+)\\.(\\d+)\\.").matcher(Files.readString(ROOT.resolve("pom.xml")));
        assertThat(m.find()).isTrue();
        assertThat(flinkVersion).as("flinkVersion").isEqualTo("v" + m.group(1) + "_" + m.group(2));
        return YAML.treeToValue(tree, FlinkDeployment.class);
    }

    private static Container mainContainer(FlinkDeploymentSpec spec) {
        return spec.getPodTemplate().getSpec().getContainers().stream()
                .filter(c -> c.getName().equals("flink-main-container")).findFirst().orElseThrow();
    }

    private static Map<String, EnvVar> env(Container c) {
        Map<String, EnvVar> m = new HashMap<>();
        for (EnvVar e : c.getEnv()) m.put(e.getName(), e);
        return m;
    }

    @ParameterizedTest
    @ValueSource(strings = {"attribution", "kpis", "alerts"})
    void runsTheJobInApplicationModeWithItsConfiguration(String job) throws IOException {
        FlinkDeployment d = parse(job);
        assertThat(d.getKind()).isEqualTo("FlinkDeployment");
        assertThat(d.getMetadata().getName()).isEqualTo("tally-" + job);
        JobSpec spec = d.getSpec().getJob();
        assertThat(spec.getJarURI()).isEqualTo("local:///opt/flink/usrlib/tally-job.jar");
        assertThat(Files.readString(ROOT.resolve("jobs/k8s/Dockerfile")))
                .contains("target/tally-job.jar /opt/flink/usrlib/tally-job.jar")
                .contains("FROM flink:" + flinkVersion() + "-");
        assertThat(spec.getEntryClass()).isEqualTo(io.tally.cli.ClusterMain.class.getName());
        assertThat(spec.getArgs()).containsExactly(job, "--config", "/opt/tally/jobs/" + job + ".yaml");
        assertThat(Job.ofName(job)).isNotNull();
        TallyConfig config = ConfigLoader.load(ROOT.resolve("jobs/" + job + ".yaml"));
        assertThat(config.job.name).isEqualTo("tally-" + job);

        // jobs/<job>.yaml reaches /opt/tally/jobs through the ConfigMap tally-jobs.
        Container main = mainContainer(d.getSpec());
        VolumeMount mount = main.getVolumeMounts().stream().filter(v -> v.getMountPath().equals("/opt/tally/jobs"))
                .findFirst().orElseThrow();
        Volume volume = d.getSpec().getPodTemplate().getSpec().getVolumes().stream()
                .filter(v -> v.getName().equals(mount.getName())).findFirst().orElseThrow();
        assertThat(volume.getConfigMap().getName()).isEqualTo("tally-jobs");
        assertThat(spec.getParallelism()).isPositive()
                .isLessThanOrEqualTo(Integer.parseInt(d.getSpec().getFlinkConfiguration().get("taskmanager.numberOfTaskSlots"))
                        * Math.max(1, d.getSpec().getTaskManager().getReplicas() == null ? 1 : d.getSpec().getTaskManager().getReplicas()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"attribution", "kpis", "alerts"})
    void upgradesThroughSavepointsWithDurableRocksDbStateAndHa(String job) throws IOException {
        FlinkDeploymentSpec spec = parse(job).getSpec();
        assertThat(spec.getJob().getUpgradeMode()).isEqualTo(UpgradeMode.SAVEPOINT);
        assertThat(spec.getJob().getAllowNonRestoredState()).isFalse();
        Map<String, String> conf = spec.getFlinkConfiguration();
        assertThat(conf).containsEntry("state.backend.type", "rocksdb")
                .containsEntry("execution.checkpointing.incremental", "true")
                .containsEntry("high-availability.type", "kubernetes");
        for (String key : List.of("execution.checkpointing.dir", "execution.checkpointing.savepoint-dir",
                "high-availability.storageDir")) {
            assertThat(conf.get(key)).as(key).startsWith("s3://").endsWith("/" + job);
        }
        // The job's own checkpoints.dir (it takes precedence over Flink's) resolves to the same durable place.
        Map<String, EnvVar> env = env(mainContainer(spec));
        String base = env.get("TALLY_CHECKPOINTS_DIR").getValue();
        assertThat(Files.readString(ROOT.resolve("jobs/" + job + ".yaml")))
                .contains("dir: ${TALLY_CHECKPOINTS_DIR:-file:///tmp/tally/checkpoints}/" + job);
        assertThat(base + "/" + job).isEqualTo(conf.get("execution.checkpointing.dir"));
        assertThat(env.get("ENABLE_BUILT_IN_PLUGINS").getValue()).contains("s3-fs").contains(flinkVersion());
        assertThat(conf).containsEntry("metrics.reporter.prom.factory.class",
                "org.apache.flink.metrics.prometheus.PrometheusReporterFactory");
        assertThat(spec.getJobManager().getResource().getMemory()).isNotBlank();
        assertThat(spec.getTaskManager().getResource().getCpu()).isPositive();
    }

    @ParameterizedTest
    @ValueSource(strings = {"attribution", "kpis", "alerts"})
    void secretsComeFromASecretAndNothingSecretIsWrittenOut(String job) throws IOException {
        FlinkDeploymentSpec spec = parse(job).getSpec();
        Map<String, EnvVar> env = env(mainContainer(spec));
        EnvVar jaas = env.get("KAFKA_SASL_JAAS_CONFIG");
        assertThat(jaas.getValue()).isNull();
        assertThat(jaas.getValueFrom().getSecretKeyRef().getName()).isEqualTo("tally-kafka");
        for (EnvVar e : env.values()) {
            if (e.getName().matches("(?i).*(PASSWORD|SECRET|JAAS|TOKEN).*")) {
                assertThat(e.getValue()).as(e.getName() + " must come from a Secret").isNull();
                assertThat(e.getValueFrom().getSecretKeyRef()).as(e.getName()).isNotNull();
            }
        }
        for (String key : spec.getFlinkConfiguration().keySet()) {
            assertThat(key).doesNotContainIgnoringCase("password").doesNotContainIgnoringCase("secret");
        }
        // The variable the Secret fills is the one the SASL example of the job files (kafka.properties) names.
        assertThat(Files.readString(ROOT.resolve("jobs/" + job + ".yaml"))).contains("${KAFKA_SASL_JAAS_CONFIG}");
    }

    @Test
    void kustomizationListsEveryDeployment() throws IOException {
        JsonNode k = YAML.readTree(ROOT.resolve("jobs/k8s/kustomization.yaml").toFile());
        List<String> resources = YAML.convertValue(k.get("resources"), YAML.getTypeFactory()
                .constructCollectionType(List.class, String.class));
        assertThat(resources).containsExactlyInAnyOrder("attribution.yaml", "kpis.yaml", "alerts.yaml");
    }

    private static String flinkVersion() throws IOException {
        Matcher m = Pattern.compile("<flink.version>([^<]+)<").matcher(Files.readString(ROOT.resolve("pom.xml")));
        assertThat(m.find()).isTrue();
        return m.group(1);
    }
}
