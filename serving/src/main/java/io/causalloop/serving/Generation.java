package io.causalloop.serving;

import io.causalloop.schemas.GenerationEvent;
import java.util.Objects;

/**
 * A generated reply: the full {@link GenerationEvent} (show {@link #text()} to the reader) and
 * whether it was logged to {@code generations} (false when subsampling dropped it; the reader still
 * sees the reply, and ratings of it will find no generation to join).
 *
 * @param event the event, logged or not
 * @param logged whether it was sent to the generations topic
 */
public record Generation(GenerationEvent event, boolean logged) {

  /** Validates. */
  public Generation {
    Objects.requireNonNull(event, "event");
  }

  /** @return the generation id, the join key of ratings */
  public String generationId() {
    return event.getGenerationId();
  }

  /** @return the reply text */
  public String text() {
    return event.getText();
  }

  /** @return the arm */
  public String arm() {
    return event.getArm();
  }

  /** @return the version of the policy that produced it */
  public long policyVersion() {
    return event.getPolicyVersion();
  }

  /** @return logP_R(x|c), subsampling included */
  public double logPropensity() {
    return event.getLogPropensity();
  }
}
