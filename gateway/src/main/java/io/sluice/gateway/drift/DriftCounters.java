package io.sluice.gateway.drift;

/**
 * Cumulative counts since the {@link DriftService} started, for metrics (monotonic: expose as counters).
 *
 * @param sampled requests chosen by the sampling rate and queued
 * @param droppedQueueFull sampled requests dropped because the queue (count or bytes) was full
 * @param processed samples the worker finished (payload log and drift)
 * @param failed samples the worker could not process (an unexpected error, logged)
 * @param payloadLogged records written to the payload log
 * @param payloadLogDropped records not written because of an I/O error
 * @param webhookSent webhook events delivered (2xx)
 * @param webhookFailed webhook events given up after all attempts
 * @param webhookDropped webhook events not sent because too many were pending
 */
public record DriftCounters(long sampled, long droppedQueueFull, long processed, long failed, long payloadLogged,
    long payloadLogDropped, long webhookSent, long webhookFailed, long webhookDropped) {

  /** Samples lost for any reason: queue full, processing failure, payload log failure. */
  public long dropped() {
    return droppedQueueFull + failed + payloadLogDropped;
  }
}
