/**
 * JSON for the admin API, the persisted state and the audit lines, with Jackson's tree model.
 *
 * <p>Entry point: {@link io.sluice.canary.json.CanaryJson}. Request bodies ({@code PUT .../traffic},
 * {@code POST .../rollout}) are parsed strictly: malformed JSON, duplicate or unknown fields, wrong types
 * and invalid values become INVALID_ARGUMENT {@link io.sluice.runtime.exec.InferenceException}s whose
 * message names the field, what was sent and what was expected. Rendering writes versions as strings,
 * instants as ISO-8601 and non-finite numbers as {@code null}. None of this runs on the request path.
 */
package io.sluice.canary.json;
