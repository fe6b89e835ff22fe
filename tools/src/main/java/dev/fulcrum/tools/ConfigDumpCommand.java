package dev.fulcrum.tools;

import dev.fulcrum.contract.AdminPaths;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "config-dump", mixinStandardHelpOptions = true,
    description = "Prints the xDS configuration a proxy has applied (its admin /config_dump, CSDS JSON).")
public final class ConfigDumpCommand implements Callable<Integer> {

  @Option(names = "--proxy", required = true, paramLabel = "HOST:ADMIN_PORT",
      description = "The proxy's admin endpoint (its --admin-port).")
  String proxy;

  @Override
  public Integer call() throws Exception {
    HostPort target = HostPort.parse("--proxy", proxy);
    System.out.println(new AdminClient().get("proxy", target, AdminPaths.CONFIG_DUMP).strip());
    return 0;
  }
}
