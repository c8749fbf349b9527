/**
 * System tests: the engine's built jar run as its own process, killed with SIGKILL, restarted on
 * the same data and stopped from outside, with the real broker and journal; what a user sees
 * through the HTTP API is what is checked.
 */
package dev.switchboard.system;
