package io.trireme.vip.election;

import java.util.Optional;

/** Outputs of the state machine, carried out by the agent in order. */
public sealed interface ElectionAction {

    /** Send one master advertisement with this priority (0 = leaving). */
    record SendAdvert(int priority) implements ElectionAction {
    }

    /**
     * Send one standby advertisement (a backup of a quorum-fenced group): {@code candidate} = this router would
     * claim if no master were heard; {@code hearsMaster} = it heard a master advert within the contact window.
     */
    record SendStandby(int priority, boolean candidate, boolean hearsMaster) implements ElectionAction {
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
