/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.ovsdb;

import java.io.Serial;

/**
 * An OVSDB request failed: an error reply, a failed operation inside a transaction, or a lost
 * connection.
 */
public final class OvsdbException extends Exception {
    @Serial
    private static final long serialVersionUID = 1L;

    /**
     * Creates one.
     *
     * @param message what failed
     */
    public OvsdbException(final String message) {
        super(message);
    }

    /**
     * Creates one with a cause.
     *
     * @param message what failed
     * @param cause why
     */
    public OvsdbException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
