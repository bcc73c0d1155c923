package io.portcullis.local.scenario;

/** A sample no scenario can set up (or that cannot be read): the message names the file and the event. */
public final class UnsupportedSample extends IllegalArgumentException {

    public UnsupportedSample(String message) {
        super(message);
    }
}
