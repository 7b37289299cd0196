package dev.daff.kit.audit;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.node.TextNode;

class AuditRouteTest {

    private static AuditedChange inserted(String type, String id) {
        return new AuditedChange(type, TextNode.valueOf(id), AuditedChange.INSERT, List.of("id"));
    }

    private static AuditedChange updated(String type, String id) {
        return new AuditedChange(type, TextNode.valueOf(id), AuditedChange.UPDATE, List.of("status"));
    }

    @Test
    void templatesJoinClassAndMethodPathsWithoutRegexesOrDoubleSlashes() {
        assertEquals("/api/incidents/{id}/transitions", AuditRoute.template("/api/incidents", "{id}/transitions"));
        assertEquals("/api/admin/dead-letters/{topic}/replay", AuditRoute.template("/api/admin/dead-letters/", "/{topic}/replay"));
        assertEquals("/api/slos/{name}", AuditRoute.template("/api/slos/{ name : [a-z-]+ }", null));
        assertEquals("/api/actions", AuditRoute.template("/api/actions", null));
    }

    @Test
    void aCallWithAPathParameterIsAboutTheResourceItNames() {
        AuditRoute washup = new AuditRoute("PUT", "/api/incidents/{id}/washup", Map.of("id", "42"));
        assertEquals(new AuditRoute.AuditedObject("incident", "42"),
                washup.object(List.of(inserted("washup", "42"), inserted("timeline_entry", "7"))));
        AuditRoute replay = new AuditRoute("POST", "/api/admin/dead-letters/{topic}/replay", Map.of("topic", "t.dlq"));
        assertEquals(new AuditRoute.AuditedObject("dead-letter", "t.dlq"), replay.object(List.of()));
    }

    @Test
    void aCreateIsAboutTheFirstRowItInsertedNamedAsTheCollection() {
        AuditRoute create = new AuditRoute("POST", "/api/actions", Map.of());
        assertEquals(new AuditRoute.AuditedObject("action", "a1"),
                create.object(List.of(updated("known_incident", "i1"), inserted("follow_up_action", "a1"))));
    }

    @Test
    void anIntegrationIsAboutTheFirstRowItInsertedElseChangedByTable() {
        AuditRoute webhook = new AuditRoute("POST", "/api/integrations/alertmanager", Map.of());
        assertEquals(new AuditRoute.AuditedObject("incident", "i1"),
                webhook.object(List.of(inserted("incident", "i1"), inserted("alert_link", "k"))));
        assertEquals(new AuditRoute.AuditedObject("incident", "i2"), webhook.object(List.of(updated("incident", "i2"))));
    }
}
