package io.sluice.gateway.drift;

/**
 * One feature of a model's inputs, see {@link FeatureLayout}.
 *
 * @param index position among all features of the model, in input order
 * @param name {@code input}, {@code input[column]}, or a summary such as {@code input.mean},
 *     {@code input.c0.std}, {@code input.length}
 * @param input the input tensor it is taken from
 * @param bytes whether it comes from a BYTES input (always categorical)
 */
record FeatureDefinition(int index, String name, String input, boolean bytes) {}
