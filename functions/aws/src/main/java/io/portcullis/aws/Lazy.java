package io.portcullis.aws;

import java.util.function.Supplier;

/**
 * A client built on first use and then reused: a function that never needs S3 or IAM never pays for the client in
 * its cold start.
 */
final class Lazy<T> implements Supplier<T> {

    private final Supplier<T> factory;
    private volatile T value;

    Lazy(Supplier<T> factory) {
        this.factory = factory;
    }

    @Override
    public T get() {
        T v = value;
        if (v == null) {
            synchronized (this) {
                if (value == null) {
                    value = factory.get();
                }
                v = value;
            }
        }
        return v;
    }
}
