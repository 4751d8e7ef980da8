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
import java.lang.constant.ConstantDescs;
import java.lang.constant.MethodTypeDesc;
import java.lang.instrument.ClassFileTransformer;
import java.lang.instrument.Instrumentation;
import java.lang.instrument.UnmodifiableClassException;
import java.lang.invoke.MethodHandles;
import java.security.ProtectionDomain;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

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
 *
 * <p>That alone leaves the subject behind in every thread the shell starts: Java's
 * {@code Subject.current()} reads a scoped value, which a new thread does not inherit, while the
 * {@code AccessControlContext} used to be inherited. The shell runs a session's commands in threads
 * of its own, so role checks found no user ({@code jaas:whoami} failed, commands guarded by a role
 * were not offered). So {@code Subject.current()} and {@code Subject.callAs} are rewritten as well, to
 * {@link InheritedSubject}, which keeps the subject in an inheritable thread-local, as Java 23 and
 * older did in effect. {@code java.base} cannot link to a class of the agent, so the agent defines a
 * small class in {@code javax.security.auth} ({@value #STUB}) with two static fields of JDK types (a
 * {@code Supplier} and a {@code BiFunction}) that it fills with {@link InheritedSubject}'s methods.
 */
final class SubjectBridge implements ClassFileTransformer {
    static final String SUBJECT = "javax/security/auth/Subject";
    static final String JAAS_HELPER = "org/apache/karaf/util/jaas/JaasHelper";

    private static final ClassDesc CD_SUBJECT = ClassDesc.of("javax.security.auth.Subject");
    /** The class the agent defines in {@code java.base} to reach {@link InheritedSubject}. */
    static final String STUB = "javax.security.auth.CloudroamSubjectInheritance";
    private static final ClassDesc CD_STUB = ClassDesc.of(STUB);
    private static final ClassDesc CD_SUPPLIER = ClassDesc.of("java.util.function.Supplier");
    private static final ClassDesc CD_BIFUNCTION = ClassDesc.of("java.util.function.BiFunction");
    private static final MethodTypeDesc CURRENT = MethodTypeDesc.of(CD_SUBJECT);
    private static final MethodTypeDesc CALL_AS = MethodTypeDesc.ofDescriptor(
        "(Ljavax/security/auth/Subject;Ljava/util/concurrent/Callable;)Ljava/lang/Object;");

    /** Whether {@code Subject.current()} and {@code callAs} go to the inheritable thread-local. */
    private final boolean inherit;

    SubjectBridge(final boolean inherit) {
        this.inherit = inherit;
    }

    /**
     * Installs the bridge: future loads of Karaf's JaasHelper are rewritten, and the already
     * loaded {@code Subject} is retransformed.
     *
     * @param instrumentation from the agent's premain
     */
    static void install(final Instrumentation instrumentation) {
        instrumentation.addTransformer(new SubjectBridge(defineStub(instrumentation)), true);
        try {
            instrumentation.retransformClasses(javax.security.auth.Subject.class);
        } catch (UnmodifiableClassException e) {
            throw new IllegalStateException("cannot bridge Subject.getSubject", e);
        }
    }

    /**
     * Defines {@value #STUB} next to {@code Subject} and points its fields at {@link InheritedSubject}.
     *
     * @return false when that failed (then the subject is not inherited; the rest of the bridge works)
     */
    private static boolean defineStub(final Instrumentation instrumentation) {
        final var javaBase = Object.class.getModule();
        instrumentation.redefineModule(javaBase, Set.of(), Map.of(),
            Map.of("javax.security.auth", Set.of(SubjectBridge.class.getModule())), Set.of(), Map.of());
        try {
            final var stub = MethodHandles.privateLookupIn(javax.security.auth.Subject.class, MethodHandles.lookup())
                .defineClass(stubClass());
            final var inStub = MethodHandles.privateLookupIn(stub, MethodHandles.lookup());
            final Supplier<javax.security.auth.Subject> current = InheritedSubject::current;
            final BiFunction<javax.security.auth.Subject, Callable<?>, Object> callAs = InheritedSubject::callAs;
            inStub.findStaticVarHandle(stub, "current", Supplier.class).set(current);
            inStub.findStaticVarHandle(stub, "callAs", BiFunction.class).set(callAs);
            return true;
        } catch (IllegalAccessException | NoSuchFieldException e) {
            // only on failure: the logging system is touched this early for nothing else
            System.getLogger(SubjectBridge.class.getName()).log(System.Logger.Level.WARNING,
                "threads started by a console command will not know its user", e);
            return false;
        }
    }

    /**
     * {@value #STUB}: two static fields, nothing else. The class and its fields are package-private:
     * {@code javax.security.auth} is exported, and public fields there would let any code change
     * whose subject {@code Subject.current()} answers.
     */
    static byte[] stubClass() {
        return ClassFile.of().build(CD_STUB, cls -> cls
            .withFlags(ClassFile.ACC_FINAL | ClassFile.ACC_SUPER)
            .withField("current", CD_SUPPLIER, ClassFile.ACC_STATIC)
            .withField("callAs", CD_BIFUNCTION, ClassFile.ACC_STATIC));
    }

    @Override
    @SuppressFBWarnings(value = "PZLA_PREFER_ZERO_LENGTH_ARRAYS",
        justification = "null is ClassFileTransformer's contract for 'leave this class as it is'")
    public byte[] transform(final Module module, final ClassLoader loader, final String className,
            final Class<?> classBeingRedefined, final ProtectionDomain protectionDomain, final byte[] classfileBuffer) {
        final Optional<byte[]> rewritten;
        if (SUBJECT.equals(className)) {
            rewritten = rewrite(classfileBuffer, this::subjectBody);
        } else if (JAAS_HELPER.equals(className)) {
            rewritten = rewrite(classfileBuffer, SubjectBridge::isJaasDoAs, SubjectBridge::delegateToSubjectDoAs);
        } else {
            rewritten = Optional.empty();
        }
        return rewritten.orElse(null);
    }

    private Optional<Consumer<CodeBuilder>> subjectBody(final MethodModel method) {
        if (isGetSubject(method)) {
            return Optional.of(SubjectBridge::returnCurrent);
        }
        if (inherit && isCurrent(method)) {
            return Optional.of(code -> code.getstatic(CD_STUB, "current", CD_SUPPLIER)
                .invokeinterface(CD_SUPPLIER, "get", MethodTypeDesc.of(ConstantDescs.CD_Object))
                .checkcast(CD_SUBJECT).areturn());
        }
        if (inherit && isCallAs(method)) {
            return Optional.of(code -> code.getstatic(CD_STUB, "callAs", CD_BIFUNCTION).aload(0).aload(1)
                .invokeinterface(CD_BIFUNCTION, "apply", MethodTypeDesc.of(ConstantDescs.CD_Object,
                    ConstantDescs.CD_Object, ConstantDescs.CD_Object))
                .areturn());
        }
        return Optional.empty();
    }

    /** Rewrites the code of the methods {@code select} picks; everything else stays as it is. */
    static Optional<byte[]> rewrite(final byte[] classfile, final Predicate<MethodModel> select,
            final BiConsumer<MethodModel, CodeBuilder> body) {
        return rewrite(classfile, method -> select.test(method)
            ? Optional.of(code -> body.accept(method, code)) : Optional.empty());
    }

    /**
     * Rewrites the code of the methods {@code bodies} gives a new body for; everything else stays
     * as it is.
     */
    static Optional<byte[]> rewrite(final byte[] classfile,
            final Function<MethodModel, Optional<Consumer<CodeBuilder>>> bodies) {
        final var classFile = ClassFile.of();
        final var model = classFile.parse(classfile);
        if (model.methods().stream().noneMatch(method -> bodies.apply(method).isPresent())) {
            return Optional.empty();
        }
        return Optional.of(classFile.transformClass(model, (classBuilder, element) -> {
            if (element instanceof MethodModel method) {
                final var body = bodies.apply(method);
                if (body.isPresent()) {
                    classBuilder.transformMethod(method, (methodBuilder, methodElement) -> {
                        if (methodElement instanceof CodeModel) {
                            methodBuilder.withCode(body.orElseThrow());
                        } else {
                            methodBuilder.with(methodElement);
                        }
                    });
                    return;
                }
            }
            classBuilder.with(element);
        }));
    }

    static boolean isGetSubject(final MethodModel method) {
        return method.methodName().equalsString("getSubject")
            && method.methodType().equalsString("(Ljava/security/AccessControlContext;)Ljavax/security/auth/Subject;");
    }

    static boolean isCurrent(final MethodModel method) {
        return method.methodName().equalsString("current")
            && method.methodType().equalsString("()Ljavax/security/auth/Subject;");
    }

    static boolean isCallAs(final MethodModel method) {
        return method.methodName().equalsString("callAs")
            && method.methodType().equalsString(CALL_AS.descriptorString());
    }

    static boolean isJaasDoAs(final MethodModel method) {
        return method.methodName().equalsString("doAs") && (method.methodType().equalsString(
            "(Ljavax/security/auth/Subject;Ljava/security/PrivilegedAction;)Ljava/lang/Object;")
            || method.methodType().equalsString(
                "(Ljavax/security/auth/Subject;Ljava/security/PrivilegedExceptionAction;)Ljava/lang/Object;"));
    }

    private static void returnCurrent(final CodeBuilder code) {
        code.invokestatic(CD_SUBJECT, "current", CURRENT).areturn();
    }

    private static void delegateToSubjectDoAs(final MethodModel method, final CodeBuilder code) {
        // same descriptor as the JaasHelper method: (Subject, Privileged[Exception]Action) -> Object
        code.aload(0).aload(1).invokestatic(CD_SUBJECT, "doAs", method.methodTypeSymbol()).areturn();
    }
}
