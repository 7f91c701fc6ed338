package io.trireme.vip.election;

import java.util.Optional;

/** Outputs of the state machine, carried out by the agent in order. */
public sealed interface ElectionAction {

    /** Send one advertisement with this priority (0 = leaving). */
    record SendAdvert(int priority) implements ElectionAction {
    }

    /** This router became master: place the address. */
    record TakeOver() implements ElectionAction {
    }

    /** This router stopped being master: remove the address. */
    record GiveUp(String reason) implements ElectionAction {
    }

    /** The master as far as this router knows changed (empty = unknown). */
    record OwnerChanged(Optional<PeerId> owner) implements ElectionAction {
    }
}
