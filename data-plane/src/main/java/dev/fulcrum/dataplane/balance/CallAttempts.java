package dev.fulcrum.dataplane.balance;

import io.grpc.CallOptions;
import io.grpc.Status;
import java.util.HashSet;
import java.util.Set;

/**
 * The endpoints one call has been sent to so far. The proxy attaches a fresh one to each call's
 * options; grpc hands the same options to every attempt's pick, so a retry can go to an endpoint
 * the call has not tried yet.
 */
public final class CallAttempts {
  public static final CallOptions.Key<CallAttempts> KEY = CallOptions.Key.create("fulcrum.call-attempts");

  /** The first attempt's endpoint; the set holds the retries' (most calls never make one). */
  private Object first;
  private Set<Object> retried;
  private Status lastFailure = Status.UNAVAILABLE.withDescription("no attempt has failed");

  /** Whether no endpoint has been tried yet: a first attempt, with nothing to avoid. */
  synchronized boolean none() {
    return first == null;
  }

  /** Whether an attempt was sent to a backend: the service was configured and had endpoints. */
  public synchronized boolean reachedBackend() {
    return first != null;
  }

  synchronized boolean tried(Object endpoint) {
    return endpoint.equals(first) || (retried != null && retried.contains(endpoint));
  }

  synchronized void record(Object endpoint) {
    if (first == null) {
      first = endpoint;
      return;
    }
    if (retried == null) {
      retried = new HashSet<>(4);
    }
    retried.add(endpoint);
  }

  /** Remembers how an attempt ended, so that a retry that is not made can report the real failure. */
  synchronized void closed(Status status) {
    if (!status.isOk()) {
      lastFailure = status;
    }
  }

  synchronized Status lastFailure() {
    return lastFailure;
  }
}
