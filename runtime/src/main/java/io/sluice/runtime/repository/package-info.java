/**
 * The model repository on disk in Triton's layout ({@link io.sluice.runtime.repository.ModelRepository}),
 * with name and version rules ({@link io.sluice.runtime.repository.ModelName},
 * {@link io.sluice.runtime.repository.VersionNumber}) and {@code config.pbtxt} reading.
 */
package io.sluice.runtime.repository;
