/**
 * Writing ONNX models from Java, without Python or checked-in binaries of unknown origin:
 * {@link io.sluice.runtime.onnx.OnnxModelBuilder} assembles a small, deterministic {@code ModelProto}
 * (inputs, outputs, initializers, nodes with attributes), and {@link io.sluice.runtime.onnx.SampleRepository}
 * writes the sample model repository committed under {@code models/} (a tabular classifier in two versions
 * with a Triton {@code config.pbtxt}, and a string-to-id lookup) that the gateway serves out of the box.
 */
package io.sluice.runtime.onnx;
