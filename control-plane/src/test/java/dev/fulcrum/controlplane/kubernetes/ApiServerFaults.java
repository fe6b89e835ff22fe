package dev.fulcrum.controlplane.kubernetes;

import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.fabric8.mockwebserver.http.Response;
import io.fabric8.mockwebserver.http.WebSocket;
import io.fabric8.mockwebserver.http.WebSocketListener;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The mock API server's CRUD dispatcher with a hand on its watches, for what the mock never does on
 * its own: end a watch with {@code ERROR 410 Gone}, drop a watch, lose events (as a watch does
 * whose history the API server compacted), or answer reads with 503 while it is being filled (as an
 * API server does while it starts). It also counts the lists and watches it was asked for, so a
 * test can see an informer re-list. Resources are named by the last segment of their path
 * ({@code "links"}, {@code "endpointslices"}).
 *
 * <p>The mock's expectations cannot do this here: they match a request by its exact path, and an
 * informer's watch path carries the resourceVersion it resumes from, which changes with every write.
 */
public final class ApiServerFaults extends Dispatcher {
  /** What a real API server sends on a watch whose resourceVersion is too old to resume from. */
  static final String GONE = error(410, "Expired", "too old resource version");
  /** What a real API server sends on a watch it cannot go on with for a reason of its own. */
  static final String INTERNAL_ERROR = error(500, "InternalError", "etcd leader changed");

  private static String error(int code, String reason, String message) {
    return """
        {"type":"ERROR","object":{"apiVersion":"v1","kind":"Status","metadata":{},"status":"Failure",\
        "message":"%s","reason":"%s","code":%d}}""".formatted(message, reason, code);
  }

  private final KubernetesCrudDispatcher crud = new KubernetesCrudDispatcher();
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final Set<Watch> open = ConcurrentHashMap.newKeySet();
  private final Set<String> deaf = ConcurrentHashMap.newKeySet();
  /** The status that reads are refused with, or 0 while they are served. */
  private volatile int readsRefused;
  private volatile boolean startedAfresh;
  private volatile boolean reviewsTokens;

  @Override
  public MockResponse dispatch(RecordedRequest request) {
    requests.add(request.getMethod() + " " + request.getPath());
    if (startedAfresh && request.getPath().contains("watch=true") && lists(resource(request.getPath())) == 0) {
      return new MockResponse().withWebSocketUpgrade(new WebSocketListener() {
        @Override
        public void onOpen(WebSocket webSocket, Response response) {
          webSocket.send(GONE);
          webSocket.close(1000, "");
        }
      });
    }
    if (reviewsTokens && request.getMethod().equals("POST") && request.getPath().startsWith(TOKEN_REVIEWS)) {
      TokenReview asked = Serialization.unmarshal(request.getUtf8Body(), TokenReview.class);
      return new MockResponse().setResponseCode(201).setBody(Serialization.asJson(ServiceAccountTokens.review(asked)));
    }
    int refusal = readsRefused;
    if (refusal != 0 && request.getMethod().equals("GET")) {
      return new MockResponse().setResponseCode(refusal).setBody("{\"kind\":\"Status\",\"apiVersion\":\"v1\","
          + "\"status\":\"Failure\",\"code\":" + refusal + "}");
    }
    MockResponse response = crud.dispatch(request);
    WebSocketListener events = response.getWebSocketListener();
    return events == null ? response : response.withWebSocketUpgrade(new Watch(resource(request.getPath()), events));
  }

  @Override
  public void shutdown() {
    crud.shutdown();
  }

  private static String resource(String path) {
    String withoutQuery = path.split("\\?", 2)[0];
    return withoutQuery.substring(withoutQuery.lastIndexOf('/') + 1);
  }

  private static final String TOKEN_REVIEWS = "/apis/authentication.k8s.io/v1/tokenreviews";

  /** From now on, TokenReviews are answered as a real API server would ({@link ServiceAccountTokens}). */
  public void reviewTokens() {
    reviewsTokens = true;
  }

  /**
   * Reads (lists, watches, gets) fail with {@code status} until {@link #serveReads}: 503 as while an
   * API server starts (fabric8's HTTP client retries those itself), 403 as while an account's RBAC
   * is re-applied (that reaches the informer). Writes go through, so a test can fill the server with
   * objects that no informer sees half-made.
   */
  public void refuseReads(int status) {
    readsRefused = status;
  }

  public void serveReads() {
    readsRefused = 0;
  }

  /**
   * The dispatcher of {@code before}'s API server after a restart, as etcd keeps it: empty until
   * filled again, but with resourceVersions going on from before's (informers take an object whose
   * version they have seen for unchanged), and just started: a watch that resumes from a version of
   * before (any watch of a resource not listed here yet) is answered {@code 410 Gone}, as a restarted
   * API server's watch cache, which begins at its start, answers one. The mock would otherwise take
   * it and send only later events, where a real API server replays those since that version.
   */
  public static ApiServerFaults restartOf(ApiServerFaults before) {
    ApiServerFaults restarted = new ApiServerFaults();
    long last = before.crud.requestResourceVersion();
    while (restarted.crud.requestResourceVersion() < last) {
      // the mock numbers versions with a counter of its own: bring it level
    }
    restarted.startedAfresh = true;
    return restarted;
  }

  /** How many times {@code resource} was listed (a GET of the collection that is not a watch). */
  public long lists(String resource) {
    return requests.stream().filter(r -> r.startsWith("GET ") && !r.contains("watch=true")
        && resource(r.substring(4)).equals(resource)).count();
  }

  /** How many watches of {@code resource} were opened. */
  public long watches(String resource) {
    return requests.stream().filter(r -> r.contains("watch=true") && resource(r.substring(4)).equals(resource)).count();
  }

  /** Whether a watch of {@code resource} is open now. */
  public boolean watching(String resource) {
    return open.stream().anyMatch(watch -> watch.resource.equals(resource));
  }

  /** From now on, events of {@code resource} are not sent to its watches (they miss what changes). */
  public void deafen(String resource) {
    deaf.add(resource);
  }

  public void undeafen(String resource) {
    deaf.remove(resource);
  }

  /** Ends every open watch of {@code resource} with {@code ERROR 410 Gone}, as a real API server does. */
  public void gone(String resource) {
    forEachOpen(resource, socket -> {
      socket.send(GONE);
      socket.close(1000, "");
    });
  }

  /** Closes every open watch of {@code resource} without a word, as a restarting load balancer might. */
  public void dropWatches(String resource) {
    forEachOpen(resource, socket -> socket.close(1000, ""));
  }

  /** Ends every open watch of {@code resource} with an {@code ERROR 500}. */
  public void failWatches(String resource) {
    forEachOpen(resource, socket -> {
      socket.send(INTERNAL_ERROR);
      socket.close(1000, "");
    });
  }

  private void forEachOpen(String resource, java.util.function.Consumer<WebSocket> action) {
    List<Watch> watches = open.stream().filter(watch -> watch.resource.equals(resource) && watch.socket != null).toList();
    if (watches.isEmpty()) {
      throw new AssertionError("no open watch of " + resource + " to act on");
    }
    watches.forEach(watch -> action.accept(watch.socket));
  }

  /** One watch: the CRUD dispatcher's listener, on a socket that drops events while its resource is deaf. */
  private final class Watch extends WebSocketListener {
    private final String resource;
    private final WebSocketListener events;
    private volatile WebSocket socket;
    private volatile WebSocket filtered;

    Watch(String resource, WebSocketListener events) {
      this.resource = resource;
      this.events = events;
    }

    @Override
    public void onBeforeAccept(WebSocket webSocket, Response response) {
      events.onBeforeAccept(webSocket, response);
    }

    @Override
    public void onOpen(WebSocket webSocket, Response response) {
      socket = webSocket;
      filtered = new WebSocket() {
        @Override
        public RecordedRequest request() {
          return webSocket.request();
        }

        @Override
        public boolean send(String text) {
          return deaf.contains(resource) || webSocket.send(text);
        }

        @Override
        public boolean send(byte[] bytes) {
          return deaf.contains(resource) || webSocket.send(bytes);
        }

        @Override
        public boolean close(int code, String reason) {
          return webSocket.close(code, reason);
        }
      };
      open.add(this);
      events.onOpen(filtered, response);
    }

    @Override
    public void onMessage(WebSocket webSocket, String text) {
      events.onMessage(filtered, text);
    }

    @Override
    public void onClosing(WebSocket webSocket, int code, String reason) {
      open.remove(this);
      events.onClosing(filtered, code, reason);
    }

    @Override
    public void onClosed(WebSocket webSocket, int code, String reason) {
      open.remove(this);
      events.onClosed(filtered, code, reason);
    }

    @Override
    public void onFailure(WebSocket webSocket, Throwable error, Response response) {
      open.remove(this);
      events.onFailure(filtered, error, response);
    }
  }
}
