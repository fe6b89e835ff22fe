package dev.fulcrum.controlplane.dashboard;

import java.util.List;

/** Which proxies there are for the dashboard to poll, each once, in a stable order. */
public interface ProxyDirectory {
  List<ConnectedProxy> list();
}
