package io.sluice.runtime.lifecycle;

/** Lifecycle states as the repository API reports them. */
public enum ModelState {
  LOADING,
  READY,
  UNLOADING,
  UNAVAILABLE
}
