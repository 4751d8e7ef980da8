/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.reflect.Method;
import org.apache.sshd.client.channel.ChannelExec;
import org.junit.jupiter.api.Test;

class ClientStdinWatchTest {
    private static final String MAIN = "org.apache.karaf.client.Main";

    private static byte[] mainBytes() throws IOException {
        try (InputStream in = ClientStdinWatchTest.class.getResourceAsStream(
                "/" + ClientStdinWatch.CLIENT_MAIN + ".class")) {
            return in.readAllBytes();
        }
    }

    /** Runs the stdin watcher of the given Main on an empty standard input. */
    private static boolean closedAtEndOfInput(final byte[] main) throws Exception {
        final Class<?> loaded = new OneClassLoader(MAIN, main).loadClass(MAIN);
        final Method watch = java.util.Arrays.stream(loaded.getDeclaredMethods())
            .filter(method -> method.getName().startsWith("lambda$main$")).findFirst().orElseThrow();
        watch.setAccessible(true);
        final var channel = new ChannelExec();
        final var stdin = System.in;
        System.setIn(new ByteArrayInputStream(new byte[0]));
        try {
            watch.invoke(null, channel);
        } finally {
            System.setIn(stdin);
        }
        return channel.closed();
    }

    @Test
    void withoutTheRewriteAnEmptyStandardInputClosesTheCommand() throws Exception {
        assertTrue(closedAtEndOfInput(mainBytes()), "the stand-in no longer behaves like Karaf's client");
    }

    @Test
    void rewrittenTheCommandRunsWhateverStandardInputHolds() throws Exception {
        final var rewritten = transform(ClientStdinWatch.CLIENT_MAIN, mainBytes());
        assertFalse(closedAtEndOfInput(rewritten));
        assertEquals(ClassFile.of().parse(mainBytes()).methods().size(),
            ClassFile.of().parse(rewritten).methods().size(), "only a method body changes");
    }

    @Test
    void otherClassesAreLeftAlone() throws Exception {
        assertNull(transform("org/apache/karaf/client/Other", mainBytes()));
    }

    private static byte[] transform(final String name, final byte[] bytes) {
        return new ClientStdinWatch().transform(null, null, name, null, null, bytes);
    }
}
