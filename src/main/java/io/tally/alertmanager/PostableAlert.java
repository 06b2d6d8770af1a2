package io.tally.alertmanager;

import com.fasterxml.jackson.annotation.JsonInclude;

import java.time.Instant;
import java.util.Map;

/**
 * One alert as Alertmanager's v2 API takes it ({@code POST /api/v2/alerts} takes an array of these). Alertmanager
 * knows an alert by its labels; {@code endsAt} in the past means resolved, in the future means "firing until then
 * unless re-sent".
 *
 * @param endsAt null while firing: the sender fills in how long the alert stays valid when it posts it
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PostableAlert(Map<String, String> labels, Map<String, String> annotations, String startsAt,
                            String endsAt, String generatorURL) {

    public boolean firing() {
        return endsAt == null;
    }

    /** The alert as posted at {@code now}: a firing alert stays valid until {@code validUntil}. */
    public PostableAlert asOf(Instant validUntil) {
        return firing() ? new PostableAlert(labels, annotations, startsAt, validUntil.toString(), generatorURL) : this;
    }
}
