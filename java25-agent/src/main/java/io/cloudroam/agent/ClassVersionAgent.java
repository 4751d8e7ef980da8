/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.agent;

import java.lang.instrument.Instrumentation;

/**
 * Java agent that makes Karaf 4.4.8's aries-proxy 1.1.14 accept a Java 25 runtime.
 *
 * <p>aries-proxy compares {@code java.class.version} with the newest class file version its ASM
 * knows and refuses to weave when the runtime is newer. Our bundles are compiled with
 * {@code --release 21} (class version 65), so claiming 65.0 is truthful for every class it
 * weaves. The property must be set before the OSGi framework starts; {@code etc/system.properties}
 * is read too late, so this runs as {@code -javaagent} from {@code bin/setenv}.
 *
 * <p>It also installs the {@link SubjectBridge}, without which no Karaf console shell starts on
 * Java 24 and newer, and, when {@code -Dcloudroam.openflow.address} is set, the
 * {@link OpenFlowAddress} rewrite that binds OpenFlow's listeners to one address (a cluster
 * member's).
 */
public final class ClassVersionAgent {
    /** The class file version aries-proxy 1.1.14 accepts and our bundles are compiled for. */
    public static final String CLASS_VERSION = "65.0";

    private ClassVersionAgent() {
        // no instances
    }

    /**
     * Agent entry point, run by the JVM before {@code main}.
     *
     * @param args agent arguments, ignored
     * @param instrumentation for the {@link SubjectBridge}
     */
    public static void premain(final String args, final Instrumentation instrumentation) {
        apply();
        SubjectBridge.install(instrumentation);
        ClientStdinWatch.install(instrumentation);
        OpenFlowAddress.install(instrumentation);
    }

    /**
     * Sets {@code java.class.version} to {@value #CLASS_VERSION}.
     *
     * @return the value the property had before
     */
    public static String apply() {
        return System.setProperty("java.class.version", CLASS_VERSION);
    }
}
