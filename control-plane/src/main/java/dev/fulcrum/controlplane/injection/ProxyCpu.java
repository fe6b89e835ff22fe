package dev.fulcrum.controlplane.injection;

import io.fabric8.kubernetes.api.model.Quantity;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Optional;

/**
 * The CPU a pod gives its proxy (pure): a Kubernetes quantity, the container's CPU limit, and the
 * proxy's network threads to match, one per whole core it may use (at least one). As Linkerd's
 * {@code proxy-cpu-limit}: a pod whose proxy carries much traffic raises both in one annotation.
 */
public record ProxyCpu(Quantity limit) {
  /** The proxy's CPU limit when no annotation says otherwise: one core, for its one network thread. */
  public static final ProxyCpu DEFAULT = new ProxyCpu(new Quantity("1"));
  /** What the proxy asks the scheduler for, when its limit allows that much. */
  static final Quantity REQUEST = new Quantity("100m");
  static final int MAX_IO_THREADS = 64;

  /** {@code text} as a CPU limit ("2", "1500m", "0.5"); empty if it is not a positive CPU quantity. */
  static Optional<ProxyCpu> parse(String text) {
    try {
      Quantity quantity = Quantity.parse(text.trim());
      BigDecimal cores = quantity.getNumericalAmount();
      // Kubernetes counts CPU in millicores: a finer limit cannot be set.
      if (cores.compareTo(new BigDecimal("0.001")) < 0) {
        return Optional.empty();
      }
      return Optional.of(new ProxyCpu(quantity));
    } catch (IllegalArgumentException | ArithmeticException e) {
      return Optional.empty();
    }
  }

  /**
   * One network thread per core the limit allows, rounded up (1500m can keep two threads busy), and
   * at most {@link #MAX_IO_THREADS}, so that a mistyped limit cannot ask for thousands of threads.
   */
  public int ioThreads() {
    BigDecimal cores = limit.getNumericalAmount().setScale(0, RoundingMode.CEILING);
    return Math.max(1, cores.min(BigDecimal.valueOf(MAX_IO_THREADS)).intValue());
  }

  /** The scheduler's request: 100m, or the limit if that is lower (a request above its limit is refused). */
  Quantity request() {
    return REQUEST.getNumericalAmount().compareTo(limit.getNumericalAmount()) <= 0 ? REQUEST : limit;
  }
}
