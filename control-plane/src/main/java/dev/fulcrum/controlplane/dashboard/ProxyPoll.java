package dev.fulcrum.controlplane.dashboard;

import dev.fulcrum.contract.stats.ProxyStats;
import java.util.Optional;

/**
 * What polling one proxy has given so far: its last two answers (two, for rates) and whether the
 * last poll failed.
 *
 * @param previous the answer before {@code latest}
 * @param latest the last answer
 * @param error why the last poll failed; empty when it succeeded or none was made yet
 */
public record ProxyPoll(ConnectedProxy proxy, Optional<Sample> previous, Optional<Sample> latest,
    Optional<String> error) {

  /** One answer, and when it came ({@link System#nanoTime()}). */
  public record Sample(long atNanos, ProxyStats stats) {}

  /** A proxy just connected, not polled yet. */
  public static ProxyPoll connected(ConnectedProxy proxy) {
    return new ProxyPoll(proxy, Optional.empty(), Optional.empty(), Optional.empty());
  }

  public ProxyPoll answered(Sample sample) {
    if (latest.isPresent() && latest.get().atNanos() >= sample.atNanos()) {
      return this; // a late answer to an older poll
    }
    return new ProxyPoll(proxy, latest, Optional.of(sample), Optional.empty());
  }

  public ProxyPoll failed(String why) {
    return new ProxyPoll(proxy, previous, latest, Optional.of(why));
  }

  public boolean answering() {
    return latest.isPresent() && error.isEmpty();
  }
}
