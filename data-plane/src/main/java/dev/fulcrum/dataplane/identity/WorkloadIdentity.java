package dev.fulcrum.dataplane.identity;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy's certificate, kept valid: the first one before the proxy serves, then a new one (with
 * a new key) once {@link #RENEW_AT} of the current one's life has passed, well before it ends.
 * Each is put to use at once: in memory for the inbound side, as files ({@link IdentityFiles}) for
 * grpc-xds's upstream mTLS. Connections open keep their handshake; new ones take the new
 * certificate, so no call fails over a renewal.
 *
 * <p>When the control plane cannot be reached, the current certificate serves on until it ends;
 * each failed renewal is logged and counted ({@code fulcrum_identity_renewals_total{result="failed"}})
 * and tried again, sooner than the certificate's end.
 */
public final class WorkloadIdentity implements CertificateSource, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WorkloadIdentity.class);
  /** Renewed at two thirds of its life: before 70%, so a third of it is left to retry in. */
  static final double RENEW_AT = 2.0 / 3;
  /** The first retry after a failed renewal; then doubling, up to {@link #MAX_RETRY}. */
  static final Duration FIRST_RETRY = Duration.ofMillis(500);
  static final Duration MAX_RETRY = Duration.ofSeconds(30);
  static final Duration MIN_RETRY = Duration.ofMillis(100);

  private final IdentityClient client;
  private final IdentityFiles files;
  private final Clock clock;
  private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "fulcrum-identity");
    thread.setDaemon(true);
    return thread;
  });
  private final List<Consumer<WorkloadCertificate>> listeners = new CopyOnWriteArrayList<>();
  private final Counter renewed;
  private final Counter failed;
  private volatile WorkloadCertificate current;

  public WorkloadIdentity(IdentityClient client, IdentityFiles files, MeterRegistry registry, Clock clock) {
    this.client = client;
    this.files = files;
    this.clock = clock;
    this.renewed = renewals(registry, "renewed");
    this.failed = renewals(registry, "failed");
    Gauge.builder("fulcrum.identity.certificate.expiry", this,
            identity -> identity.current == null ? 0 : identity.current.notAfter().getEpochSecond())
        .description("When the proxy's certificate ends, in seconds since the epoch")
        .register(registry);
  }

  private static Counter renewals(MeterRegistry registry, String result) {
    return Counter.builder("fulcrum.identity.renewals")
        .description("Certificates asked of the control plane's identity service, by result")
        .tag("result", result)
        .register(registry);
  }

  /**
   * Gets the first certificate, trying until the identity service gives one (the proxy cannot
   * serve meshed traffic without it), then keeps it renewed.
   */
  public WorkloadIdentity start() throws InterruptedException {
    Duration retry = FIRST_RETRY;
    while (current == null) {
      try {
        use(client.certify());
      } catch (IOException | GeneralSecurityException e) {
        failed.increment();
        log.warn("identity: no certificate yet for {} ({}); trying again in {} ms", client.workload(), e.getMessage(),
            retry.toMillis());
        Thread.sleep(retry.toMillis());
        retry = longer(retry);
      }
    }
    log.info("identity: {} certified until {}", current.id(), current.notAfter());
    schedule(renewalTime(clock.instant(), current), FIRST_RETRY);
    return this;
  }

  @Override
  public WorkloadCertificate current() {
    return current;
  }

  @Override
  public void onRenewed(Consumer<WorkloadCertificate> listener) {
    listeners.add(listener);
  }

  public IdentityFiles files() {
    return files;
  }

  private void use(WorkloadCertificate certificate) throws IOException {
    files.write(certificate);
    current = certificate;
    renewed.increment();
    listeners.forEach(listener -> listener.accept(certificate));
  }

  /**
   * When to renew: {@link #RENEW_AT} of the way from {@code received} to the certificate's end.
   * Not from its notBefore, which a CA sets back a little for peers whose clocks lag (a minute
   * here): on a certificate of seconds, that would be time already gone.
   */
  static Instant renewalTime(Instant received, WorkloadCertificate certificate) {
    long life = Duration.between(received, certificate.notAfter()).toMillis();
    return received.plusMillis((long) (life * RENEW_AT));
  }

  private void schedule(Instant when, Duration nextRetry) {
    long delay = Math.max(0, Duration.between(clock.instant(), when).toMillis());
    timer.schedule(() -> renew(nextRetry), delay, TimeUnit.MILLISECONDS);
  }

  private void renew(Duration retry) {
    try {
      use(client.certify());
      log.info("identity: renewed {}, now until {}", current.id(), current.notAfter());
      schedule(renewalTime(clock.instant(), current), FIRST_RETRY);
    } catch (IOException | GeneralSecurityException | RuntimeException e) {
      failed.increment();
      Instant end = current.notAfter();
      // Never wait out the certificate: a short one (seconds, in tests) is retried within its life.
      Duration quarterLeft = Duration.between(clock.instant(), end).dividedBy(4);
      if (retry.compareTo(quarterLeft) > 0) {
        retry = quarterLeft.compareTo(MIN_RETRY) > 0 ? quarterLeft : MIN_RETRY;
      }
      log.warn("identity: renewing {} failed ({}); the current certificate serves until {}; trying again in {} ms",
          current.id(), e.getMessage(), end, retry.toMillis());
      schedule(clock.instant().plus(retry), longer(retry));
    }
  }

  private static Duration longer(Duration retry) {
    Duration doubled = retry.multipliedBy(2);
    return doubled.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : doubled;
  }

  /** Stops renewing. The files stay: an application may still be reading them (proxyless). */
  @Override
  public void close() {
    timer.shutdownNow();
    client.close();
  }
}
