/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.ovsdb;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The rows of the monitored tables of one OVSDB database, kept current by applying
 * {@code table-updates} objects (RFC 7047 section 4.1.6) and read through RFC 7047's value
 * encodings (atoms, {@code ["set", …]}, {@code ["map", …]}, {@code ["uuid", …]}). Not thread-safe:
 * one owner applies and reads.
 */
public final class OvsdbTables {
    private final Map<String, Map<String, JsonObject>> tables = new HashMap<>();

    /**
     * Applies a {@code table-updates} object: a row with {@code new} is inserted or replaced
     * (with only the monitored columns), a row without is deleted.
     *
     * @param tableUpdates the object from a {@code monitor} reply or {@code update} notification
     */
    public void apply(final JsonObject tableUpdates) {
        for (var table : tableUpdates.entrySet()) {
            final var rows = tables.computeIfAbsent(table.getKey(), name -> new HashMap<>());
            for (var row : table.getValue().getAsJsonObject().entrySet()) {
                final var update = row.getValue().getAsJsonObject();
                final var fresh = update.get("new");
                if (fresh == null || fresh.isJsonNull()) {
                    rows.remove(row.getKey());
                } else {
                    rows.put(row.getKey(), fresh.getAsJsonObject());
                }
            }
        }
    }

    /** Forgets every row, as after a reconnect before the new monitor's initial contents. */
    public void clear() {
        tables.clear();
    }

    /**
     * The rows of a table.
     *
     * @param table the table name
     * @return rows by UUID, possibly empty
     */
    public Map<String, JsonObject> rows(final String table) {
        return tables.getOrDefault(table, Map.of());
    }

    /**
     * A string column.
     *
     * @param row the row
     * @param column the column
     * @return the string, or empty when absent or an empty optional value
     */
    public static Optional<String> string(final JsonObject row, final String column) {
        final var value = row.get(column);
        return value != null && value.isJsonPrimitive() ? Optional.of(value.getAsString()) : Optional.empty();
    }

    /**
     * An integer column, such as {@code ofport}; an empty set means "not set".
     *
     * @param row the row
     * @param column the column
     * @return the number, if set
     */
    public static Optional<Long> integer(final JsonObject row, final String column) {
        final var value = row.get(column);
        if (value != null && value.isJsonPrimitive() && value.getAsJsonPrimitive().isNumber()) {
            return Optional.of(value.getAsLong());
        }
        final var set = elements(value);
        return set.size() == 1 && set.get(0).isJsonPrimitive() ? Optional.of(set.get(0).getAsLong())
            : Optional.empty();
    }

    /**
     * A map column ({@code external_ids}, {@code options}, {@code bfd_status}).
     *
     * @param row the row
     * @param column the column
     * @return the pairs, sorted by key; empty when absent
     */
    public static Map<String, String> map(final JsonObject row, final String column) {
        final var value = row.get(column);
        final var result = new TreeMap<String, String>();
        if (value != null && value.isJsonArray() && value.getAsJsonArray().size() == 2
                && "map".equals(value.getAsJsonArray().get(0).getAsString())) {
            for (var pair : value.getAsJsonArray().get(1).getAsJsonArray()) {
                final var kv = pair.getAsJsonArray();
                result.put(kv.get(0).getAsString(), kv.get(1).getAsString());
            }
        }
        return result;
    }

    /**
     * A column of UUID references ({@code ports}, {@code interfaces}), single or set.
     *
     * @param row the row
     * @param column the column
     * @return the referenced UUIDs
     */
    public static List<String> uuids(final JsonObject row, final String column) {
        final var value = row.get(column);
        if (isUuid(value)) {
            return List.of(value.getAsJsonArray().get(1).getAsString());
        }
        return elements(value).stream().filter(OvsdbTables::isUuid)
            .map(uuid -> uuid.getAsJsonArray().get(1).getAsString()).toList();
    }

    private static boolean isUuid(final JsonElement value) {
        return value != null && value.isJsonArray() && value.getAsJsonArray().size() == 2
            && "uuid".equals(value.getAsJsonArray().get(0).getAsString());
    }

    private static List<JsonElement> elements(final JsonElement value) {
        if (value != null && value.isJsonArray()) {
            final JsonArray array = value.getAsJsonArray();
            if (array.size() == 2 && "set".equals(array.get(0).getAsString())) {
                return array.get(1).getAsJsonArray().asList();
            }
        }
        return List.of();
    }
}
