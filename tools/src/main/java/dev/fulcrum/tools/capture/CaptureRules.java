package dev.fulcrum.tools.capture;

import dev.fulcrum.contract.capture.CaptureSettings;
import java.util.ArrayList;
import java.util.List;

/**
 * The pod's capture rules, as {@code iptables-restore --noflush} input for the nat table: pure,
 * from the settings and the table as {@code iptables-save -t nat} shows it now. The rules live in
 * chains of their own, entered by one jump from OUTPUT and one from PREROUTING, so that installing
 * again replaces them (declaring a chain in restore input empties it) and removing them leaves the
 * table as it was. One restore applies all or nothing: no rule is ever left half-installed.
 */
final class CaptureRules {
  static final String OUTBOUND_CHAIN = "FULCRUM_OUTPUT";
  static final String INBOUND_CHAIN = "FULCRUM_PREROUTING";
  private static final String OUTBOUND_JUMP = "-A OUTPUT -j " + OUTBOUND_CHAIN;
  private static final String INBOUND_JUMP = "-A PREROUTING -j " + INBOUND_CHAIN;

  private CaptureRules() {}

  /** What installs {@code settings} over {@code nat}; installing twice gives the same table. */
  static String install(CaptureSettings settings, String nat) {
    List<String> lines = new ArrayList<>(List.of("*nat", ":" + INBOUND_CHAIN + " - [0:0]", ":" + OUTBOUND_CHAIN + " - [0:0]"));
    if (!has(nat, INBOUND_JUMP)) {
      lines.add(INBOUND_JUMP);
    }
    if (!has(nat, OUTBOUND_JUMP)) {
      lines.add(OUTBOUND_JUMP);
    }
    // Inbound: every TCP connection to the pod goes to the inbound side, but those already dialling
    // it (meshed callers) and the ports left to others (the proxy's admin, for the kubelet). A
    // proxy without an inbound side leaves its chain empty (emptied, if it had rules before).
    settings.inboundPort().ifPresent(inbound -> {
      lines.add(returnFor(INBOUND_CHAIN, "-p tcp --dport " + inbound));
      settings.skipInboundPorts().forEach(port -> lines.add(returnFor(INBOUND_CHAIN, "-p tcp --dport " + port)));
      lines.add("-A " + INBOUND_CHAIN + " -p tcp -j REDIRECT --to-ports " + inbound);
    });
    // Outbound: every TCP connection the pod makes goes to the proxy, but the proxy's own (no loop),
    // loopback, and the ports and destinations skipped.
    lines.add(returnFor(OUTBOUND_CHAIN, "-m owner --uid-owner " + settings.proxyUid()));
    lines.add(returnFor(OUTBOUND_CHAIN, "-o lo"));
    lines.add(returnFor(OUTBOUND_CHAIN, "-d 127.0.0.0/8"));
    settings.skipOutboundPorts().forEach(port -> lines.add(returnFor(OUTBOUND_CHAIN, "-p tcp --dport " + port)));
    settings.skipOutboundCidrs().forEach(cidr -> lines.add(returnFor(OUTBOUND_CHAIN, "-d " + cidr)));
    lines.add("-A " + OUTBOUND_CHAIN + " -p tcp -j REDIRECT --to-ports " + settings.outboundPort());
    lines.add("COMMIT");
    return String.join("\n", lines) + "\n";
  }

  /** What removes every Fulcrum rule from {@code nat}; empty when there is none. */
  static String remove(String nat) {
    List<String> lines = new ArrayList<>();
    if (has(nat, INBOUND_JUMP)) {
      lines.add("-D" + INBOUND_JUMP.substring(2));
    }
    if (has(nat, OUTBOUND_JUMP)) {
      lines.add("-D" + OUTBOUND_JUMP.substring(2));
    }
    for (String chain : List.of(INBOUND_CHAIN, OUTBOUND_CHAIN)) {
      if (nat.lines().anyMatch(line -> line.startsWith(":" + chain + " "))) {
        lines.add("-F " + chain);
        lines.add("-X " + chain);
      }
    }
    if (lines.isEmpty()) {
      return "";
    }
    lines.add(0, "*nat");
    lines.add("COMMIT");
    return String.join("\n", lines) + "\n";
  }

  private static String returnFor(String chain, String match) {
    return "-A " + chain + " " + match + " -j RETURN";
  }

  private static boolean has(String nat, String rule) {
    return nat.lines().anyMatch(rule::equals);
  }
}
