package dev.rollgate.controlplane.release;

/** A change the reconciler makes through the platform ports. All are idempotent. */
public sealed interface Effect {

    record ApplyTrack(Track track, Revision revision) implements Effect {
    }

    record Route(Weights weights) implements Effect {
    }

    record ScaleToZero(Track track) implements Effect {
    }
}
