/**
 * Test doubles shared by the canary tests (and, through the test jar, the gateway's): a settable
 * {@link io.sluice.canary.testing.MutableClock} and {@link io.sluice.canary.testing.FakeSignals}, a
 * {@link io.sluice.canary.gates.WindowedSignals} fed by the test.
 */
package io.sluice.canary.testing;
