package io.sluice.gateway.drift;

import io.sluice.runtime.tensor.Tensor;
import java.util.List;

/**
 * One sampled request on its way to the worker. Holds the request's (and, for the payload log, the response's)
 * tensors by reference: tensors are immutable and own their buffers (see {@link Tensor}), so nothing is copied
 * on the request path; {@code bytes} is what the sample keeps alive, counted against the queue's byte budget.
 */
record Sample(ModelDrift model, String version, String id, List<Tensor> inputs, List<Tensor> outputs,
    long timeMillis, long bytes) {}
