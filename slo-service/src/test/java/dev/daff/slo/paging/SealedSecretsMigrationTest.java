package dev.daff.slo.paging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.Test;

import dev.daff.localinfra.LocalPostgres;
import dev.daff.localinfra.RealInfrastructureResource;
import io.quarkus.test.junit.QuarkusTest;

/** V11 on rows written before it: no routing key left in bodies, no Slack URL in endpoint, no error text shown. */
@QuarkusTest
class SealedSecretsMigrationTest {

    static final String DATABASE = "slo_before_v11";

    @Test
    void migrationV11TakesSecretsAndErrorTextsOutOfExistingRows() throws Exception {
        LocalPostgres postgres = RealInfrastructureResource.postgres();
        postgres.ensureDatabase(DATABASE);
        flyway(postgres, "10").migrate();
        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(DATABASE), LocalPostgres.USER, "");
                Statement sql = connection.createStatement()) {
            sql.execute("""
                    insert into page (id, dedup_key, alert_id, slo_name, service, team, kind, summary, alert, state,
                                      escalation_level, escalation_round, created_at)
                    values ('00000000-0000-0000-0000-000000000001', 'open', 'a1', 's', 'svc', 't', 'BURN_RATE', 'x', '{}',
                            'TRIGGERED', 0, 0, now()),
                           ('00000000-0000-0000-0000-000000000002', 'done', 'a2', 's', 'svc', 't', 'BURN_RATE', 'x', '{}',
                            'RESOLVED', 0, 0, now())""");
            sql.execute("""
                    insert into page_notification (id, page_id, action, recipient, channel_type, endpoint, secret, body,
                                                   status, attempts, next_attempt_at, created_at)
                    values (1, '00000000-0000-0000-0000-000000000001', 'trigger', 'alice', 'pagerduty', 'https://pd/enqueue',
                            'rk-alice', '{"routing_key":"rk-alice","event_action":"trigger"}', 'DELIVERED', 1, now(), now()),
                           (2, '00000000-0000-0000-0000-000000000001', 'trigger', 'carol', 'slack',
                            'https://hooks.slack.com/services/T/B/tok', null, '{"text":"x"}', 'PENDING', 1, now(), now()),
                           (3, '00000000-0000-0000-0000-000000000001', 'acknowledge', 'alice', 'pagerduty', 'https://pd/enqueue',
                            'rk-alice', '{"routing_key":"rk-alice","event_action":"acknowledge"}', 'PENDING', 0, now(), now()),
                           (4, '00000000-0000-0000-0000-000000000002', 'trigger', 'bob', 'webhook', 'https://hook/x',
                            'whsec', '{"type":"page.triggered"}', 'DELIVERED', 1, now(), now())""");
            sql.execute("""
                    insert into delivery_attempt (notification_id, attempt, at, status_code, error, duration_ms)
                    values (2, 1, now(), null, 'ConnectException: Connection refused: hooks.slack.com/services/T/B/tok', 5),
                           (2, 2, now(), null, 'no complete answer within 5000 ms', 5000),
                           (1, 1, now(), 503, null, 9),
                           (4, 1, now(), null, 'IllegalArgumentException: destination refused: points inside the network (10.0.0.7)', 1)""");
        }
        flyway(postgres, "latest").migrate();
        try (Connection connection = DriverManager.getConnection(postgres.jdbcUrl(DATABASE), LocalPostgres.USER, "");
                Statement sql = connection.createStatement()) {
            assertEquals(List.of(
                    "1 pagerduty https://pd/enqueue rk-alice {\"event_action\": \"trigger\"}",
                    "2 slack null https://hooks.slack.com/services/T/B/tok {\"text\":\"x\"}",
                    "3 pagerduty https://pd/enqueue rk-alice {\"event_action\": \"acknowledge\"}",
                    "4 webhook https://hook/x null {\"type\":\"page.triggered\"}"),
                    rows(sql, "select id || ' ' || channel_type || ' ' || coalesce(endpoint, 'null') || ' ' || coalesce(secret, 'null')"
                            + " || ' ' || body from page_notification order by id"),
                    "routing keys out of bodies, the Slack URL out of endpoint (sealed at start-up), a resolved page's"
                            + " finished notification without its secret");
            List<String> refs = rows(sql, "select channel_ref from page_notification order by id");
            assertEquals(refs.get(0), refs.get(2), "trigger and acknowledge to one routing key: one channel");
            assertNotEquals(refs.get(0), refs.get(1));
            assertEquals(List.of("connection refused", "timeout", "HTTP 503", "destination refused"),
                    rows(sql, "select error from delivery_attempt order by id"));
        }
    }

    static Flyway flyway(LocalPostgres postgres, String target) {
        return Flyway.configure().dataSource(postgres.jdbcUrl(DATABASE), LocalPostgres.USER, "")
                .locations("classpath:db/kit", "classpath:db/migration").outOfOrder(true).target(target)
                .placeholders(java.util.Map.of("migration_lock_timeout", "10s")).load(); // as the service sets it
    }

    static List<String> rows(Statement sql, String query) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (ResultSet result = sql.executeQuery(query)) {
            while (result.next()) {
                rows.add(result.getString(1));
            }
        }
        return rows;
    }
}
