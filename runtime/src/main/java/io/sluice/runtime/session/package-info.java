/**
 * Loaded model versions: {@link io.sluice.runtime.session.VersionLoader} turns a model file and its config
 * into a {@link io.sluice.runtime.session.ModelVersion} (ONNX Runtime session, reconciled
 * {@link io.sluice.runtime.session.ModelSignature}, scheduler, statistics) with CPU or CUDA placement from
 * {@link io.sluice.runtime.session.RuntimeOptions} and the config.
 */
package io.sluice.runtime.session;
