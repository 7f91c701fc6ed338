package io.trireme.vip.election;

import java.util.Optional;

/** The RFC 5798 router states, as seen from outside the state machine. */
public sealed interface ElectionState {

    /** The closed set of roles, for exhaustive switches. */
    enum Role { INIT, BACKUP, MASTER }

    Role role();

    /** Not taking part (not started, or shut down). */
    record Init() implements ElectionState {
        @Override
        public Role role() {
            return Role.INIT;
        }
    }

    /** Listening for the master; {@code master} is the one last heard, if it is still believed alive. */
    record Backup(Optional<PeerId> master, boolean eligible) implements ElectionState {
        @Override
        public Role role() {
            return Role.BACKUP;
        }
    }

    /** Holding the VIP and advertising. */
    record Master() implements ElectionState {
        @Override
        public Role role() {
            return Role.MASTER;
        }
    }
}
