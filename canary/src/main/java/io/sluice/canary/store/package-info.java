/**
 * Durable canary state: each model's traffic policy and rollout, one JSON file per model under
 * {@code <state-dir>/canary/}, written atomically (temp file, fsync, atomic rename, directory fsync) and
 * read back on start.
 *
 * <p>Entry point: {@link io.sluice.canary.store.PolicyStore}. {@link io.sluice.canary.store.PolicyStore#load}
 * never throws: a corrupt, unreadable or inconsistent file is skipped and reported in
 * {@link io.sluice.canary.store.PolicyStore.Loaded#warnings()} (and logged).
 */
package io.sluice.canary.store;
