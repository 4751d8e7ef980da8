/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.reflect.Method;
import java.net.URI;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.security.PrivilegedAction;
import java.util.function.Supplier;
import javax.security.auth.Subject;
import org.junit.jupiter.api.Test;

class SubjectBridgeTest {
    private static final String HELPER = "org.apache.karaf.util.jaas.JaasHelper";

    /** Loads one class from given bytes, everything else from the parent. */
    private static final class OneClassLoader extends ClassLoader {
        private final byte[] bytes;

        OneClassLoader(final byte[] bytes) {
            super(SubjectBridgeTest.class.getClassLoader());
            this.bytes = bytes;
        }

        @Override
        protected Class<?> loadClass(final String name, final boolean resolve) throws ClassNotFoundException {
            if (HELPER.equals(name)) {
                synchronized (getClassLoadingLock(name)) {
                    final var loaded = findLoadedClass(name);
                    return loaded != null ? loaded : defineClass(name, bytes, 0, bytes.length);
                }
            }
            return super.loadClass(name, resolve);
        }
    }

    private static byte[] helperBytes() throws IOException {
        try (InputStream in = SubjectBridgeTest.class.getResourceAsStream(
                "/" + SubjectBridge.JAAS_HELPER + ".class")) {
            return in.readAllBytes();
        }
    }

    private static Object callDoAs(final Class<?> helper, final Subject subject) throws Exception {
        final Method doAs = helper.getMethod("doAs", Subject.class, PrivilegedAction.class);
        final PrivilegedAction<Subject> current = Subject::current;
        return doAs.invoke(null, subject, current);
    }

    @Test
    void withoutTheBridgeKarafDoAsBindsNoSubject() throws Exception {
        final var subject = new Subject();
        assertNull(callDoAs(new OneClassLoader(helperBytes()).loadClass(HELPER), subject),
            "Java changed: the combiner binds a subject again, the bridge may be unnecessary");
    }

    @Test
    void bridgedKarafDoAsBindsTheSubjectForCurrent() throws Exception {
        final var bytes = transform(SubjectBridge.JAAS_HELPER, helperBytes());
        final var subject = new Subject();
        final Class<?> helper = new OneClassLoader(bytes).loadClass(HELPER);
        assertEquals(subject, callDoAs(helper, subject));
        final Supplier<Subject> outside = Subject::current;
        assertNull(outside.get(), "the binding must end with doAs");
    }

    @Test
    void getSubjectBecomesSubjectCurrent() throws Exception {
        final byte[] original;
        try (var jrt = FileSystems.newFileSystem(URI.create("jrt:/"), java.util.Map.of())) {
            original = Files.readAllBytes(jrt.getPath("modules", "java.base", "javax/security/auth/Subject.class"));
        }
        final var bytes = transform(SubjectBridge.SUBJECT, original);
        assertNotSame(original, bytes);
        final var method = ClassFile.of().parse(bytes).methods().stream().filter(SubjectBridge::isGetSubject)
            .findFirst().orElseThrow();
        final var calls = method.code().orElseThrow().elementStream()
            .filter(InvokeInstruction.class::isInstance).map(InvokeInstruction.class::cast)
            .map(call -> call.owner().asInternalName() + "." + call.name().stringValue()).toList();
        assertEquals(java.util.List.of("javax/security/auth/Subject.current"), calls);
    }

    @Test
    void otherClassesAreLeftAlone() throws Exception {
        assertNull(transform("org/example/Other", helperBytes()));
    }

    private static byte[] transform(final String name, final byte[] bytes) throws Exception {
        final var constructor = SubjectBridge.class.getDeclaredConstructor();
        constructor.setAccessible(true);
        return constructor.newInstance().transform(null, null, name, null, null, bytes);
    }
}
