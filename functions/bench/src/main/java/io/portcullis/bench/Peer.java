package io.portcullis.bench;

import io.portcullis.local.LocalRuntime;
import io.portcullis.local.Sandbox;

/** The peer comparison: Cloud Custodian's own Lambda entry point on the same event and emulator. */
final class Peer {

    private Peer() {
    }

    static void run(Bench bench, LocalRuntime runtime, Sandbox sandbox) {
        bench.out.println("peer: Cloud Custodian harness not installed yet; skipped");
    }
}
