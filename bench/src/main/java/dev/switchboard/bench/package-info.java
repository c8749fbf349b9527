/**
 * The benchmark: its options, the order of its phases, and its report (a readable table and the
 * one-line {@code RESULT} summary). Depends on {@code measure} and {@code drive}; nothing depends
 * on it.
 */
package dev.switchboard.bench;
