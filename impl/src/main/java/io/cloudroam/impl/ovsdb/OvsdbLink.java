/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.ovsdb;

import com.google.gson.JsonArray;
import java.util.concurrent.CompletableFuture;

/**
 * An open OVSDB session to one cloud, as its users see it: transactions, and closing.
 */
public interface OvsdbLink extends AutoCloseable {
    /**
     * Runs a transaction and checks every operation's result.
     *
     * @param params database name, then operations
     * @return the results, or completes exceptionally with {@link OvsdbException}
     */
    CompletableFuture<JsonArray> transact(JsonArray params);

    @Override
    void close();
}
