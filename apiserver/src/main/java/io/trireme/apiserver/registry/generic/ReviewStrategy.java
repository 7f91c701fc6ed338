package io.trireme.apiserver.registry.generic;

import java.util.Optional;

/** The whole strategy of a create-only, answered resource: what it is called and how it is answered. */
public record ReviewStrategy(ResourceInfo info, Review answer) implements ResourceStrategy {
  @Override
  public Optional<Review> review() {
    return Optional.of(answer);
  }
}
