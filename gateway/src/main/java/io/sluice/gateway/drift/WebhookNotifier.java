package io.sluice.gateway.drift;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * POSTs drift events to webhooks, asynchronously and off the request path: each attempt has {@code timeout}
 * (connect and response); a failure (I/O error, timeout or a non-2xx status) is retried up to
 * {@code maxAttempts} attempts in all, waiting {@code backoff}, then twice that, and so on. At most
 * {@link #MAX_IN_FLIGHT} events are pending; more are dropped and counted. Redirects are not followed.
 * Thread-safe.
 */
final class WebhookNotifier implements AutoCloseable {
  static final int MAX_IN_FLIGHT = 16;
  private static final System.Logger LOG = System.getLogger(WebhookNotifier.class.getName());

  private final HttpClient client;
  private final ExecutorService executor;
  private final Duration timeout;
  private final int maxAttempts;
  private final Duration backoff;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final LongAdder sent = new LongAdder();
  private final LongAdder failed = new LongAdder();
  private final LongAdder dropped = new LongAdder();

  WebhookNotifier(Duration timeout, int maxAttempts, Duration backoff, ExecutorService executor) {
    this.timeout = timeout;
    this.maxAttempts = maxAttempts;
    this.backoff = backoff;
    this.executor = executor;
    this.client = HttpClient.newBuilder()
        .connectTimeout(timeout)
        .followRedirects(HttpClient.Redirect.NEVER)
        .executor(executor)
        .build();
  }

  /** Sends {@code json} to {@code uri} in the background; never throws. */
  void post(URI uri, String json) {
    if (inFlight.incrementAndGet() > MAX_IN_FLIGHT) {
      inFlight.decrementAndGet();
      dropped.increment();
      return;
    }
    HttpRequest request;
    try {
      request = HttpRequest.newBuilder(uri)
          .timeout(timeout)
          .header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(json))
          .build();
    } catch (RuntimeException invalid) {
      finish(false);
      return;
    }
    attempt(request, 1);
  }

  private void attempt(HttpRequest request, int attempt) {
    CompletableFuture<HttpResponse<Void>> response;
    try {
      response = client.sendAsync(request, HttpResponse.BodyHandlers.discarding());
    } catch (RuntimeException rejected) {
      retryOrFail(request, attempt, rejected.getClass().getSimpleName());
      return;
    }
    response.whenComplete((result, error) -> {
      if (error == null && result.statusCode() / 100 == 2) {
        finish(true);
      } else {
        retryOrFail(request, attempt, error == null ? "status " + result.statusCode()
            : error.getClass().getSimpleName());
      }
    });
  }

  private void retryOrFail(HttpRequest request, int attempt, String reason) {
    if (attempt >= maxAttempts || executor.isShutdown()) {
      // the URL is not logged: it may carry credentials
      LOG.log(System.Logger.Level.WARNING, "drift webhook failed after " + attempt + " attempts: " + reason);
      finish(false);
      return;
    }
    long delay = backoff.toMillis() << Math.min(attempt - 1, 20);
    try {
      CompletableFuture.delayedExecutor(delay, TimeUnit.MILLISECONDS, executor)
          .execute(() -> attempt(request, attempt + 1));
    } catch (RuntimeException rejected) {
      finish(false);
    }
  }

  private void finish(boolean success) {
    (success ? sent : failed).increment();
    inFlight.decrementAndGet();
  }

  long sent() {
    return sent.sum();
  }

  long failed() {
    return failed.sum();
  }

  long dropped() {
    return dropped.sum();
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
