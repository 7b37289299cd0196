package dev.daff.kit.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.junit.jupiter.api.Test;

class BoundedEventDeserializerTest {

    private final BoundedEventDeserializer deserializer = new BoundedEventDeserializer();

    @Test
    void aValueUpToTheLargestEventIsReadWhole() {
        byte[] largest = new byte[BoundedEventDeserializer.MAX_EVENT_BYTES];
        Arrays.fill(largest, (byte) 'a');
        String read = deserializer.deserialize("t", largest);
        assertEquals(BoundedEventDeserializer.MAX_EVENT_BYTES, read.length());
        assertNull(BoundedEventDeserializer.unreadable(read));
        assertEquals("{\"é\":1}", deserializer.deserialize("t", "{\"é\":1}".getBytes(StandardCharsets.UTF_8)));
        assertNull(deserializer.deserialize("t", null));
    }

    @Test
    void aLongerValueIsReadAsAShortAccountThatSaysWhyItIsNoEvent() {
        byte[] longer = ("{\"summary\":\"" + "é".repeat(BoundedEventDeserializer.MAX_EVENT_BYTES) + "\"}")
                .getBytes(StandardCharsets.UTF_8);
        String read = deserializer.deserialize("t", longer);
        assertTrue(read.startsWith("daff:oversized-event " + longer.length + " bytes; it began: {\"summary\":\"éé"), read);
        assertTrue(read.length() < BoundedEventDeserializer.KEPT_HEAD_BYTES + 100, "only the head is kept");
        assertEquals("the record's value has " + longer.length + " bytes; an event has at most 1000000",
                BoundedEventDeserializer.unreadable(read));
    }

    /**
     * Decoded leniently, a producer's Latin-1 "José" was stored as "Jos\uFFFD", and a million bytes that are not UTF-8
     * became three million, a dead letter no request could carry. Such a value is an account of itself.
     */
    @Test
    void aValueThatIsNotUtf8IsReadAsAShortAccountThatSaysWhere() {
        byte[] latin1 = "{\"author\": \"José\"}".getBytes(StandardCharsets.ISO_8859_1);
        String read = deserializer.deserialize("t", latin1);
        assertEquals("the record's value is not UTF-8 text: " + latin1.length + " bytes, the first that is not UTF-8 at"
                + " byte 15", BoundedEventDeserializer.unreadable(read));
        byte[] cutInACharacter = Arrays.copyOf("{\"summary\": \"é".getBytes(StandardCharsets.UTF_8), 14);
        assertTrue(BoundedEventDeserializer.unreadable(deserializer.deserialize("t", cutInACharacter))
                .endsWith("at byte 13"));
        byte[] millionBad = new byte[BoundedEventDeserializer.MAX_EVENT_BYTES];
        Arrays.fill(millionBad, (byte) 0xE9);
        String account = deserializer.deserialize("t", millionBad);
        assertTrue(account.length() < BoundedEventDeserializer.KEPT_HEAD_BYTES + 100, "only the head is kept");
        assertTrue(BoundedEventDeserializer.unreadable(account).endsWith("at byte 0"), account.substring(0, 80));
    }
}
