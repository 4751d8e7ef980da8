/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.impl.fabric;

/**
 * The fabric could not answer a question or take a request: it is closed, or its thread did not
 * get to it in time. The message says which; nothing was changed.
 */
public final class FabricUnavailableException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates one.
     *
     * @param message what could not be done, and why
     * @param cause what failed, if anything did
     */
    public FabricUnavailableException(final String message, final Throwable cause) {
        super(message, cause);
    }
}
