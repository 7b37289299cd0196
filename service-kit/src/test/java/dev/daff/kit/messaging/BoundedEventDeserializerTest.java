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
        assertNull(BoundedEventDeserializer.oversized(read));
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
                BoundedEventDeserializer.oversized(read));
    }
}
