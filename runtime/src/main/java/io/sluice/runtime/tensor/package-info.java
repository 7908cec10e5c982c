/**
 * Tensors in the protocol's binary layout ({@link io.sluice.runtime.tensor.Tensor}), the datatype table
 * ({@link io.sluice.runtime.tensor.DataType}), checked shape arithmetic and the conversion to and from ONNX
 * Runtime ({@link io.sluice.runtime.tensor.OrtTensors}).
 */
package io.sluice.runtime.tensor;
