package dev.fulcrum.controlplane.dashboard;

import dev.fulcrum.contract.AdminPaths;
import dev.fulcrum.contract.stats.StatsJson;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.inject.Inject;
import javax.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls every proxy of the {@link ProxyDirectory} at its {@code /stats} every {@link #INTERVAL},
 * asynchronously and with short timeouts: a proxy that does not answer is marked so, and delays
 * nothing else.
 */
@Singleton
public final class ProxyStatsCollector implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ProxyStatsCollector.class);
  static final Duration INTERVAL = Duration.ofSeconds(2);
  private static final Duration CONNECT_TIMEOUT = Duration.ofMillis(500);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(1);

  private final ProxyDirectory proxies;
  private final HttpClient http = HttpClient.newBuilder()
      .version(HttpClient.Version.HTTP_1_1) // the JDK server behind /stats speaks HTTP/1.1 only
      .connectTimeout(CONNECT_TIMEOUT)
      .build();
  /** By admin address: a proxy is whatever answers there. */
  private final Map<String, ProxyPoll> polls = new ConcurrentHashMap<>();
  private ScheduledExecutorService scheduler;

  @Inject
  ProxyStatsCollector(ProxyDirectory proxies) {
    this.proxies = proxies;
  }

  public synchronized void start() {
    scheduler = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "fulcrum-dashboard-poller");
      thread.setDaemon(true);
      return thread;
    });
    scheduler.scheduleWithFixedDelay(this::pollAll, 0, INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Every proxy polled and what polling it gave, by name. */
  public List<ProxyPoll> polls() {
    return polls.values().stream()
        .sorted((a, b) -> a.proxy().name().compareTo(b.proxy().name()))
        .toList();
  }

  private void pollAll() {
    try {
      List<ConnectedProxy> connected = proxies.list();
      Set<String> admins = connected.stream().map(ConnectedProxy::admin).collect(Collectors.toSet());
      polls.keySet().retainAll(admins); // disconnected proxies leave the dashboard
      for (ConnectedProxy proxy : connected) {
        polls.putIfAbsent(proxy.admin(), ProxyPoll.connected(proxy));
        poll(proxy);
      }
    } catch (RuntimeException e) {
      log.warn("dashboard poll failed", e); // keep the schedule alive
    }
  }

  private void poll(ConnectedProxy proxy) {
    HttpRequest request;
    try {
      request = HttpRequest.newBuilder(URI.create("http://" + proxy.admin() + AdminPaths.STATS))
          .timeout(REQUEST_TIMEOUT)
          .build();
    } catch (IllegalArgumentException e) {
      record(proxy, null, "bad admin address '" + proxy.admin() + "'");
      return;
    }
    http.sendAsync(request, HttpResponse.BodyHandlers.ofString()).whenComplete((response, error) -> {
      if (error != null) {
        record(proxy, null, describe(error));
      } else if (response.statusCode() != 200) {
        record(proxy, null, AdminPaths.STATS + " answered HTTP " + response.statusCode());
      } else {
        try {
          record(proxy, new ProxyPoll.Sample(System.nanoTime(), StatsJson.read(response.body())), null);
        } catch (RuntimeException e) {
          record(proxy, null, AdminPaths.STATS + " is not stats JSON: " + e.getMessage());
        }
      }
    });
  }

  private void record(ConnectedProxy proxy, ProxyPoll.Sample sample, String error) {
    // computeIfPresent: a proxy that disconnected meanwhile stays gone.
    polls.computeIfPresent(proxy.admin(), (admin, poll) -> {
      if (sample != null) {
        return poll.answered(sample);
      }
      if (poll.error().isEmpty()) {
        log.warn("proxy {} does not answer on {}: {}", proxy.name(), proxy.admin(), error);
      }
      return poll.failed(error);
    });
  }

  private static String describe(Throwable error) {
    Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    String message = cause instanceof java.net.ConnectException && cause.getMessage() == null
        ? "connection refused" : cause.getMessage();
    return cause.getClass().getSimpleName() + (message == null || message.isBlank() ? "" : ": " + message);
  }

  @Override
  public synchronized void close() {
    if (scheduler != null) {
      scheduler.shutdownNow();
    }
    polls.clear();
  }
}
