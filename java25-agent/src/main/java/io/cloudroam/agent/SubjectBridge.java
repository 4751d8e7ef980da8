/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.agent;

import edu.umd.cs.findbugs.annotations.SuppressFBWarnings;
import java.lang.classfile.ClassFile;
import java.lang.classfile.CodeBuilder;
import java.lang.classfile.CodeModel;
import java.lang.classfile.MethodModel;
import java.lang.constant.ClassDesc;
import java.lang.constant.MethodTypeDesc;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.security.ProtectionDomain;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.Predicate;

/**
 * Lets Karaf 4.4.8 find the logged-in user on Java 24 and newer.
 *
 * <p>Karaf binds the user of a console session with {@code JaasHelper.doAs}, an
 * {@code AccessControlContext} combiner, and reads it back with
 * {@code Subject.getSubject(AccessController.getContext())}. Java 24 removed the Security
 * Manager: the combiner binds nothing and {@code getSubject} always throws, so no console shell can
 * start. This bridge rewrites both to the replacements Java provides since 18:
 * {@code JaasHelper.doAs(subject, action)} becomes {@code Subject.doAs(subject, action)}, which binds
 * the subject for {@code Subject.current()}, and {@code Subject.getSubject(acc)} becomes
 * {@code Subject.current()}. Upstream Karaf is making the same move (KARAF-7805).
 */
final class SubjectBridge implements ClassFileTransformer {
    static final String SUBJECT = "javax/security/auth/Subject";
    static final String JAAS_HELPER = "org/apache/karaf/util/jaas/JaasHelper";

    private static final ClassDesc CD_SUBJECT = ClassDesc.of("javax.security.auth.Subject");
    private static final MethodTypeDesc CURRENT = MethodTypeDesc.of(CD_SUBJECT);

    private SubjectBridge() {
        // installed through install()
    }

    /**
     * Installs the bridge: future loads of Karaf's JaasHelper are rewritten, and the already
     * loaded {@code Subject} is retransformed.
     *
     * @param instrumentation from the agent's premain
     */
    static void install(final Instrumentation instrumentation) {
        instrumentation.addTransformer(new SubjectBridge(), true);
        try {
            instrumentation.retransformClasses(javax.security.auth.Subject.class);
        } catch (UnmodifiableClassException e) {
            throw new IllegalStateException("cannot bridge Subject.getSubject", e);
        }
    }

    @Override
    @SuppressFBWarnings(value = "PZLA_PREFER_ZERO_LENGTH_ARRAYS",
        justification = "null is ClassFileTransformer's contract for 'leave this class as it is'")
    public byte[] transform(final Module module, final ClassLoader loader, final String className,
            final Class<?> classBeingRedefined, final ProtectionDomain protectionDomain, final byte[] classfileBuffer) {
        final Optional<byte[]> rewritten;
        if (SUBJECT.equals(className)) {
            rewritten = rewrite(classfileBuffer, SubjectBridge::isGetSubject, SubjectBridge::returnCurrent);
        } else if (JAAS_HELPER.equals(className)) {
            rewritten = rewrite(classfileBuffer, SubjectBridge::isJaasDoAs, SubjectBridge::delegateToSubjectDoAs);
        } else {
            rewritten = Optional.empty();
        }
        return rewritten.orElse(null);
    }

    /** Rewrites the code of the methods {@code select} picks; everything else stays as it is. */
    static Optional<byte[]> rewrite(final byte[] classfile, final Predicate<MethodModel> select,
            final BiConsumer<MethodModel, CodeBuilder> body) {
        final var classFile = ClassFile.of();
        final var model = classFile.parse(classfile);
        if (model.methods().stream().noneMatch(select)) {
            return Optional.empty();
        }
        return Optional.of(classFile.transformClass(model, (classBuilder, element) -> {
            if (element instanceof MethodModel method && select.test(method)) {
                classBuilder.transformMethod(method, (methodBuilder, methodElement) -> {
                    if (methodElement instanceof CodeModel) {
                        methodBuilder.withCode(code -> body.accept(method, code));
                    } else {
                        methodBuilder.with(methodElement);
                    }
                });
            } else {
                classBuilder.with(element);
            }
        }));
    }

    static boolean isGetSubject(final MethodModel method) {
        return method.methodName().equalsString("getSubject")
            && method.methodType().equalsString("(Ljava/security/AccessControlContext;)Ljavax/security/auth/Subject;");
    }

    static boolean isJaasDoAs(final MethodModel method) {
        return method.methodName().equalsString("doAs") && (method.methodType().equalsString(
            "(Ljavax/security/auth/Subject;Ljava/security/PrivilegedAction;)Ljava/lang/Object;")
            || method.methodType().equalsString(
                "(Ljavax/security/auth/Subject;Ljava/security/PrivilegedExceptionAction;)Ljava/lang/Object;"));
    }

    private static void returnCurrent(final MethodModel method, final CodeBuilder code) {
        code.invokestatic(CD_SUBJECT, "current", CURRENT).areturn();
    }

    private static void delegateToSubjectDoAs(final MethodModel method, final CodeBuilder code) {
        // same descriptor as the JaasHelper method: (Subject, Privileged[Exception]Action) -> Object
        code.aload(0).aload(1).invokestatic(CD_SUBJECT, "doAs", method.methodTypeSymbol()).areturn();
    }

}
