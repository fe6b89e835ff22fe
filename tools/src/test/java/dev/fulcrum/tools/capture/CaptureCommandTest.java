package dev.fulcrum.tools.capture;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.fulcrum.contract.capture.CaptureSettings;
import dev.fulcrum.tools.Fulcrum.UsageException;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The launcher reads back the command line {@link CaptureSettings#installArgs} writes (no iptables here: CaptureTest's). */
class CaptureCommandTest {

  /** {@code args} as the launcher parses them, after its {@code capture} subcommand's name. */
  private static CaptureSettings parsed(List<String> args) {
    assertEquals(CaptureSettings.COMMAND, args.get(0));
    CommandLine.ParseResult result = new CommandLine(new CaptureCommand()).parseArgs(
        args.subList(1, args.size()).toArray(String[]::new));
    return ((CaptureCommand.Install) result.subcommand().commandSpec().userObject()).settings();
  }

  @Test
  void whatTheInjectorWritesIsWhatTheLauncherReads() {
    for (CaptureSettings settings : List.of(CaptureSettings.defaults(),
        new CaptureSettings(65532, 16001, 4200, List.of(25, 3306), List.of(9990, 8081), List.of("10.96.0.0/12", "10.0.0.0/8")),
        new CaptureSettings(1000, 15001, OptionalInt.empty(), List.of(5432), List.of(), List.of("192.168.0.0/16")))) {
      assertEquals(settings, parsed(settings.installArgs()), String.join(" ", settings.installArgs()));
    }
  }

  @Test
  void anInboundPortWithNoInboundIsRefused() {
    assertEquals("--inbound-port and --no-inbound: one or the other", assertThrows(UsageException.class,
        () -> parsed(List.of("capture", "install", "--inbound-port", "4143", "--no-inbound"))).getMessage());
    assertEquals("--skip-inbound-ports: nothing is captured inbound (--no-inbound)", assertThrows(UsageException.class,
        () -> parsed(List.of("capture", "install", "--no-inbound", "--skip-inbound-ports", "9990"))).getMessage());
  }
}
