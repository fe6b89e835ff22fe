package dev.fulcrum.contract.capture;

import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * Destination ports whose captured connections the proxy passes through at once, without waiting
 * to see what the client says first: protocols where the server speaks first (MySQL, SMTP) would
 * otherwise wait out the proxy's detection. The injector writes them from the pod's annotation as
 * the proxy's flag; by default they are the well-known server-speaks-first ports Linkerd also
 * treats as opaque, and an annotation replaces that list (an empty one leaves none).
 */
public record OpaquePorts(Set<Integer> ports) {
  /** The pod annotation: a comma-separated list of ports. */
  public static final String ANNOTATION = "fulcrum.io/opaque-ports";
  /** The proxy's flag, in the annotation's form. */
  public static final String FLAG = "--opaque-ports";
  /** SMTP, submission, MySQL, Galera, PostgreSQL, Redis, Elasticsearch's transport, memcached. */
  public static final OpaquePorts DEFAULT = new OpaquePorts(Set.of(25, 587, 3306, 4444, 5432, 6379, 9300, 11211));

  public OpaquePorts {
    ports = Set.copyOf(new TreeSet<>(ports));
    ports.forEach(CaptureSettings::port);
  }

  /** {@code 3306,5432}: ports, comma-separated, spaces allowed; empty for none ({@link CaptureSettings#parsePorts}). */
  public static OpaquePorts parse(String list) {
    return new OpaquePorts(new TreeSet<>(CaptureSettings.parsePorts(list)));
  }

  public boolean contains(int port) {
    return ports.contains(port);
  }

  /** The form {@link #parse} reads, ports in ascending order. */
  @Override
  public String toString() {
    return ports.stream().sorted().map(String::valueOf).collect(Collectors.joining(","));
  }
}
