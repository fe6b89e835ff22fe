package dev.fulcrum.tools.capture;

import dev.fulcrum.contract.capture.CaptureSettings;
import dev.fulcrum.tools.Fulcrum.UsageException;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code fulcrum capture install|remove}: the pod's traffic capture, as the injected init
 * container runs it (as root, with NET_ADMIN and NET_RAW, in the pod's network namespace).
 */
@Command(name = CaptureSettings.COMMAND, mixinStandardHelpOptions = true,
    description = "Sends the pod's TCP connections through its proxy with iptables (nat table, chains of their own).",
    subcommands = {CaptureCommand.Install.class, CaptureCommand.Remove.class})
public final class CaptureCommand implements Runnable {
  @Spec
  CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  private static Iptables iptables() {
    String path = System.getenv("PATH");
    return new Iptables(path == null ? "/usr/sbin:/usr/bin:/sbin:/bin" : path);
  }

  @Command(name = CaptureSettings.INSTALL, mixinStandardHelpOptions = true,
      description = {"Installs the capture rules; again, it replaces them. Loopback is never captured."})
  static final class Install implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = CaptureSettings.PROXY_UID, defaultValue = "" + CaptureSettings.DEFAULT_PROXY_UID,
        description = "The proxy's user: its own connections are never captured (default: ${DEFAULT-VALUE}).")
    int proxyUid;

    @Option(names = CaptureSettings.OUTBOUND_PORT, defaultValue = "" + CaptureSettings.DEFAULT_OUTBOUND_PORT,
        description = "Where the proxy takes the pod's outbound connections (default: ${DEFAULT-VALUE}).")
    int outboundPort;

    @Option(names = CaptureSettings.INBOUND_PORT, paramLabel = "PORT",
        description = "The proxy's inbound side, where connections to the pod go (default: "
            + CaptureSettings.DEFAULT_INBOUND_PORT + ").")
    Integer inboundPort;

    @Option(names = CaptureSettings.NO_INBOUND,
        description = "Capture nothing inbound: for a proxy without an inbound side.")
    boolean noInbound;

    @Option(names = CaptureSettings.SKIP_OUTBOUND_PORTS, split = ",", paramLabel = "PORT",
        description = "Destination ports never captured, comma-separated.")
    List<Integer> skipOutboundPorts = new ArrayList<>();

    @Option(names = CaptureSettings.SKIP_INBOUND_PORTS, split = ",", paramLabel = "PORT",
        description = "Local ports never captured inbound, comma-separated (the proxy's admin port, say).")
    List<Integer> skipInboundPorts = new ArrayList<>();

    @Option(names = CaptureSettings.SKIP_OUTBOUND_CIDRS, split = ",", paramLabel = "CIDR",
        description = "Destinations never captured, IPv4 a.b.c.d/n, comma-separated.")
    List<String> skipOutboundCidrs = new ArrayList<>();

    @Override
    public Integer call() {
      CaptureSettings settings = settings();
      Iptables iptables = iptables();
      iptables.restore(CaptureRules.install(settings, iptables.saveNat()));
      String inbound = settings.inboundPort().isEmpty() ? "nothing in"
          : "TCP in to :" + settings.inboundPort().getAsInt() + " (but ports " + settings.skipInboundPorts() + ")";
      spec.commandLine().getOut().println("fulcrum capture: TCP out to :" + settings.outboundPort() + " (but uid "
          + settings.proxyUid() + ", loopback, ports " + settings.skipOutboundPorts() + ", CIDRs " + settings.skipOutboundCidrs()
          + "), " + inbound);
      return 0;
    }

    /** The flags, checked before any rule is touched. */
    CaptureSettings settings() {
      if (noInbound && inboundPort != null) {
        throw new UsageException(CaptureSettings.INBOUND_PORT + " and " + CaptureSettings.NO_INBOUND + ": one or the other");
      }
      OptionalInt inbound = noInbound ? OptionalInt.empty()
          : OptionalInt.of(inboundPort == null ? CaptureSettings.DEFAULT_INBOUND_PORT : inboundPort);
      try {
        return new CaptureSettings(proxyUid, outboundPort, inbound, skipOutboundPorts, skipInboundPorts, skipOutboundCidrs);
      } catch (IllegalArgumentException e) {
        throw new UsageException(e.getMessage());
      }
    }
  }

  @Command(name = CaptureSettings.REMOVE, mixinStandardHelpOptions = true,
      description = "Removes every capture rule and chain, leaving the nat table as it was before install.")
  static final class Remove implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
      Iptables iptables = iptables();
      String removal = CaptureRules.remove(iptables.saveNat());
      if (!removal.isEmpty()) {
        iptables.restore(removal);
      }
      spec.commandLine().getOut().println("fulcrum capture: " + (removal.isEmpty() ? "no rule to remove" : "removed"));
      return 0;
    }
  }
}
