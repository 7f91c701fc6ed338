package io.trireme.vip.advert;

import java.util.Objects;

/** The outcome of checking one datagram: errors as values. */
public sealed interface Verdict {

    record Accepted(Advert advert) implements Verdict {
        public Accepted {
            Objects.requireNonNull(advert, "advert");
        }
    }

    record Dropped(DropReason reason, String detail) implements Verdict {
        public Dropped {
            Objects.requireNonNull(reason, "reason");
            Objects.requireNonNull(detail, "detail");
        }
    }
}
