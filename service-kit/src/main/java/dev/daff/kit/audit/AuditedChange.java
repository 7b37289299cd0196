package dev.daff.kit.audit;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * One row a transaction wrote, as the audit entry lists it: its table, its id, what happened to it and the names of
 * the fields that changed (never their values, so no secret or personal text is copied into the log).
 */
public record AuditedChange(String type, JsonNode id, String op, List<String> fields) {

    public static final String INSERT = "insert";
    public static final String UPDATE = "update";
    public static final String DELETE = "delete";

    public AuditedChange {
        fields = List.copyOf(fields);
    }

    /** The id as the {@code object_id} column and the {@code object} filter write it. */
    @JsonIgnore
    String idText() {
        return id == null || id.isNull() ? "-" : id.isValueNode() ? id.asText() : id.toString();
    }
}
