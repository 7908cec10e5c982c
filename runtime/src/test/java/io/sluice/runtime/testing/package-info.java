/**
 * Test fixtures shared with other modules' tests through the runtime test-jar: tiny generated ONNX models
 * and helpers that write them as a model repository ({@link io.sluice.runtime.testing.TestModels}), and the
 * records a class logs ({@link io.sluice.runtime.testing.LogRecords}).
 */
package io.sluice.runtime.testing;
