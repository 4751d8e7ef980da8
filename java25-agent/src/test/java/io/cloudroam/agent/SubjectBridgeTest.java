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
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.lang.classfile.ClassFile;
import java.lang.classfile.MethodModel;
import java.lang.classfile.instruction.InvokeInstruction;
import java.lang.reflect.Method;
import java.net.URI;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.security.PrivilegedAction;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import java.util.function.Supplier;
import javax.security.auth.Subject;
import org.junit.jupiter.api.Test;

class SubjectBridgeTest {
    private static final String HELPER = "org.apache.karaf.util.jaas.JaasHelper";

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
        assertNull(callDoAs(new OneClassLoader(HELPER, helperBytes()).loadClass(HELPER), subject),
            "Java changed: the combiner binds a subject again, the bridge may be unnecessary");
    }

    @Test
    void bridgedKarafDoAsBindsTheSubjectForCurrent() throws Exception {
        final var bytes = transform(SubjectBridge.JAAS_HELPER, helperBytes());
        final var subject = new Subject();
        final Class<?> helper = new OneClassLoader(HELPER, bytes).loadClass(HELPER);
        assertEquals(subject, callDoAs(helper, subject));
        final Supplier<Subject> outside = Subject::current;
        assertNull(outside.get(), "the binding must end with doAs");
    }

    @Test
    void getSubjectBecomesSubjectCurrent() throws Exception {
        final var original = subjectBytes();
        final var bytes = transform(SubjectBridge.SUBJECT, original);
        assertNotSame(original, bytes);
        assertEquals(List.of("javax/security/auth/Subject.current"), calls(bytes, SubjectBridge::isGetSubject));
    }

    @Test
    void otherClassesAreLeftAlone() throws Exception {
        assertNull(transform("org/example/Other", helperBytes()));
    }

    @Test
    void aThreadStartedInsideCallAsDoesNotSeeTheSubjectWithoutTheBridge() throws Exception {
        final var seen = new java.util.concurrent.atomic.AtomicReference<>(Optional.of(new Subject()));
        Subject.callAs(new Subject(), () -> {
            final var thread = new Thread(() -> seen.set(Optional.ofNullable(Subject.current())));
            thread.start();
            thread.join();
            return null;
        });
        assertEquals(Optional.empty(), seen.get(),
            "Java changed: a new thread inherits the subject again, InheritedSubject may be unnecessary");
    }

    @Test
    void subjectCurrentAndCallAsGoToTheInheritedSubject() throws Exception {
        final var original = subjectBytes();
        assertEquals(List.of("java/util/function/Supplier.get"),
            calls(transform(SubjectBridge.SUBJECT, original), SubjectBridge::isCurrent));
        assertEquals(List.of("java/util/function/BiFunction.apply"),
            calls(transform(SubjectBridge.SUBJECT, original), SubjectBridge::isCallAs));
        assertEquals(calls(original, SubjectBridge::isCurrent),
            calls(new SubjectBridge(false).transform(null, null, SubjectBridge.SUBJECT, null, null, original),
                SubjectBridge::isCurrent), "without the stub class, current() stays as it is");
    }

    @Test
    void theStubHoldsTheTwoEntryPointsAndNothingElse() {
        final var stub = ClassFile.of().parse(SubjectBridge.stubClass());
        assertEquals(SubjectBridge.STUB, stub.thisClass().asSymbol().packageName() + "."
            + stub.thisClass().asSymbol().displayName());
        assertEquals(List.of("current Ljava/util/function/Supplier;", "callAs Ljava/util/function/BiFunction;"),
            stub.fields().stream().map(field -> field.fieldName() + " " + field.fieldType()).toList());
        assertEquals(List.of(), stub.methods());
        assertEquals(0, stub.flags().flagsMask() & java.lang.classfile.ClassFile.ACC_PUBLIC, "the class is not public");
        assertTrue(stub.fields().stream().allMatch(field -> (field.flags().flagsMask()
            & (java.lang.classfile.ClassFile.ACC_PUBLIC | java.lang.classfile.ClassFile.ACC_PROTECTED)) == 0),
            "no field reachable from outside javax.security.auth");
    }

    private static byte[] subjectBytes() throws IOException {
        try (var jrt = FileSystems.newFileSystem(URI.create("jrt:/"), java.util.Map.of())) {
            return Files.readAllBytes(jrt.getPath("modules", "java.base", "javax/security/auth/Subject.class"));
        }
    }

    private static List<String> calls(final byte[] bytes, final Predicate<MethodModel> which) {
        final var method = ClassFile.of().parse(bytes).methods().stream().filter(which).findFirst().orElseThrow();
        return method.code().orElseThrow().elementStream()
            .filter(InvokeInstruction.class::isInstance).map(InvokeInstruction.class::cast)
            .map(call -> call.owner().asInternalName() + "." + call.name().stringValue()).toList();
    }

    private static byte[] transform(final String name, final byte[] bytes) throws Exception {
        return new SubjectBridge(true).transform(null, null, name, null, null, bytes);
    }
}
