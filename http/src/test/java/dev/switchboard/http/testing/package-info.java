/**
 * Test support: a whole Switchboard node started in-process on real parts, and an HTTP client for
 * it.
 */
package dev.switchboard.http.testing;
