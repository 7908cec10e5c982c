package io.sluice.benchmarks.load;

import io.sluice.benchmarks.load.client.ClientOptions;
import io.sluice.benchmarks.load.client.Tensor;
import java.time.Instant;
import java.util.List;

/**
 * What a summary records about how a benchmark was set up.
 *
 * @param client the target and wire format
 * @param inputs the first request's tensors (names, datatypes, concrete shapes)
 * @param records how many distinct request bodies were cycled through
 * @param data the data source ({@code random}, {@code zeros} or a file)
 * @param label the run's name in reports
 * @param startedAt when the benchmark started
 */
record RunContext(ClientOptions client, List<Tensor> inputs, int records, String data, String label,
    Instant startedAt) {}
