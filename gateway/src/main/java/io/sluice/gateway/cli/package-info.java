/**
 * The command line (picocli): {@code sluice serve}, {@code sluice generate-samples}, {@code sluice drift
 * baseline} and {@code sluice canary ...} (operator commands against the admin API). Entry point:
 * {@link io.sluice.gateway.cli.SluiceCommand#main}.
 */
package io.sluice.gateway.cli;
