package dev.daff.kit.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import org.junit.jupiter.api.Test;

class CurrentActorTest {

    @Test
    void aNameTooLongForTheActorColumnsIsCutWithAHashSoItStillFitsAndStaysDistinct() {
        assertEquals("alice", CurrentActor.fitted("alice"));
        String longA = "a".repeat(300);
        String longB = "a".repeat(299) + "b";
        assertEquals(CurrentActor.MAX_LENGTH, CurrentActor.fitted(longA).length());
        assertNotEquals(CurrentActor.fitted(longA), CurrentActor.fitted(longB));
        assertEquals("a".repeat(200), CurrentActor.fitted("a".repeat(200)));
    }
}
