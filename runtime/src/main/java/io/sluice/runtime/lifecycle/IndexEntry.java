package io.sluice.runtime.lifecycle;

/**
 * One row of the repository index.
 *
 * @param name model name
 * @param version version number, empty for a model-level row (no version loaded)
 * @param state READY, LOADING, UNLOADING or UNAVAILABLE
 * @param reason why the model or version is not ready; empty when it is
 */
public record IndexEntry(String name, String version, String state, String reason) {}
