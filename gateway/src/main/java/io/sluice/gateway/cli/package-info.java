/**
 * The command line (picocli): {@code sluice serve} and {@code sluice generate-samples}. Entry point:
 * {@link io.sluice.gateway.cli.SluiceCommand#main}.
 */
package io.sluice.gateway.cli;
