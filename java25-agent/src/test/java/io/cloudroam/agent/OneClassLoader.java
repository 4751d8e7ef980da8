/*
 * Copyright (c) 2026 cloudroam authors. All rights reserved.
 *
 * This program and the accompanying materials are made available under the
 * terms of the Eclipse Public License v1.0 which accompanies this distribution,
 * and is available at http://www.eclipse.org/legal/epl-v10.html
 */
package io.cloudroam.agent;

/**
 * Loads one class from given bytes (a rewritten stand-in), everything else from the test's loader.
 */
final class OneClassLoader extends ClassLoader {
    private final String name;
    private final byte[] bytes;

    OneClassLoader(final String name, final byte[] bytes) {
        super(OneClassLoader.class.getClassLoader());
        this.name = name;
        this.bytes = bytes.clone();
    }

    @Override
    protected Class<?> loadClass(final String className, final boolean resolve) throws ClassNotFoundException {
        if (name.equals(className)) {
            synchronized (getClassLoadingLock(className)) {
                final var loaded = findLoadedClass(className);
                return loaded != null ? loaded : defineClass(className, bytes, 0, bytes.length);
            }
        }
        return super.loadClass(className, resolve);
    }
}
