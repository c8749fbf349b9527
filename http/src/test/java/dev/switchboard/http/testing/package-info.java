/**
 * Test support: a whole Switchboard node started in-process on real parts, an HTTP client for it,
 * and the fault suite's checker ({@link dev.switchboard.http.testing.TrafficChecker}), which judges
 * by what a provider received ({@link dev.switchboard.http.testing.ProviderRecord}); and a
 * test-only provider type {@code stub-api} over an HTTP SMS API on loopback ({@link
 * dev.switchboard.http.testing.StubSmsApi}), registered through this module's test resources.
 */
package dev.switchboard.http.testing;
