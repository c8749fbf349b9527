/**
 * The sandbox provider: a simulated channel for demos and tests, with configurable latency,
 * delivery receipts shortly after sending, and deterministic failing recipients.
 */
package dev.switchboard.channels.sandbox;
