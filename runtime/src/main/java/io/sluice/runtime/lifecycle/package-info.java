/**
 * Model lifecycle: {@link io.sluice.runtime.lifecycle.ModelManager} loads the repository's models, keeps the
 * immutable routing snapshot ({@link io.sluice.runtime.lifecycle.ModelStatus} per model) and resolves the
 * version that serves a request. Version policies, control modes and hot reload come with the lifecycle
 * issue.
 */
package io.sluice.runtime.lifecycle;
