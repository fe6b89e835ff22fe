package dev.fulcrum.tools.capture;

import dev.fulcrum.tools.Fulcrum.UsageException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The nat table of this network namespace, through Debian's {@code iptables-save} and
 * {@code iptables-restore} (whichever backend, nft or legacy, the system's alternatives choose).
 * A missing binary or a refused restore is a {@link UsageException}: one line, exit code 2; a
 * refused restore changed nothing, as restores are atomic.
 */
final class Iptables {
  private final String path;

  /** Binaries looked up on {@code path} (a PATH value). */
  Iptables(String path) {
    this.path = path;
  }

  String saveNat() {
    return run(List.of(binary("iptables-save"), "-t", "nat"), "");
  }

  void restore(String input) {
    run(List.of(binary("iptables-restore"), "--noflush"), input);
  }

  private String binary(String name) {
    Optional<Path> found = Optional.empty();
    for (String dir : path.split(":")) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
      if (Files.isExecutable(candidate)) {
        found = Optional.of(candidate);
        break;
      }
    }
    return found.orElseThrow(() -> new UsageException(name + " not found on PATH; the proxy image has Debian's iptables"))
        .toString();
  }

  private static String run(List<String> command, String input) {
    try {
      Process process = new ProcessBuilder(command).start();
      process.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
      process.getOutputStream().close();
      String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
        String why = err.lines().filter(line -> !line.isBlank()).findFirst().orElse("exit code " + process.exitValue());
        throw new UsageException(Path.of(command.get(0)).getFileName() + " failed, nothing changed: " + why);
      }
      return out;
    } catch (IOException e) {
      throw new UsageException(command.get(0) + " could not run: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UsageException(command.get(0) + " interrupted");
    }
  }
}
