package dev.fulcrum.controlplane.kubernetes;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Coalesces a burst of changes into one rebuild: the first change schedules {@code action} after
 * {@code window}; changes until it starts ride along. A change while it runs schedules one more,
 * so the last change is never missed. A few milliseconds are enough to gather the events of one
 * rollout step (an EndpointSlice written several times) without delaying it noticeably.
 */
final class ChangeCoalescer {
  private final ScheduledExecutorService executor;
  private final Duration window;
  private final Runnable action;
  private final AtomicBoolean pending = new AtomicBoolean();

  ChangeCoalescer(ScheduledExecutorService executor, Duration window, Runnable action) {
    this.executor = executor;
    this.window = window;
    this.action = action;
  }

  void changed() {
    if (pending.compareAndSet(false, true) && !executor.isShutdown()) {
      executor.schedule(this::run, window.toNanos(), TimeUnit.NANOSECONDS);
    }
  }

  private void run() {
    pending.set(false);
    action.run();
  }
}
