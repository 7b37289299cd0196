package dev.daff.incident.lifecycle;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

class ServiceNamesTest {

    @Test
    void theBlanksAroundANameGoAndThoseInsideStay() {
        assertEquals("checkout", ServiceNames.tidy(" \u00a0checkout\u2003\n\t"));
        assertEquals("check out", ServiceNames.tidy("\u2028check out\u3000"));
        assertEquals("", ServiceNames.tidy(" \u00a0 "));
        assertNull(ServiceNames.tidy((String) null));
        assertEquals(Arrays.asList("Checkout", null, "search"),
                ServiceNames.tidy(Arrays.asList(" Checkout", null, "checkout ", "search")));
        assertEquals(List.of(), ServiceNames.tidy(List.of()));
    }

    /**
     * A name with a megabyte of spaces inside, as a body or an Alertmanager label can carry before any size check: the
     * regular expression this replaced retried "[blanks]+$" from every one of them, a request thread held for hours.
     * The limit is a guard against that, not a timing goal: tidying takes milliseconds.
     */
    @Test
    void aLongRunOfBlanksInsideANameIsReadOnce() {
        String name = "a" + " ".repeat(1_000_000) + "a";
        assertEquals(name, assertTimeoutPreemptively(Duration.ofSeconds(30), () -> ServiceNames.tidy(name)));
    }
}
