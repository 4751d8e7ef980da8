/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ClassVersionAgentTest {
    private String saved;

    @AfterEach
    void restore() {
        if (saved != null) {
            System.setProperty("java.class.version", saved);
        }
    }

    @Test
    void applySetsClassVersion() {
        saved = ClassVersionAgent.apply();
        assertEquals("65.0", System.getProperty("java.class.version"));
    }
}
