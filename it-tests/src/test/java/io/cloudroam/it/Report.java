/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.it;

import java.util.Locale;

/**
 * Figures the integration tests measure, printed on standard output (Failsafe keeps it in the
 * report XML and shows it on the console) with a greppable prefix.
 */
final class Report {
    private Report() {
    }

    static void line(final String test, final String format, final Object... args) {
        System.out.println("[cloudroam-it " + test + "] " + String.format(Locale.ROOT, format, args));
    }
}
