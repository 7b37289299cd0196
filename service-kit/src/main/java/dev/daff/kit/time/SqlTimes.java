package dev.daff.kit.time;

import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;

/** Native queries answer timestamptz columns as whichever type the driver and Hibernate chose: read any. */
public final class SqlTimes {

    private SqlTimes() {
    }

    public static Instant toInstant(Object value) {
        if (value instanceof Instant instant) {
            return instant;
        }
        if (value instanceof OffsetDateTime offset) {
            return offset.toInstant();
        }
        if (value instanceof Timestamp timestamp) {
            return timestamp.toInstant();
        }
        throw new IllegalStateException("not a timestamp: " + (value == null ? "null" : value.getClass().getSimpleName()));
    }
}
