package dev.daff.slo.paging.pages;

import java.util.List;

import jakarta.inject.Singleton;
import jakarta.transaction.Transactional;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.daff.events.AlertEvent;

/**
 * Applies several alert events in one transaction, as a consumer far behind would apply them before the dispatcher's
 * next claim: nothing of the first is visible to the dispatcher until the last is applied too.
 */
@Singleton
public class PagerInOneTransaction {

    private final Pager pager;
    private final ObjectMapper json;

    public PagerInOneTransaction(Pager pager, ObjectMapper json) {
        this.pager = pager;
        this.json = json;
    }

    @Transactional
    public void apply(List<String> payloads) throws Exception {
        for (String payload : payloads) {
            pager.apply(json.readValue(payload, AlertEvent.class), payload);
        }
    }
}
