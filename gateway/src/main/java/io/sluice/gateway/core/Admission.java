package io.sluice.gateway.core;

import io.sluice.runtime.exec.ErrorCode;
import io.sluice.runtime.exec.InferenceException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Server-wide admission of inference requests by count and by bytes ({@link AdmissionOptions}), shared by both
 * front ends, which ask before they buffer or decode a request: HTTP when the request head arrives (by its
 * declared {@code Content-Length}, growing with the chunks of a chunked body), gRPC when the message arrives (by
 * its size). A request alone is always admitted by bytes (the body limit bounds it), so a cap below the largest
 * body cannot starve large requests forever.
 *
 * <p>Each admitted request must be released exactly once with the bytes it holds, after its answer was handed
 * to the transport or its connection closed. Thread-safe and lock-free.
 */
public final class Admission {
  private final AdmissionOptions options;
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicLong bytes = new AtomicLong();
  private final LongAdder refusedByCount = new LongAdder();
  private final LongAdder refusedByBytes = new LongAdder();
  // Immutable and without a stack trace, so one instance serves every refusal.
  private final InferenceException refusal;

  public Admission(AdmissionOptions options) {
    this.options = options;
    this.refusal = new InferenceException(ErrorCode.UNAVAILABLE,
        "server overloaded: too many inference requests or request bytes in flight; retry after "
            + options.retryAfterSeconds() + " s");
  }

  /** Admission with the default caps. */
  public static Admission withDefaults() {
    return new Admission(AdmissionOptions.defaults());
  }

  /**
   * Admits one request of {@code requestBytes} when both caps allow it.
   *
   * @return true when admitted (release it later with {@link #release(long)}), false when refused
   */
  public boolean tryAdmit(long requestBytes) {
    if (requests.incrementAndGet() > options.maxRequestsInFlight()) {
      requests.decrementAndGet();
      refusedByCount.increment();
      return false;
    }
    if (!tryReserve(requestBytes, requestBytes)) {
      requests.decrementAndGet();
      return false;
    }
    return true;
  }

  /**
   * Adds {@code moreBytes} to an admitted request that holds {@code heldBytes} (a chunked body growing).
   *
   * @return false when the byte cap refuses them; the request then still holds what it held before
   */
  public boolean tryGrow(long heldBytes, long moreBytes) {
    return tryReserve(moreBytes, heldBytes + moreBytes);
  }

  /** Ends an admitted request that holds {@code requestBytes}. */
  public void release(long requestBytes) {
    bytes.addAndGet(-requestBytes);
    requests.decrementAndGet();
  }

  /** Reserves {@code more} bytes for a request that then holds {@code requestTotal}; alone it always fits. */
  private boolean tryReserve(long more, long requestTotal) {
    long after = bytes.addAndGet(more);
    if (after > options.maxBytesInFlight() && after != requestTotal) {
      bytes.addAndGet(-more);
      refusedByBytes.increment();
      return false;
    }
    return true;
  }

  /** The refusal a client is sent, whichever cap refused: UNAVAILABLE (HTTP 503 with {@code Retry-After}). */
  public InferenceException refusal() {
    return refusal;
  }

  /** Seconds a refused client should wait before retrying. */
  public int retryAfterSeconds() {
    return options.retryAfterSeconds();
  }

  /** Inference requests admitted and not yet released. */
  public int requestsInFlight() {
    return requests.get();
  }

  /** Bytes held by those requests. */
  public long bytesInFlight() {
    return bytes.get();
  }

  /** Requests refused because the request cap was reached. */
  public long refusedByCount() {
    return refusedByCount.sum();
  }

  /** Requests (or chunks of them) refused because the byte cap was reached. */
  public long refusedByBytes() {
    return refusedByBytes.sum();
  }
}
