package dev.daff.action;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.util.List;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.daff.localinfra.ApiSecurityWalker;
import dev.daff.localinfra.TestTokens;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class ApiSecurityTest {

    @TestHTTPResource("/")
    URL base;

    @BeforeAll
    static void authenticate() {
        TestTokens.authenticateEveryRequest();
    }

    @Test
    void everyOperationNeedsAValidTokenWithAListedRole() throws Exception {
        ApiSecurityWalker.Report report = TestTokens.walkApi(base.toString());
        assertEquals(List.of(), report.problems());
        assertTrue(report.operations() >= 5, "walked " + report.operations() + " operations");
    }
}
