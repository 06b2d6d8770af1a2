package io.tally.local;

import io.tally.config.TallyConfig;
import io.tally.event.Stream;
import io.tally.testing.KafkaBroker;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TopicsTest {
    @RegisterExtension
    static final KafkaBroker KAFKA = new KafkaBroker();

    @Test
    void planHasOneTopicPerStreamTheKpiTopicCompactedAndInputTopicsStampingArrivalTime() {
        TallyConfig config = new TallyConfig();
        config.topics.put("kpis", "analytics.kpis");

        List<NewTopic> plan = Topics.plan(config, 4);

        assertThat(plan).hasSize(Stream.values().length).hasSize(16);
        assertThat(plan).extracting(NewTopic::name)
                .contains("tally.views", "tally.order-updates", "tally.attributions-shadow", "tally.dead-letters",
                        "analytics.kpis")
                .doesNotContain("tally.kpis")
                .doesNotHaveDuplicates();
        assertThat(plan).allSatisfy(t -> assertThat(t.numPartitions()).isEqualTo(4));
        assertThat(plan).allSatisfy(t -> assertThat(t.replicationFactor()).isEqualTo((short) -1));
        for (Stream s : Stream.values()) {
            NewTopic t = plan.stream().filter(n -> n.name().equals(config.topic(s))).findFirst().orElseThrow();
            Map<String, String> expected = s == Stream.KPIS ? Map.of("cleanup.policy", "compact")
                    : s.isInput() ? Map.of("message.timestamp.type", "LogAppendTime") : null;
            assertThat(t.configs()).as(t.name()).isEqualTo(expected);
        }
    }

    @Test
    void planRefusesTwoStreamsOnOneTopic() {
        TallyConfig config = new TallyConfig();
        config.topics.put("alerts", "tally.kpis");

        assertThatThrownBy(() -> Topics.plan(config, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'kpis'").hasMessageContaining("'alerts'");
    }

    @Test
    void createAllCreatesEveryTopicOnceAndCompactsKpis() throws Exception {
        TallyConfig config = new TallyConfig();

        List<String> created = Topics.createAll(KAFKA.admin(), config, 3);
        List<String> again = Topics.createAll(KAFKA.admin(), config, 3);

        assertThat(created).hasSize(16);
        assertThat(again).isEmpty();
        Set<String> names = KAFKA.admin().listTopics().names().get();
        assertThat(names).containsAll(created);
        Map<String, TopicDescription> described = KAFKA.admin().describeTopics(created).allTopicNames().get();
        assertThat(described.values()).allSatisfy(d -> assertThat(d.partitions()).hasSize(3));

        ConfigResource kpis = new ConfigResource(ConfigResource.Type.TOPIC, "tally.kpis");
        ConfigResource views = new ConfigResource(ConfigResource.Type.TOPIC, "tally.views");
        Map<ConfigResource, Config> configs = KAFKA.admin().describeConfigs(List.of(kpis, views)).all().get();
        assertThat(configs.get(kpis).get("cleanup.policy").value()).isEqualTo("compact");
        assertThat(configs.get(views).get("cleanup.policy").value()).isEqualTo("delete");
    }
}
