/**
 * Test fixtures shared with other modules' tests through the runtime test-jar: tiny generated ONNX models
 * and helpers that write them as a model repository ({@link io.sluice.runtime.testing.TestModels}).
 */
package io.sluice.runtime.testing;
