package dev.fulcrum.tools;

import dev.fulcrum.tools.bench.BenchCommand;
import dev.fulcrum.tools.bench.FloodCommand;
import dev.fulcrum.tools.capture.CaptureCommand;
import dev.fulcrum.tools.demo.DemoCommand;
import dev.fulcrum.tools.echo.EchoCommand;
import dev.fulcrum.tools.multicluster.MulticlusterCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code tools/fulcrum}: every Fulcrum command behind one launcher. */
@Command(
    name = "fulcrum",
    mixinStandardHelpOptions = true,
    version = "fulcrum 0.1.0",
    description = "A service mesh for gRPC: per-request balancing over xDS.",
    subcommands = {
        EchoCommand.class,
        ProxyCommand.class,
        BenchCommand.class,
        FloodCommand.class,
        ConfigDumpCommand.class,
        IdentityCommand.class,
        CaptureCommand.class,
    })
public final class Fulcrum implements Runnable {
  /** Exit code for bad flags or a bad file. */
  public static final int USAGE = 2;
  /** Exit code when the control plane or proxy a command asks does not answer. */
  public static final int UNREACHABLE = 1;

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The launcher, with its exit codes and one-line errors (tests run commands through it). */
  public static CommandLine commandLine() {
    CommandLine line = new CommandLine(new Fulcrum());
    // The proxy's image leaves the control plane's jars out; these commands need them.
    if (hasControlPlane()) {
      line.addSubcommand(new ControlPlaneCommand());
      line.addSubcommand(new DemoCommand());
      line.addSubcommand(new StatCommand());
      line.addSubcommand(new MulticlusterCommand());
    }
    line.setParameterExceptionHandler((e, args) -> {
      e.getCommandLine().getErr().println(
          e.getCommandLine().getCommandSpec().qualifiedName() + ": " + e.getMessage() + " (see --help)");
      return USAGE;
    });
    line.setExecutionExceptionHandler((e, command, parsed) -> {
      if (e instanceof UsageException) {
        command.getErr().println(command.getCommandSpec().qualifiedName() + ": " + e.getMessage());
        return USAGE;
      }
      if (e instanceof UnreachableException) {
        command.getErr().println(command.getCommandSpec().qualifiedName() + ": " + e.getMessage());
        return UNREACHABLE;
      }
      throw e;
    });
    return line;
  }

  /** Whether the control plane's classes are on the classpath (everywhere but the proxy's image). */
  public static boolean hasControlPlane() {
    try {
      Class.forName("dev.fulcrum.controlplane.ControlPlane", false, Fulcrum.class.getClassLoader());
      return true;
    } catch (ClassNotFoundException e) {
      return false;
    }
  }

  /** A bad flag value or a bad file, found after parsing: one clear line and exit code 2. */
  public static final class UsageException extends RuntimeException {
    public UsageException(String message) {
      super(message);
    }
  }

  /** The target of a command does not answer: one clear line and exit code 1. */
  public static final class UnreachableException extends RuntimeException {
    public UnreachableException(String message) {
      super(message);
    }
  }
}
