package dev.fulcrum.controlplane.injection;

import dev.fulcrum.contract.identity.Pem;
import dev.fulcrum.controlplane.tls.PemFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed certificate for localhost and 127.0.0.1, made at test time by the JDK's keytool,
 * written as a TLS Secret's PEM files: {@code tls.crt} and a PKCS#8 {@code tls.key}.
 */
public record SelfSigned(Path certificate, Path privateKey, Certificate issued) {
  private static final char[] PASSWORD = "changeit".toCharArray();

  /** {@code keyAlgorithm}: RSA or EC, as keytool's -keyalg. */
  public static SelfSigned create(Path directory, String keyAlgorithm) throws Exception {
    Path store = directory.resolve("webhook-" + keyAlgorithm + ".p12");
    run(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", "webhook", "-keyalg", keyAlgorithm, "-validity", "2",
        "-dname", "CN=fulcrum-control-plane.fulcrum-system.svc", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
        "-storetype", "PKCS12", "-keystore", store.toString(), "-storepass", new String(PASSWORD)));
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      keys.load(in, PASSWORD);
    }
    Certificate certificate = keys.getCertificate("webhook");
    Path crt = Files.writeString(directory.resolve("tls-" + keyAlgorithm + ".crt"),
        Pem.block("CERTIFICATE", certificate.getEncoded()));
    Path key = Files.writeString(directory.resolve("tls-" + keyAlgorithm + ".key"),
        Pem.block("PRIVATE KEY", keys.getKey("webhook", PASSWORD).getEncoded()));
    return new SelfSigned(crt, key, certificate);
  }

  /** A client context that trusts this certificate alone. */
  SSLContext trustingClient() throws GeneralSecurityException, IOException {
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    trusted.setCertificateEntry("webhook", issued);
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }

  public static void run(List<String> command) throws Exception {
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(process.getInputStream().readAllBytes());
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      throw new IllegalStateException(String.join(" ", command) + " failed: " + output);
    }
  }
}
