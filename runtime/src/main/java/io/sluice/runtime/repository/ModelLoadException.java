package io.sluice.runtime.repository;

/**
 * A model or version could not be loaded. The message is the reason reported to clients and operators
 * (repository index, readiness errors): it never holds absolute paths or native messages.
 */
public final class ModelLoadException extends Exception {
  private static final long serialVersionUID = 1L;

  public ModelLoadException(String reason) {
    super(reason);
  }

  public ModelLoadException(String reason, Throwable cause) {
    super(reason, cause);
  }
}
