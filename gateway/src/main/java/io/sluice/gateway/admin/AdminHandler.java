package io.sluice.gateway.admin;

import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * Answers the requests of one admin route. Runs on the admin listener's small executor, never on an event
 * loop, so it may block briefly (file I/O, a scrape); long work should complete the future later instead.
 *
 * <p>Failures, thrown or completing the future: an {@link io.sluice.runtime.exec.InferenceException} becomes
 * its HTTP status with {@code {"error":"<message>"}} (INVALID_ARGUMENT 400, NOT_FOUND 404, ...); anything else
 * becomes 500 with a generic message, its details logged for the operator only.
 */
@FunctionalInterface
public interface AdminHandler {
  CompletableFuture<AdminResponse> handle(AdminRequest request) throws Exception;

  /** A handler that answers synchronously with what {@code handler} returns. */
  static AdminHandler of(Function<AdminRequest, AdminResponse> handler) {
    return request -> CompletableFuture.completedFuture(handler.apply(request));
  }
}
