package io.tally;

import io.tally.alert.Alert;
import io.tally.alert.RuleStreak;
import io.tally.attribution.Attribution;
import io.tally.attribution.LineLedger;
import io.tally.attribution.ReferenceData;
import io.tally.attribution.TouchPoint;
import io.tally.attribution.UserActivity;
import io.tally.event.AlertRule;
import io.tally.event.Click;
import io.tally.event.CommissionRule;
import io.tally.event.Creator;
import io.tally.event.Engagement;
import io.tally.event.Order;
import io.tally.event.OrderLine;
import io.tally.event.OrderUpdate;
import io.tally.event.Product;
import io.tally.event.Review;
import io.tally.event.Spend;
import io.tally.event.View;
import io.tally.io.DeadLetter;
import io.tally.kpi.Kpi;
import io.tally.kpi.KpiInput;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import io.tally.event.RecordSerializer;
import io.tally.event.RecordTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

/**
 * Every record type that crosses an operator boundary or sits in state is a Flink POJO whose fields need no Kryo
 * (with generic types disabled, as every Tally environment sets, creating its serializer succeeds), or one of the
 * records of every event with a hand-written serializer.
 */
class RecordTypesTest {
    @ParameterizedTest
    @ValueSource(classes = {View.class, Click.class, Order.class, UserActivity.class})
    void theRecordsOfEveryEventHaveHandWrittenSerializers(Class<?> type) {
        assertThat(TypeInformation.of(type)).isInstanceOf(RecordTypeInfo.class);
        assertThat(TypeInformation.of(type).createSerializer(new SerializerConfigImpl()))
                .isInstanceOf(RecordSerializer.class);
    }

    @ParameterizedTest
    @ValueSource(classes = {Engagement.class, OrderLine.class, OrderUpdate.class,
            CommissionRule.class, Product.class, Creator.class, Spend.class, Review.class, AlertRule.class, Attribution.class,
            Kpi.class, Alert.class, DeadLetter.class, ReferenceData.class,
            TouchPoint.class, LineLedger.class, KpiInput.class, RuleStreak.class})
    void isAPojoSerializedWithoutKryo(Class<?> type) {
        TypeInformation<?> info = TypeInformation.of(type);
        assertThat(info).isInstanceOf(PojoTypeInfo.class);
        PojoTypeInfo<?> pojo = (PojoTypeInfo<?>) info;
        for (int i = 0; i < pojo.getArity(); i++) {
            assertThat(pojo.getPojoFieldAt(i).getTypeInformation())
                    .as("%s.%s", type.getSimpleName(), pojo.getPojoFieldAt(i).getField().getName())
                    .isNotInstanceOf(GenericTypeInfo.class);
        }
        SerializerConfigImpl config = new SerializerConfigImpl();
        config.setGenericTypes(false);
        assertThatCode(() -> info.createSerializer(config)).doesNotThrowAnyException();
    }
}
