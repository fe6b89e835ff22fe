package dev.fulcrum.contract.capture;

import dev.fulcrum.contract.ProxyFlags;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * What {@code fulcrum capture install} sets up in a pod's network namespace, and the command line
 * that says it: the injector writes the init container's arguments with {@link #installArgs}, and
 * the launcher parses the same flags, so the two cannot drift apart. Every value is checked here,
 * each error naming its flag, before any rule is touched.
 *
 * @param proxyUid the proxy's user: its own connections are never captured, so there is no loop
 * @param outboundPort where the proxy takes captured outbound connections
 * @param inboundPort the proxy's inbound side: captured inbound connections go there, and meshed
 *     callers dialling it directly are left alone; empty for a proxy without one, and then no
 *     inbound connection is captured (nothing would listen where they were sent)
 * @param skipOutboundPorts destination ports never captured outbound
 * @param skipInboundPorts local ports never captured inbound (the proxy's admin port, say); none
 *     without an inbound port
 * @param skipOutboundCidrs destinations never captured outbound, IPv4 {@code a.b.c.d/n}
 */
public record CaptureSettings(int proxyUid, int outboundPort, OptionalInt inboundPort, List<Integer> skipOutboundPorts,
    List<Integer> skipInboundPorts, List<String> skipOutboundCidrs) {
  public static final String COMMAND = "capture";
  public static final String INSTALL = "install";
  public static final String REMOVE = "remove";
  public static final String PROXY_UID = "--proxy-uid";
  public static final String OUTBOUND_PORT = "--outbound-port";
  public static final String INBOUND_PORT = "--inbound-port";
  /** Instead of {@link #INBOUND_PORT}: the pod's inbound connections are left alone. */
  public static final String NO_INBOUND = "--no-inbound";
  public static final String SKIP_OUTBOUND_PORTS = "--skip-outbound-ports";
  public static final String SKIP_INBOUND_PORTS = "--skip-inbound-ports";
  public static final String SKIP_OUTBOUND_CIDRS = "--skip-outbound-cidrs";

  /** The proxy image's non-root user (distroless's "nonroot"). */
  public static final int DEFAULT_PROXY_UID = 65532;
  /** Where the injector already points applications that dial the sidecar by hand. */
  public static final int DEFAULT_OUTBOUND_PORT = 15001;
  public static final int DEFAULT_INBOUND_PORT = ProxyFlags.DEFAULT_INBOUND_PORT;

  public CaptureSettings {
    if (proxyUid < 0) {
      throw new IllegalArgumentException(PROXY_UID + ": " + proxyUid + " is not a user id");
    }
    each(OUTBOUND_PORT, List.of(outboundPort), CaptureSettings::port);
    if (inboundPort.isPresent()) {
      each(INBOUND_PORT, List.of(inboundPort.getAsInt()), CaptureSettings::port);
      if (outboundPort == inboundPort.getAsInt()) {
        throw new IllegalArgumentException(OUTBOUND_PORT + " and " + INBOUND_PORT + ": both " + outboundPort);
      }
    }
    skipOutboundPorts = List.copyOf(skipOutboundPorts);
    skipInboundPorts = List.copyOf(skipInboundPorts);
    skipOutboundCidrs = List.copyOf(skipOutboundCidrs);
    each(SKIP_OUTBOUND_PORTS, skipOutboundPorts, CaptureSettings::port);
    each(SKIP_INBOUND_PORTS, skipInboundPorts, CaptureSettings::port);
    each(SKIP_OUTBOUND_CIDRS, skipOutboundCidrs, CaptureSettings::cidr);
    if (inboundPort.isEmpty() && !skipInboundPorts.isEmpty()) {
      throw new IllegalArgumentException(SKIP_INBOUND_PORTS + ": nothing is captured inbound (" + NO_INBOUND + ")");
    }
  }

  /** Inbound connections captured too, to {@code inboundPort}. */
  public CaptureSettings(int proxyUid, int outboundPort, int inboundPort, List<Integer> skipOutboundPorts,
      List<Integer> skipInboundPorts, List<String> skipOutboundCidrs) {
    this(proxyUid, outboundPort, OptionalInt.of(inboundPort), skipOutboundPorts, skipInboundPorts, skipOutboundCidrs);
  }

  /** The defaults: no skip lists. */
  public static CaptureSettings defaults() {
    return new CaptureSettings(DEFAULT_PROXY_UID, DEFAULT_OUTBOUND_PORT, DEFAULT_INBOUND_PORT, List.of(), List.of(), List.of());
  }

  /**
   * A list of ports as a pod's annotation writes one, {@code "3306, 5432"}: comma-separated,
   * spaces allowed, empty for none. What is not a port is refused naming it.
   */
  public static List<Integer> parsePorts(String list) {
    return items(list).stream().map(item -> {
      if (!item.matches("\\d{1,5}")) {
        throw new IllegalArgumentException("'" + item + "' is not a port (1-65535)");
      }
      int port = Integer.parseInt(item);
      port(port);
      return port;
    }).toList();
  }

  /** A list of IPv4 CIDRs, {@code "10.0.0.0/8, 192.168.0.0/16"}, as {@link #parsePorts} reads ports. */
  public static List<String> parseCidrs(String list) {
    List<String> cidrs = items(list);
    cidrs.forEach(CaptureSettings::cidr);
    return cidrs;
  }

  private static List<String> items(String list) {
    return list.isBlank() ? List.of() : Arrays.stream(list.split(",", -1)).map(String::strip).toList();
  }

  /** Each of {@code values} checked, a refusal naming {@code flag}. */
  private static <T> void each(String flag, List<T> values, Consumer<T> check) {
    for (T value : values) {
      try {
        check.accept(value);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(flag + ": " + e.getMessage());
      }
    }
  }

  /** Refuses what is not a port, naming it. */
  static void port(int port) {
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException(port + " is not a port (1-65535)");
    }
  }

  /** {@code a.b.c.d/n}: four octets 0-255 and a prefix 0-32, as iptables takes it. */
  private static void cidr(String cidr) {
    String[] parts = cidr.split("/", -1);
    boolean valid = parts.length == 2 && parts[1].matches("\\d{1,2}") && Integer.parseInt(parts[1]) <= 32;
    String[] octets = parts[0].split("\\.", -1);
    valid &= octets.length == 4;
    for (String octet : octets) {
      valid &= octet.matches("\\d{1,3}") && Integer.parseInt(octet) <= 255;
    }
    if (!valid) {
      throw new IllegalArgumentException("'" + cidr + "' is not an IPv4 CIDR (a.b.c.d/n)");
    }
  }

  /** {@code capture install} and the flags that say these settings, as the init container runs it. */
  public List<String> installArgs() {
    List<String> args = new ArrayList<>(List.of(COMMAND, INSTALL,
        PROXY_UID, String.valueOf(proxyUid),
        OUTBOUND_PORT, String.valueOf(outboundPort)));
    if (inboundPort.isPresent()) {
      args.addAll(List.of(INBOUND_PORT, String.valueOf(inboundPort.getAsInt())));
    } else {
      args.add(NO_INBOUND);
    }
    list(args, SKIP_OUTBOUND_PORTS, skipOutboundPorts.stream().map(String::valueOf).toList());
    list(args, SKIP_INBOUND_PORTS, skipInboundPorts.stream().map(String::valueOf).toList());
    list(args, SKIP_OUTBOUND_CIDRS, skipOutboundCidrs);
    return args;
  }

  private static void list(List<String> args, String flag, List<String> values) {
    if (!values.isEmpty()) {
      args.add(flag);
      args.add(values.stream().collect(Collectors.joining(",")));
    }
  }
}
