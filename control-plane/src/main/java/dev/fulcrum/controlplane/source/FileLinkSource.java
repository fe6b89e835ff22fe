package dev.fulcrum.controlplane.source;

import dev.fulcrum.api.link.LinkYaml;
import dev.fulcrum.api.link.LinkYaml.Document;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Links from a YAML file, re-read whenever the file changes. The folder is watched rather than the
 * file, because editors and {@code kubectl}-style tools replace a file by renaming a new one over it.
 * With no change, the last documents are handed over again every {@code refresh}, so that target
 * names are looked up again: a backend restarted under the same name (a container, a VM) often
 * comes back at a new address. Unchanged results publish nothing (xDS versions are content hashes).
 */
public final class FileLinkSource implements LinkSource {
  private static final Logger log = LoggerFactory.getLogger(FileLinkSource.class);
  /** Lets a burst of writes (truncate, then write) settle into one reload. */
  private static final long SETTLE_MILLIS = 20;
  /** As often as Envoy's default DNS refresh. */
  public static final Duration DEFAULT_REFRESH = Duration.ofSeconds(5);

  private final Path file;
  private final Duration refresh;
  private WatchService watcher;
  private Thread thread;
  private String lastContent;
  private List<Document> lastDocuments;

  public FileLinkSource(Path file) {
    this(file, DEFAULT_REFRESH);
  }

  public FileLinkSource(Path file, Duration refresh) {
    this.file = file.toAbsolutePath();
    this.refresh = refresh;
  }

  @Override
  public void start(Consumer<List<Document>> onChange) throws IOException {
    String content = Files.readString(file, StandardCharsets.UTF_8);
    lastContent = content;
    lastDocuments = LinkYaml.read(file.getFileName().toString(), content);
    onChange.accept(lastDocuments);
    watcher = file.getFileSystem().newWatchService();
    file.getParent().register(watcher, StandardWatchEventKinds.ENTRY_CREATE,
        StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE);
    thread = new Thread(() -> watch(onChange), "link-file-watcher");
    thread.setDaemon(true);
    thread.start();
  }

  private void watch(Consumer<List<Document>> onChange) {
    try {
      while (true) {
        WatchKey key = watcher.poll(refresh.toMillis(), TimeUnit.MILLISECONDS);
        if (key == null) {
          deliver(onChange, lastDocuments);
          continue;
        }
        boolean ours = key.pollEvents().stream()
            .anyMatch(event -> file.getFileName().equals(event.context()));
        key.reset();
        if (ours) {
          TimeUnit.MILLISECONDS.sleep(SETTLE_MILLIS);
          drain();
          reload(onChange);
        }
      }
    } catch (InterruptedException | ClosedWatchServiceException e) {
      // closed
    }
  }

  private void drain() {
    WatchKey key;
    while ((key = watcher.poll()) != null) {
      key.pollEvents();
      key.reset();
    }
  }

  private void reload(Consumer<List<Document>> onChange) {
    String content;
    try {
      content = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      log.warn("cannot read {} ({}); keeping the last configuration", file, e.toString());
      return;
    }
    if (Objects.equals(content, lastContent)) {
      return;
    }
    lastContent = content;
    log.info("{} changed; reloading", file);
    try {
      lastDocuments = LinkYaml.read(file.getFileName().toString(), content);
    } catch (RuntimeException e) {
      log.error("reloading {} failed; keeping the last configuration", file, e);
      return;
    }
    deliver(onChange, lastDocuments);
  }

  private void deliver(Consumer<List<Document>> onChange, List<Document> documents) {
    try {
      onChange.accept(documents);
    } catch (RuntimeException e) {
      log.error("applying {} failed; keeping the last configuration", file, e);
    }
  }

  @Override
  public void close() {
    try {
      if (watcher != null) {
        watcher.close();
      }
    } catch (IOException e) {
      log.debug("closing the watcher", e);
    }
  }
}
